package io.fleetgate.contract;

import io.fleetgate.Fleetgate;
import io.fleetgate.FleetgateListener;
import io.fleetgate.FleetgateSettings;
import io.fleetgate.Principal;
import io.fleetgate.access.Workspace;
import io.fleetgate.error.ActiveSessionExistsException;
import io.fleetgate.error.InvalidRequestException;
import io.fleetgate.error.NotFoundException;
import io.fleetgate.error.OutsideRadiusException;
import io.fleetgate.exclusive.ActivateRequest;
import io.fleetgate.exclusive.Charger;
import io.fleetgate.exclusive.ExclusiveSession;
import io.fleetgate.exclusive.ExclusiveSessionStatus;
import io.fleetgate.exclusive.Merchant;
import io.fleetgate.execution.Batch;
import io.fleetgate.execution.CreateBatchRequest;
import io.fleetgate.execution.DriverEvent;
import io.fleetgate.execution.DriverEventRequest;
import io.fleetgate.execution.DriverEventType;
import io.fleetgate.execution.DriverStatus;
import io.fleetgate.execution.EventOutcome;
import io.fleetgate.execution.QuarantinedEvent;
import io.fleetgate.execution.Stop;
import io.fleetgate.geo.Coordinate;
import io.fleetgate.internal.PinHasher;
import io.fleetgate.testkit.CapturedLogs;
import io.fleetgate.testkit.StoreContract;
import io.fleetgate.testkit.TestClock;
import io.fleetgate.testkit.TestFleetgates;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The {@link FleetgateListener} on a store: told each committed change once, with what the store
 * holds, and nothing for refused requests, resent duplicates or idempotent repeats; a listener
 * that throws neither undoes the change nor fails the call. Run against every store by a thin
 * subclass (in-memory here, SQLite and PostgreSQL in store-jdbc).
 */
public abstract class ListenerContract extends StoreContract {
    private static final Coordinate CHARGER_AT = Coordinate.of(30.2672, -97.7431);
    private static final List<Stop> STOPS = List.of(Stop.of(30.27, -97.74, 100), Stop.of(30.28, -97.74, 100));

    private final Principal.Driver ana = Principal.driver("d_ana");
    private final Principal.Supervisor sam = Principal.supervisor("s_sam", "ws_1");
    private final List<Object> heard = Collections.synchronizedList(new ArrayList<>());
    private TestClock clock;
    private Fleetgate fleetgate;

    /** What the recording listener heard, one entry per call. */
    private record BatchChanged(Batch batch, List<DriverEvent> recorded) {
    }

    private record Quarantined(List<QuarantinedEvent> events) {
    }

    private final FleetgateListener recording = new FleetgateListener() {
        @Override
        public void exclusiveSessionChanged(ExclusiveSession session) {
            heard.add(session);
        }

        @Override
        public void batchChanged(Batch batch, List<DriverEvent> recorded) {
            heard.add(new BatchChanged(batch, recorded));
        }

        @Override
        public void quarantined(List<QuarantinedEvent> quarantined) {
            heard.add(new Quarantined(quarantined));
        }
    };

    @BeforeEach
    void seed() {
        clock = TestClock.standard();
        fleetgate = fleetgateWith(recording);
        fleetgate.exclusive().upsertCharger(Principal.system(), new Charger("ch_456", "gp_ch_456", CHARGER_AT));
        fleetgate.exclusive().upsertMerchant(Principal.system(), new Merchant("m_123", "gp_m_123", "Taco Stop"));
        store().workspaces().upsertWorkspace(new Workspace("ws_1", "North depot"));
        heard.clear();
    }

    private Fleetgate fleetgateWith(FleetgateListener listener) {
        return TestFleetgates.on(store(), clock, TestFleetgates.settings(), PinHasher.forTestsOnlyWeak(), listener);
    }

    private static ActivateRequest at(double lat) {
        return ActivateRequest.of("m_123", "ch_456", lat, CHARGER_AT.lng()).withAccuracy(10.0);
    }

