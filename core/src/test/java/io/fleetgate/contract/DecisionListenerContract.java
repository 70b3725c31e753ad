package io.fleetgate.contract;

import io.fleetgate.Decision;
import io.fleetgate.DecisionKind;
import io.fleetgate.Fleetgate;
import io.fleetgate.FleetgateListener;
import io.fleetgate.Principal;
import io.fleetgate.StoreCall;
import io.fleetgate.access.Workspace;
import io.fleetgate.error.ErrorCode;
import io.fleetgate.error.InvalidRequestException;
import io.fleetgate.error.OutsideRadiusException;
import io.fleetgate.exclusive.ActivateRequest;
import io.fleetgate.exclusive.Charger;
import io.fleetgate.exclusive.ExclusiveSession;
import io.fleetgate.exclusive.Merchant;
import io.fleetgate.execution.CreateBatchRequest;
import io.fleetgate.execution.DriverEventRequest;
import io.fleetgate.execution.DriverEventType;
import io.fleetgate.execution.DriverStatus;
import io.fleetgate.execution.Stop;
import io.fleetgate.geo.Coordinate;
import io.fleetgate.internal.Hooks;
import io.fleetgate.internal.PinHasher;
import io.fleetgate.session.EnrolRequest;
import io.fleetgate.session.LoginRequest;
import io.fleetgate.testkit.CapturedLogs;
import io.fleetgate.testkit.StoreContract;
import io.fleetgate.testkit.TestClock;
import io.fleetgate.testkit.TestFleetgates;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link FleetgateListener#decided} and {@link FleetgateListener#storeCalled} on a store: one
 * decision per call (per event for a sync), refusals with their code and nothing written, told
 * after the commit (a read on another connection from the callback sees the row), store timings
 * only when asked for, and a throwing listener that changes nothing for the caller. Run against
 * every store by a thin subclass (in-memory here, SQLite and PostgreSQL in store-jdbc).
 */
public abstract class DecisionListenerContract extends StoreContract {
    private static final Coordinate CHARGER_AT = Coordinate.of(30.2672, -97.7431);
    private static final List<Stop> STOPS = List.of(Stop.of(30.27, -97.74, 100), Stop.of(30.28, -97.74, 100));
    private static final long TICK = 1_000;

    private final Principal.Driver ana = Principal.driver("d_ana");
    private final Principal.Supervisor sam = Principal.supervisor("s_sam", "ws_1");
    private final List<Decision> decisions = Collections.synchronizedList(new ArrayList<>());
    private final List<StoreCall> storeCalls = Collections.synchronizedList(new ArrayList<>());
    /** What a callback read from another thread (so another connection): the active session, if any. */
    private final List<Optional<ExclusiveSession>> seenFromCallback = Collections.synchronizedList(new ArrayList<>());
    private final AtomicLong ticks = new AtomicLong();
    private final ExecutorService reader = Executors.newSingleThreadExecutor();
    private TestClock clock;

    @BeforeEach
    void seed() {
        clock = TestClock.standard();
        store().places().upsertCharger(new Charger("ch_456", "gp_ch_456", CHARGER_AT));
        store().places().upsertMerchant(new Merchant("m_123", "gp_m_123", "Taco Stop"));
        store().workspaces().upsertWorkspace(new Workspace("ws_1", "North depot"));
    }

    @AfterEach
    void stopReader() {
        reader.shutdownNow();
    }

    /** Every read of the ticker moves it {@value #TICK} ns on, so a duration counts the reads in between. */
    private Fleetgate fleetgateWith(FleetgateListener listener) {
        return Hooks.withPinHasher(Fleetgate.builder(), PinHasher.forTestsOnlyWeak()).store(store()).clock(clock)
                .settings(TestFleetgates.settings()).listener(listener).ticker(() -> ticks.addAndGet(TICK)).build();
    }

