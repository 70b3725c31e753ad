package io.fleetgate.examples.bench;

import io.fleetgate.StopSettings;
import io.fleetgate.execution.Batch;
import io.fleetgate.execution.BatchReplay;
import io.fleetgate.execution.DriverEvent;
import io.fleetgate.execution.DriverEventType;
import io.fleetgate.execution.DriverStateMachine;
import io.fleetgate.execution.DriverStatus;
import io.fleetgate.execution.ProofKind;
import io.fleetgate.execution.Stop;
import io.fleetgate.execution.TimeWindow;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What the stop rules cost per event, next to the state machine's decision: {@code stopGuard}
 * applies one logged event to its batch by the code the sync pipeline runs after the state machine
 * ({@link BatchReplay}, i.e. {@code StopEffects}: the stop named by id, the proof guard, the outcome,
 * the new progress and the new batch), over the events of a delivered route with windows and
 * proof rules; {@code stateMachine} decides the same events' transitions. Both cycle through the
 * route's 14 events.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class StopGuardBenchmark {
    private static final Instant T0 = Instant.parse("2026-12-07T08:00:00Z");

    private final BatchReplay replay = new BatchReplay(StopSettings.defaults());
    private final DriverStateMachine machine = DriverStateMachine.standard();
    private final List<Batch> before = new ArrayList<>();
    private final List<List<DriverEvent>> events = new ArrayList<>();
    private int next;

    /** Records the route: each event with the batch it applies to. */
    @Setup
    public void setUp() {
        List<Stop> stops = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            stops.add(Stop.of(30.27 + i / 1000.0, -97.74, 80).withId("stop-" + i)
                    .withWindow(new TimeWindow(T0, T0.plusSeconds(3600L * (i + 1))))
                    .requiring(i % 2 == 0 ? ProofKind.SIGNATURE : ProofKind.PHOTO, 1));
        }
        Batch b = new Batch("b", "ws", "d", DriverStatus.INACTIVE, null, null, null, Map.of(), 0, stops, List.of(),
                T0, T0);
        List<Object[]> route = new ArrayList<>();
        route.add(new Object[] {DriverEventType.ROUTE_STARTED, null, Map.of()});
        for (int i = 0; i < 4; i++) {
            String id = "stop-" + i;
            route.add(new Object[] {DriverEventType.ARRIVED_AT_STOP, id, Map.of()});
            route.add(new Object[] {DriverEventType.PROOF_CAPTURED, id, Map.of("proof", Map.of("kind",
                    i % 2 == 0 ? "SIGNATURE" : "PHOTO", "hash", Integer.toString(i).repeat(64)))});
            if (i < 3) {
                route.add(new Object[] {DriverEventType.DEPARTED_STOP, id, i == 1
                        ? Map.of("outcome", Map.of("status", "FAILED", "reason", "RECIPIENT_ABSENT"))
                        : Map.of("outcome", Map.of("status", "COMPLETED"))});
            }
        }
        route.add(new Object[] {DriverEventType.ROUTE_COMPLETED, "stop-3", Map.of("outcome", Map.of("status",
                "COMPLETED"))});
        long version = 0;
        for (Object[] step : route) {
            DriverEventType type = (DriverEventType) step[0];
            DriverStatus to = machine.require(b.status(), type, null).to();
            version++;
            @SuppressWarnings("unchecked")
            Map<String, Object> payload = (Map<String, Object>) step[2];
            DriverEvent e = new DriverEvent("e" + version, "b", "ws", "d", "d", null, type, b.status(), to, version,
                    T0.plusSeconds(60 * version), T0.plusSeconds(60 * version), null, null, null, null, payload, null,
                    "h", false, List.of(), (String) step[1]);
            before.add(b);
            events.add(List.of(e));
            b = replay.replay(b, List.of(e));
        }
        if (b.status() != DriverStatus.COMPLETED || !b.openStops().isEmpty()) {
            throw new IllegalStateException("the route did not complete: " + b);
        }
    }

    private int slot() {
        int i = next;
        next = i + 1 == events.size() ? 0 : i + 1;
        return i;
    }

    /** @return the batch after one event's stop rules */
    @Benchmark
    public Batch stopGuard() {
        int i = slot();
        return replay.replay(before.get(i), events.get(i));
    }

    /** @return the status the state machine moves the same event to */
    @Benchmark
    public DriverStatus stateMachine() {
        int i = slot();
        DriverEvent e = events.get(i).get(0);
        return machine.decide(before.get(i).status(), e.type(), null).to();
    }
}