    @Test
    void exclusiveWhenActivatedCompletedAndExpiredThenEachCommittedSessionOnceAndNothingForRefusals() {
        assertThatThrownBy(() -> fleetgate.exclusive().activate(ana, at(30.2692))) // ~222 m away
                .isInstanceOf(OutsideRadiusException.class);
        assertThat(heard).as("a refused activation").isEmpty();

        ExclusiveSession active = fleetgate.exclusive().activate(ana, at(30.2673));
        assertThat(heard).containsExactly(active);
        assertThat(fleetgate.exclusive().active(ana, false)).contains(active);

        assertThatThrownBy(() -> fleetgate.exclusive().activate(ana, at(30.2673)))
                .isInstanceOf(ActiveSessionExistsException.class);
        ExclusiveSession completed = fleetgate.exclusive().complete(ana, active.id());
        assertThat(completed.status()).isEqualTo(ExclusiveSessionStatus.COMPLETED);
        assertThat(heard).containsExactly(active, completed);

        heard.clear();
        ExclusiveSession second = fleetgate.exclusive().activate(ana, at(30.2673));
        clock.advance(TestFleetgates.settings().exclusive().duration().plusSeconds(1));
        List<ExclusiveSession> swept = fleetgate.exclusive().expireDue(Principal.system(), 10);
        assertThat(swept).singleElement().satisfies(s -> {
            assertThat(s.id()).isEqualTo(second.id());
            assertThat(s.status()).isEqualTo(ExclusiveSessionStatus.EXPIRED);
        });
        assertThat(heard).containsExactly(second, swept.get(0));
        assertThat(fleetgate.exclusive().expireDue(Principal.system(), 10)).isEmpty();
        assertThat(heard).as("a sweep that finds nothing").hasSize(2);
    }

    @Test
    void executionWhenCreatedSyncedAndOverriddenThenTheBatchAsStoredWithTheEventsItRecorded() {
        CreateBatchRequest create = new CreateBatchRequest("b_1", "ws_1", "d_ana", STOPS, Map.of("route", "R7"));
        Batch created = fleetgate.execution().createBatch(sam, create);
        fleetgate.execution().createBatch(sam, create); // the same again: stored once, nothing written
        assertThat(heard).containsExactly(new BatchChanged(created, List.of()));

        heard.clear();
        DriverEventRequest start = event(DriverEventType.ROUTE_STARTED, 1);
        DriverEventRequest arrive = event(DriverEventType.ARRIVED_AT_STOP, 2).stop(0).at(30.27, -97.74, 5.0);
        List<EventOutcome> outcomes = fleetgate.execution().sync(ana, List.of(start, arrive));
        assertThat(outcomes).extracting(EventOutcome::result)
                .containsExactly(EventOutcome.Result.ACCEPTED, EventOutcome.Result.ACCEPTED);
        Batch stored = fleetgate.execution().batch(Principal.system(), "b_1");
        assertThat(stored.status()).isEqualTo(DriverStatus.AT_STOP);
        assertThat(heard).singleElement().isInstanceOfSatisfying(BatchChanged.class, c -> {
            assertThat(c.batch()).isEqualTo(stored);
            assertThat(c.recorded()).isEqualTo(fleetgate.execution().log(ana, "b_1"));
            assertThat(c.recorded()).extracting(DriverEvent::eventId).containsExactly(start.eventId(), arrive.eventId());
        });

        heard.clear();
        assertThat(fleetgate.execution().sync(ana, List.of(start, arrive))).extracting(EventOutcome::result)
                .containsOnly(EventOutcome.Result.DUPLICATE);
        assertThat(heard).as("a resent sync").isEmpty();

        // refused in a sync: quarantined, the batch untouched
        DriverEventRequest wrong = event(DriverEventType.ROUTE_STARTED, 3);
        assertThat(fleetgate.execution().sync(ana, List.of(wrong))).extracting(EventOutcome::result)
                .containsExactly(EventOutcome.Result.REJECTED);
        assertThat(heard).singleElement().isInstanceOfSatisfying(Quarantined.class, q -> {
            assertThat(q.events()).singleElement().satisfies(e -> assertThat(e.eventId()).isEqualTo(wrong.eventId()));
            assertThat(q.events()).isEqualTo(fleetgate.execution().quarantined(sam, "b_1"));
        });

        heard.clear();
        assertThatThrownBy(() -> fleetgate.supervisor().override(sam, "b_1", DriverStatus.INACTIVE, " "))
                .isInstanceOf(InvalidRequestException.class);
        assertThatThrownBy(() -> fleetgate.supervisor().override(Principal.supervisor("s_oz", "ws_2"), "b_1",
                DriverStatus.INACTIVE, "not mine")).isInstanceOf(NotFoundException.class);
        assertThat(heard).as("a refused override").isEmpty();
        Batch overridden = fleetgate.supervisor().override(sam, "b_1", DriverStatus.INACTIVE, "called in sick");
        assertThat(heard).singleElement().isInstanceOfSatisfying(BatchChanged.class, c -> {
            assertThat(c.batch()).isEqualTo(overridden);
            assertThat(c.recorded()).singleElement().satisfies(e -> {
                assertThat(e.type()).isEqualTo(DriverEventType.SUPERVISOR_OVERRIDE);
                assertThat(e.status()).isEqualTo(DriverStatus.INACTIVE);
            });
        });

        heard.clear();
        Batch assigned = fleetgate.execution().assignDriver(sam, "b_1", "d_ben");
        assertThat(assigned.driverId()).isEqualTo("d_ben");
        assertThat(heard).containsExactly(new BatchChanged(assigned, List.of()));
    }

