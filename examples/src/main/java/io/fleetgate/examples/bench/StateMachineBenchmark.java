package io.fleetgate.examples.bench;

import com.github.oxo42.stateless4j.StateMachine;
import com.github.oxo42.stateless4j.StateMachineConfig;
import io.fleetgate.execution.DriverEventType;
import io.fleetgate.execution.DriverStateMachine;
import io.fleetgate.execution.DriverStatus;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static io.fleetgate.execution.DriverEventType.ARRIVED_AT_STOP;
import static io.fleetgate.execution.DriverEventType.DELAY_REPORTED;
import static io.fleetgate.execution.DriverEventType.DEPARTED_STOP;
import static io.fleetgate.execution.DriverEventType.DRIVER_LOGGED_IN;
import static io.fleetgate.execution.DriverEventType.PROOF_CAPTURED;
import static io.fleetgate.execution.DriverEventType.ROUTE_CANCELLED;
import static io.fleetgate.execution.DriverEventType.ROUTE_COMPLETED;
import static io.fleetgate.execution.DriverEventType.ROUTE_RESUMED;
import static io.fleetgate.execution.DriverEventType.ROUTE_STARTED;
import static io.fleetgate.execution.DriverStatus.ACTIVE;
import static io.fleetgate.execution.DriverStatus.AT_STOP;
import static io.fleetgate.execution.DriverStatus.COMPLETED;
import static io.fleetgate.execution.DriverStatus.DELAYED;
import static io.fleetgate.execution.DriverStatus.EN_ROUTE;
import static io.fleetgate.execution.DriverStatus.INACTIVE;
import static io.fleetgate.execution.DriverStatus.SUSPENDED;

/**
 * Deciding the seed's transitions: {@link DriverStateMachine#decide} against the same table in
 * stateless4j and against a bare {@code [status][event]} array (the limit: one load, no checks).
 *
 * <p>The workload is the 22 (status, event) pairs the seed's table accepts without an override
 * target, repeated in a shuffled order over 1,024 slots, so every call sees a different pair and
 * nothing folds to a constant. Each call returns the status to move to.
 *
 * <p>stateless4j is used the way it is meant to be for state that lives in a database row: one
 * {@link StateMachineConfig} built once, and per decision a {@link StateMachine} over the loaded
 * row through a state accessor and mutator ({@code new StateMachine<>(row.status, () ->
 * row.status, s -> row.status = s, config)}), then {@code fire}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class StateMachineBenchmark {
    private static final int SLOTS = 1024;

    /** The seed's table in stateless4j, written out as a user would. */
    static final StateMachineConfig<DriverStatus, DriverEventType> STATELESS4J = stateless4jTable();

    private final DriverStateMachine machine = DriverStateMachine.standard();
    private final DriverStatus[][] array = new DriverStatus[DriverStatus.values().length][DriverEventType.values().length];
    private final DriverStatus[] from = new DriverStatus[SLOTS];
    private final DriverEventType[] events = new DriverEventType[SLOTS];
    private int next;

    /** A database row's status, as loaded. */
    static final class Row {
        DriverStatus status;
    }

    /** Fills the workload and the bare array. */
    @Setup
    public void setUp() {
        List<DriverStatus> pairFrom = new ArrayList<>();
        List<DriverEventType> pairEvents = new ArrayList<>();
        for (DriverStatus s : DriverStatus.values()) {
            for (DriverEventType e : DriverEventType.values()) {
                DriverStateMachine.Decision d = machine.decide(s, e, null);
                if (d.allowed()) {
                    array[s.ordinal()][e.ordinal()] = d.to();
                    pairFrom.add(s);
                    pairEvents.add(e);
                }
            }
        }
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < SLOTS; i++) {
            order.add(i % pairFrom.size());
        }
        Collections.shuffle(order, new Random(42));
        for (int i = 0; i < SLOTS; i++) {
            from[i] = pairFrom.get(order.get(i));
            events[i] = pairEvents.get(order.get(i));
        }
    }

    private int slot() {
        int i = next;
        next = (i + 1) & (SLOTS - 1);
        return i;
    }

    /** @return the status fleetgate's machine moves to */
    @Benchmark
    public DriverStatus fleetgate() {
        int i = slot();
        return machine.decide(from[i], events[i], null).to();
    }

    /** @return the status stateless4j moves the row to */
    @Benchmark
    public DriverStatus stateless4j() {
        int i = slot();
        Row row = new Row();
        row.status = from[i];
        StateMachine<DriverStatus, DriverEventType> sm =
                new StateMachine<>(row.status, () -> row.status, s -> row.status = s, STATELESS4J);
        sm.fire(events[i]);
        return row.status;
    }

    /** @return the status in a bare {@code [status][event]} array */
    @Benchmark
    public DriverStatus array() {
        int i = slot();
        return array[from[i].ordinal()][events[i].ordinal()];
    }

    /** @return the number of pairs the workload cycles through */
    int distinctPairs() {
        int n = 0;
        for (DriverStatus[] row : array) {
            for (DriverStatus to : row) {
                n += to == null ? 0 : 1;
            }
        }
        return n;
    }

    /**
     * The seed's table: statuses an event is accepted from, and where it leads. An event that
     * leaves the status as it is ({@code PROOF_CAPTURED}, or {@code ROUTE_CANCELLED} from
     * INACTIVE) is a re-entry; from SUSPENDED only an override is accepted, so it has no rows here.
     */
    static StateMachineConfig<DriverStatus, DriverEventType> stateless4jTable() {
        StateMachineConfig<DriverStatus, DriverEventType> c = new StateMachineConfig<>();
        c.configure(INACTIVE)
                .permit(DRIVER_LOGGED_IN, ACTIVE)
                .permit(ROUTE_STARTED, EN_ROUTE)
                .permitReentry(ROUTE_CANCELLED)
                .permitReentry(PROOF_CAPTURED);
        c.configure(ACTIVE)
                .permit(ROUTE_STARTED, EN_ROUTE)
                .permit(ROUTE_CANCELLED, INACTIVE)
                .permitReentry(PROOF_CAPTURED);
        c.configure(EN_ROUTE)
                .permit(ARRIVED_AT_STOP, AT_STOP)
                .permit(DELAY_REPORTED, DELAYED)
                .permit(ROUTE_COMPLETED, COMPLETED)
                .permit(ROUTE_CANCELLED, INACTIVE)
                .permitReentry(PROOF_CAPTURED);
        c.configure(AT_STOP)
                .permit(DEPARTED_STOP, EN_ROUTE)
                .permit(DELAY_REPORTED, DELAYED)
                .permit(ROUTE_COMPLETED, COMPLETED)
                .permit(ROUTE_CANCELLED, INACTIVE)
                .permitReentry(PROOF_CAPTURED);
        c.configure(DELAYED)
                .permit(ROUTE_RESUMED, EN_ROUTE)
                .permit(ROUTE_COMPLETED, COMPLETED)
                .permit(ROUTE_CANCELLED, INACTIVE)
                .permitReentry(PROOF_CAPTURED);
        c.configure(COMPLETED)
                .permitReentry(PROOF_CAPTURED);
        c.configure(SUSPENDED);
        return c;
    }
}