    /** Reads the driver's active session on another thread, hence another connection, and waits for it. */
    private Optional<ExclusiveSession> activeFromAnotherConnection() {
        try {
            return reader.submit(() -> store().exclusiveSessions().findActive("d_ana")).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private final FleetgateListener deciding = new FleetgateListener() {
        @Override
        public void decided(Decision decision) {
            decisions.add(decision);
            if (decision.kind() == DecisionKind.ACTIVATION) {
                seenFromCallback.add(activeFromAnotherConnection());
            }
        }
    };

    private final FleetgateListener timing = new FleetgateListener() {
        @Override
        public void decided(Decision decision) {
            decisions.add(decision);
        }

        @Override
        public boolean timesStoreCalls() {
            return true;
        }

        @Override
        public void storeCalled(StoreCall call) {
            storeCalls.add(call);
            if (call.operation().equals("exclusiveSessions.activate")) {
                seenFromCallback.add(activeFromAnotherConnection());
            }
        }
    };

    private static ActivateRequest at(double lat) {
        return ActivateRequest.of("m_123", "ch_456", lat, CHARGER_AT.lng()).withAccuracy(10.0);
    }

    @Test
    void activationWhenRefusedThenARefusedDecisionWithItsCodeAndNothingWritten() {
        Fleetgate fleetgate = fleetgateWith(deciding);

        assertThatThrownBy(() -> fleetgate.exclusive().activate(ana, at(30.2692))) // ~222 m away
                .isInstanceOf(OutsideRadiusException.class);

        assertThat(decisions).containsExactly(
                new Decision(DecisionKind.ACTIVATION, Decision.Outcome.REFUSED, ErrorCode.OUTSIDE_RADIUS, TICK));
        assertThat(store().exclusiveSessions().findLatest("d_ana")).as("nothing written").isEmpty();
        assertThat(seenFromCallback).containsExactly(Optional.empty());
    }

    @Test
    void activationWhenAcceptedThenOneDecisionToldAfterTheCommitSoAnotherConnectionSeesTheRow() {
        Fleetgate fleetgate = fleetgateWith(deciding);

        ExclusiveSession active = fleetgate.exclusive().activate(ana, at(30.2673));

        assertThat(decisions).containsExactly(
                new Decision(DecisionKind.ACTIVATION, Decision.Outcome.ACCEPTED, null, TICK));
        assertThat(seenFromCallback).as("read in the callback, on another connection").containsExactly(Optional.of(active));
    }

    @Test
    void syncWhenEventsAcceptedFlaggedResentAndRefusedThenOneDecisionPerEventAndOneForARefusedCall() {
        Fleetgate fleetgate = fleetgateWith(deciding);
        fleetgate.execution().createBatch(sam, new CreateBatchRequest("b_1", "ws_1", "d_ana", STOPS, Map.of()));
        decisions.clear();
        DriverEventRequest start = event(DriverEventType.ROUTE_STARTED, 1);
        DriverEventRequest farArrival = event(DriverEventType.ARRIVED_AT_STOP, 2).stop(0).at(30.30, -97.74, 5.0);

        fleetgate.execution().sync(ana, List.of(start, farArrival));
        assertThat(decisions).extracting(Decision::kind, Decision::outcome, Decision::error).containsExactly(
                org.assertj.core.groups.Tuple.tuple(DecisionKind.SYNC, Decision.Outcome.ACCEPTED, null),
                org.assertj.core.groups.Tuple.tuple(DecisionKind.SYNC, Decision.Outcome.FLAGGED, null));
        assertThat(decisions).extracting(Decision::durationNanos).as("each event carries its call's duration")
                .containsOnly(TICK);

        decisions.clear();
        fleetgate.execution().sync(ana, List.of(start, event(DriverEventType.ROUTE_STARTED, 3)));
        assertThat(decisions).containsExactly(
                new Decision(DecisionKind.SYNC, Decision.Outcome.DUPLICATE, null, TICK),
                new Decision(DecisionKind.SYNC, Decision.Outcome.QUARANTINED, ErrorCode.INVALID_TRANSITION, TICK));

        decisions.clear();
        List<DriverEventRequest> tooMany = Collections.nCopies(1001, start);
        assertThatThrownBy(() -> fleetgate.execution().sync(ana, tooMany)).isInstanceOf(InvalidRequestException.class);
        assertThat(decisions).containsExactly(
                new Decision(DecisionKind.SYNC, Decision.Outcome.REFUSED, ErrorCode.INVALID_REQUEST, TICK));
    }

    @Test
    void overrideAndLoginWhenTheyRecordEventsOnTheirWayThenOnlyTheirOwnDecisionIsTold() {
        Fleetgate fleetgate = fleetgateWith(deciding);
        fleetgate.execution().createBatch(sam, new CreateBatchRequest("b_1", "ws_1", "d_ana", STOPS, Map.of()));
        fleetgate.credentials().enrol(Principal.system(), new EnrolRequest("d_ana", "ana", "482193"));
        decisions.clear();

        fleetgate.sessions().login(Principal.system(), new LoginRequest("ana", "482193", "phone-1"));
        assertThat(fleetgate.execution().batch(sam, "b_1").status()).as("the login's own event")
                .isEqualTo(DriverStatus.ACTIVE);
        fleetgate.supervisor().override(sam, "b_1", DriverStatus.SUSPENDED, "flat tyre");
        assertThatThrownBy(() -> fleetgate.supervisor().override(sam, "b_1", DriverStatus.INACTIVE, " "))
                .isInstanceOf(InvalidRequestException.class);

        assertThat(decisions).containsExactly(
                new Decision(DecisionKind.LOGIN, Decision.Outcome.ACCEPTED, null, TICK),
                new Decision(DecisionKind.OVERRIDE, Decision.Outcome.ACCEPTED, null, TICK),
                new Decision(DecisionKind.OVERRIDE, Decision.Outcome.REFUSED, ErrorCode.INVALID_REQUEST, TICK));
    }

    @Test
    void decidedWhenTheListenerThrowsThenTheCallAnswersTheChangeStandsAndAWarningNamesOnlyItsClass() {
        int mark = CapturedLogs.count();
        Fleetgate throwing = fleetgateWith(new FleetgateListener() {
            @Override
            public void decided(Decision decision) {
                throw new IllegalStateException("secret detail " + decision.kind());
            }
        });

        ExclusiveSession active = throwing.exclusive().activate(ana, at(30.2673));
        assertThatThrownBy(() -> throwing.exclusive().activate(ana, at(30.2673)))
                .as("a refusal is still the refusal, not the listener's exception")
                .isInstanceOf(io.fleetgate.error.ActiveSessionExistsException.class);

        assertThat(store().exclusiveSessions().findActive("d_ana")).contains(active);
        assertThat(CapturedLogs.since(mark)).filteredOn(e -> e.name().equals("listener_failed"))
                .hasSize(2).allSatisfy(e -> {
                    assertThat(e.level()).isEqualTo(Level.WARN);
                    assertThat(e.fields()).containsEntry("error", IllegalStateException.class.getName());
                    assertThat(e.fields().values()).noneMatch(v -> String.valueOf(v).contains("secret detail"));
                });
    }

    @Test
    void storeCallsWhenAskedForThenEachNamedFromTheSpiAndToldAfterItsCommit() {
        Fleetgate fleetgate = fleetgateWith(timing);

        ExclusiveSession active = fleetgate.exclusive().activate(ana, at(30.2673));

        assertThat(storeCalls).extracting(StoreCall::operation).contains("exclusiveSessions.activate");
        assertThat(storeCalls).allSatisfy(c -> {
            assertThat(StoreCall.operations()).contains(c.operation());
            assertThat(c.succeeded()).isTrue();
            assertThat(c.durationNanos()).isEqualTo(TICK);
        });
        assertThat(seenFromCallback).containsExactly(Optional.of(active));
        assertThat(decisions).singleElement().satisfies(d -> {
            assertThat(d.outcome()).isEqualTo(Decision.Outcome.ACCEPTED);
            assertThat(d.durationNanos()).as("the store calls' ticks inside the decision's")
                    .isEqualTo(TICK * (1 + 2L * storeCalls.size()));
        });
    }

    @Test
    void storeCallsWhenNotAskedForThenNoneToldAndTheStoreIsCalledDirectly() {
        List<StoreCall> heard = Collections.synchronizedList(new ArrayList<>());
        Fleetgate fleetgate = fleetgateWith(new FleetgateListener() {
            @Override
            public void storeCalled(StoreCall call) {
                heard.add(call);
            }
        });

        fleetgate.exclusive().activate(ana, at(30.2673));

        assertThat(heard).isEmpty();
        assertThat(ticks.get()).as("only the decision's two reads").isEqualTo(2 * TICK);
    }

    @Test
    void noListenerWhenCallsAreMadeThenTheTickerIsNeverRead() {
        Fleetgate fleetgate = fleetgateWith(FleetgateListener.NONE);

        fleetgate.exclusive().activate(ana, at(30.2673));
        assertThatThrownBy(() -> fleetgate.exclusive().activate(ana, at(30.2673)))
                .isInstanceOf(io.fleetgate.error.ActiveSessionExistsException.class);

        assertThat(ticks.get()).isZero();
    }

    private DriverEventRequest event(DriverEventType type, int second) {
        return DriverEventRequest.of(UUID.randomUUID().toString(), "b_1", type,
                clock.instant().minus(Duration.ofMinutes(10)).plusSeconds(second));
    }
}