    @Test
    void executionWhenManyOverridesRaceOnOneBatchThenEachCommittedChangeIsHeardOnceAndNoLostRace() throws Exception {
        fleetgate.execution().createBatch(sam, new CreateBatchRequest("b_1", "ws_1", "d_ana", STOPS, Map.of()));
        heard.clear();
        int threads = 8;
        int each = 5;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < each; i++) {
                        DriverStatus target = (thread + i) % 2 == 0 ? DriverStatus.SUSPENDED : DriverStatus.INACTIVE;
                        fleetgate.supervisor().override(sam, "b_1", target, "race " + thread + "/" + i);
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        List<DriverEvent> log = fleetgate.execution().log(Principal.system(), "b_1");
        assertThat(log).hasSize(threads * each);
        assertThat(heard).hasSize(threads * each).allSatisfy(h -> assertThat(h).isInstanceOf(BatchChanged.class));
        List<BatchChanged> changes = heard.stream().map(BatchChanged.class::cast).toList();
        assertThat(changes).extracting(c -> c.batch().version()).as("one call per committed version")
                .containsExactlyInAnyOrderElementsOf(LongStream.rangeClosed(1, threads * each).boxed().toList());
        assertThat(changes).flatExtracting(BatchChanged::recorded).as("what was heard is what was logged")
                .containsExactlyInAnyOrderElementsOf(log);
        assertThat(changes).allSatisfy(c -> assertThat(c.recorded()).singleElement()
                .satisfies(e -> assertThat(e.batchVersion()).isEqualTo(c.batch().version())));
    }

    @Test
    void listenerWhenItThrowsThenTheChangeStandsTheCallAnswersAndAWarningNamesOnlyItsClass() {
        int mark = CapturedLogs.count();
        Fleetgate throwing = fleetgateWith(new FleetgateListener() {
            @Override
            public void exclusiveSessionChanged(ExclusiveSession session) {
                throw new IllegalStateException("secret detail " + session.driverId());
            }
        });

        ExclusiveSession active = throwing.exclusive().activate(ana, at(30.2673));

        assertThat(active.status()).isEqualTo(ExclusiveSessionStatus.ACTIVE);
        assertThat(throwing.exclusive().active(ana, false)).contains(active);
        assertThat(CapturedLogs.since(mark)).filteredOn(e -> e.name().equals("listener_failed"))
                .singleElement().satisfies(e -> {
                    assertThat(e.level()).isEqualTo(Level.WARN);
                    assertThat(e.fields()).containsEntry("error", IllegalStateException.class.getName());
                    assertThat(e.fields().values()).noneMatch(v -> String.valueOf(v).contains("secret detail"));
                });
    }

    private DriverEventRequest event(DriverEventType type, int second) {
        return DriverEventRequest.of(UUID.randomUUID().toString(), "b_1", type,
                clock.instant().minus(Duration.ofMinutes(10)).plusSeconds(second));
    }
}
