package io.fleetgate.contract;
import io.fleetgate.FleetgateSettings;
import io.fleetgate.testkit.TestFleetgates;

import io.fleetgate.Principal;
import io.fleetgate.access.Workspace;
import io.fleetgate.error.ErrorCode;
import io.fleetgate.error.FleetgateException;
import io.fleetgate.execution.Batch;
import io.fleetgate.execution.CreateBatchRequest;
import io.fleetgate.execution.DriverEvent;
import io.fleetgate.execution.DriverEventRequest;
import io.fleetgate.execution.DriverEventType;
import io.fleetgate.execution.DriverExecutionService;
import io.fleetgate.execution.DriverStateMachine;
import io.fleetgate.execution.DriverStatus;
import io.fleetgate.execution.EventOutcome;
import io.fleetgate.execution.EventPage;
import io.fleetgate.execution.QuarantinedEvent;
import io.fleetgate.execution.Stop;
import io.fleetgate.execution.StopStatus;
import io.fleetgate.internal.LogValues;
import io.fleetgate.spi.FleetgateStore;
import io.fleetgate.testkit.CapturedLogs;
import io.fleetgate.testkit.LogSafety;
import io.fleetgate.testkit.StoreContract;
import io.fleetgate.testkit.TestClock;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static io.fleetgate.execution.DriverEventType.ARRIVED_AT_STOP;
import static io.fleetgate.execution.DriverEventType.DELAY_REPORTED;
import static io.fleetgate.execution.DriverEventType.DEPARTED_STOP;
import static io.fleetgate.execution.DriverEventType.PROOF_CAPTURED;
import static io.fleetgate.execution.DriverEventType.ROUTE_CANCELLED;
import static io.fleetgate.execution.DriverEventType.ROUTE_COMPLETED;
import static io.fleetgate.execution.DriverEventType.ROUTE_RESUMED;
import static io.fleetgate.execution.DriverEventType.ROUTE_STARTED;
import static io.fleetgate.execution.DriverEventType.SUPERVISOR_OVERRIDE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The behaviour of {@link DriverExecutionService} on a store; run against every store by a thin
 * subclass (in-memory here, SQLite and PostgreSQL in store-jdbc).
 */
public abstract class ExecutionServiceContract extends StoreContract {
    /** Stop 0, 1 and 2 lie 0.01° of latitude (about 1.1 km) apart, radius 100 m. */
    protected static final List<Stop> STOPS = List.of(
            Stop.of(30.27, -97.74, 100), Stop.of(30.28, -97.74, 100), Stop.of(30.29, -97.74, 100));

    protected TestClock clock;
    protected DriverExecutionService service;
    protected final Principal.Driver ana = Principal.driver("d_ana");
    protected final Principal.Driver ben = Principal.driver("d_ben");
    protected final Principal.Supervisor sam = Principal.supervisor("s_sam", "ws_1");
    protected final Principal.Supervisor otherSupervisor = Principal.supervisor("s_oz", "ws_2");
    protected final Principal.Member mia = Principal.member("u_mia", "ws_1");
    private int sequence;

    @BeforeEach
    void seedBatch() {
        clock = TestClock.standard();
        service = serviceOn(store());
        store().workspaces().upsertWorkspace(new Workspace("ws_1", "North depot"));
        store().workspaces().upsertWorkspace(new Workspace("ws_2", "South depot"));
        service.createBatch(sam, new CreateBatchRequest("b_1", "ws_1", "d_ana", STOPS, Map.of("route", "R7")));
    }

    protected DriverExecutionService serviceOn(FleetgateStore s) {
        return TestFleetgates.on(s, clock, FleetgateSettings.defaults()).execution();
    }

    /** A new event for batch b_1 recorded a second after the previous one. */
    protected DriverEventRequest event(DriverEventType type) {
        sequence++;
        return DriverEventRequest.of(UUID.randomUUID().toString(), "b_1", type,
                clock.instant().minusSeconds(600).plusSeconds(sequence));
    }

    protected DriverEventRequest arrival(int stop) {
        Stop s = STOPS.get(stop);
        return event(ARRIVED_AT_STOP).stop(stop).at(s.location().lat(), s.location().lng(), 5.0);
    }

    /**
     * Drives b_1 from EN_ROUTE through every stop: arrives at each, leaves stops 0 and 1 (delivered)
     * and stays at stop 2, so that {@code ROUTE_COMPLETED} delivers it and may complete the route.
     */
    protected void driveToLastStop() {
        for (int i = 0; i < STOPS.size(); i++) {
            accepted(ana, arrival(i));
            if (i < STOPS.size() - 1) {
                accepted(ana, event(DEPARTED_STOP));
            }
        }
    }

    protected Batch b1() {
        return service.batch(Principal.system(), "b_1");
    }

    protected EventOutcome accepted(Principal who, DriverEventRequest e) {
        EventOutcome o = service.record(who, e);
        assertThat(o.result()).as("%s → %s", e.type(), o).isEqualTo(EventOutcome.Result.ACCEPTED);
        return o;
    }

    protected void assertRejected(Principal who, DriverEventRequest e, ErrorCode code) {
        Batch before = b1();
        String snapshot = fixture().snapshot();
        EventOutcome o = service.record(who, e);
        assertThat(o.result()).as(String.valueOf(o)).isEqualTo(EventOutcome.Result.REJECTED);
        assertThat(o.error()).as(o.message()).isEqualTo(code);
        assertThat(o.message()).isNotBlank();
        assertThat(b1()).isEqualTo(before);
        assertThat(fixture().snapshot()).isNotEqualTo(snapshot); // the quarantine grew
        assertThat(service.quarantined(Principal.system(), "b_1")).last()
                .satisfies(q -> assertThat(q.errorCode()).isEqualTo(code));
    }

    /** Replays a batch's log through the state machine from INACTIVE. */
    protected static DriverStatus replay(List<DriverEvent> log) {
        DriverStatus s = DriverStatus.INACTIVE;
        long version = 0;
        for (DriverEvent e : log) {
            assertThat(e.batchVersion()).as("versions are contiguous").isEqualTo(version + 1);
            assertThat(e.previousStatus()).as("event %s starts where the last ended", e.eventId()).isEqualTo(s);
            DriverStateMachine.Decision d = DriverStateMachine.standard()
                    .decide(s, e.type(), e.type() == SUPERVISOR_OVERRIDE ? e.status() : null);
            assertThat(d.allowed()).as(d.toString()).isTrue();
            s = d.to();
            assertThat(e.status()).isEqualTo(s);
            version = e.batchVersion();
        }
        return s;
    }

    // --- batches ----------------------------------------------------------------------------

    @Test
    void createBatchWhenSupervisorThenInactiveWithStopsAndMetadata() {
        Batch b = b1();
        assertThat(b.status()).isEqualTo(DriverStatus.INACTIVE);
        assertThat(b.workspaceId()).isEqualTo("ws_1");
        assertThat(b.driverId()).isEqualTo("d_ana");
        // stops created without ids get stop-<index>
        assertThat(b.stops()).isEqualTo(List.of(STOPS.get(0).withId("stop-0"), STOPS.get(1).withId("stop-1"),
                STOPS.get(2).withId("stop-2")));
        assertThat(b.metadata()).isEqualTo(Map.of("route", "R7"));
        assertThat(b.version()).isZero();
        assertThat(b.currentStopIndex()).isNull();
        assertThat(b.visitedStops()).isEmpty();
        assertThat(b.createdAt()).isEqualTo(clock.instant());
    }

    @Test
    void createBatchWhenSameAgainThenIdempotentElseRefused() {
        Batch again = service.createBatch(sam, new CreateBatchRequest("b_1", "ws_1", "d_ana", STOPS, Map.of("route", "R7")));
        assertThat(again).isEqualTo(b1());
        assertCode(() -> service.createBatch(sam, new CreateBatchRequest("b_1", "ws_1", "d_ben", STOPS, null)),
                ErrorCode.INVALID_REQUEST);
    }

    @Test
    void createBatchWhenNotAllowedOrInvalidThenRefusedAndNothingWritten() {
        String before = fixture().snapshot();
        CreateBatchRequest ok = new CreateBatchRequest("b_9", "ws_1", null, STOPS, null);
        assertCode(() -> service.createBatch(ana, ok), ErrorCode.FORBIDDEN);
        assertCode(() -> service.createBatch(mia, ok), ErrorCode.FORBIDDEN);
        assertCode(() -> service.createBatch(otherSupervisor, ok), ErrorCode.NOT_FOUND);
        assertCode(() -> service.createBatch(Principal.system(),
                new CreateBatchRequest("b_9", "ws_404", null, STOPS, null)), ErrorCode.NOT_FOUND);
        assertCode(() -> service.createBatch(sam, new CreateBatchRequest("b_9", "ws_1", null, List.of(), null)),
                ErrorCode.INVALID_REQUEST);
        assertCode(() -> service.createBatch(sam, new CreateBatchRequest(" ", "ws_1", null, STOPS, null)),
                ErrorCode.INVALID_REQUEST);
        assertCode(() -> service.createBatch(sam, new CreateBatchRequest("b_9", "ws_1", null, STOPS,
                Map.of("bad", Double.NaN))), ErrorCode.INVALID_REQUEST);
        assertThat(fixture().snapshot()).isEqualTo(before);
    }

    @Test
    void assignDriverWhenNotOnRouteThenReassignedElseRefused() {
        Batch b = service.assignDriver(sam, "b_1", "d_ben");
        assertThat(b.driverId()).isEqualTo("d_ben");
        assertThat(b1()).isEqualTo(b);
        assertCode(() -> service.assignDriver(ana, "b_1", "d_ana"), ErrorCode.FORBIDDEN);
        assertCode(() -> service.assignDriver(otherSupervisor, "b_1", "d_ana"), ErrorCode.NOT_FOUND);
        accepted(ben, event(ROUTE_STARTED));
        assertCode(() -> service.assignDriver(sam, "b_1", "d_ana"), ErrorCode.INVALID_TRANSITION);
        assertThat(b1().driverId()).isEqualTo("d_ben");
    }

    @Test
    void batchWhenNotVisibleThenNotFound() {
        assertThat(service.batch(mia, "b_1").id()).isEqualTo("b_1");
        assertThat(service.batch(ana, "b_1").id()).isEqualTo("b_1");
        assertCode(() -> service.batch(ben, "b_1"), ErrorCode.NOT_FOUND);
        assertCode(() -> service.batch(otherSupervisor, "b_1"), ErrorCode.NOT_FOUND);
        assertCode(() -> service.batch(sam, "b_404"), ErrorCode.NOT_FOUND);
    }

    // --- the seed's testing checklist -------------------------------------------------------

    @Test
    void routeStartedWhenInactiveThenEnRouteWithStartTime() {
        DriverEventRequest start = event(ROUTE_STARTED);
        EventOutcome o = accepted(ana, start);

        assertThat(o.status()).isEqualTo(DriverStatus.EN_ROUTE);
        Batch b = b1();
        assertThat(b.status()).isEqualTo(DriverStatus.EN_ROUTE);
        assertThat(b.actualStartTime()).isEqualTo(start.recordedAt());
        assertThat(b.version()).isEqualTo(1);
        DriverEvent logged = service.log(ana, "b_1").get(0);
        assertThat(logged.eventId()).isEqualTo(start.eventId());
        assertThat(logged.previousStatus()).isEqualTo(DriverStatus.INACTIVE);
        assertThat(logged.status()).isEqualTo(DriverStatus.EN_ROUTE);
        assertThat(logged.driverId()).isEqualTo("d_ana");
        assertThat(logged.workspaceId()).isEqualTo("ws_1");
        assertThat(logged.syncedAt()).isEqualTo(clock.instant());
        assertThat(logged.recordedAt()).isEqualTo(start.recordedAt());
        assertThat(logged.contentHash()).hasSize(64);
    }

    @Test
    void arrivedWhenInactiveThenRefusedAsInvalidTransitionAndQuarantined() {
        assertRejected(ana, arrival(0), ErrorCode.INVALID_TRANSITION);
        assertThat(service.log(ana, "b_1")).isEmpty();
        QuarantinedEvent q = service.quarantined(sam, "b_1").get(0);
        assertThat(q.batchId()).isEqualTo("b_1");
        assertThat(q.workspaceId()).isEqualTo("ws_1");
        assertThat(q.senderId()).isEqualTo("d_ana");
        assertThat(q.reason()).contains("INACTIVE");
        assertThat(q.content()).contains("\"event_type\":\"ARRIVED_AT_STOP\"");
    }

    @Test
    void routeCompletedThenSetsActualEndTime() {
        accepted(ana, event(ROUTE_STARTED));
        driveToLastStop();
        DriverEventRequest done = event(ROUTE_COMPLETED);
        accepted(ana, done);
        assertThat(b1().status()).isEqualTo(DriverStatus.COMPLETED);
        assertThat(b1().actualEndTime()).isEqualTo(done.recordedAt());
    }

    /**
     * Asserts the event is refused exactly as one naming an unknown batch is (same code, same
     * message with the batch id swapped) and that nothing at all was written.
     */
    protected void assertAnsweredAsUnknown(Principal who, DriverEventRequest e) {
        String snapshot = fixture().snapshot();
        EventOutcome o = service.record(who, e);
        DriverEventRequest unknown = new DriverEventRequest(e.eventId(), "b_404", e.type(), e.recordedAt(),
                e.sessionId(), e.lat(), e.lng(), e.accuracyMeters(), e.stopIndex(), e.payload(), e.targetStatus(),
                e.reason(), e.signature());
        EventOutcome u = service.record(who, unknown);
        assertThat(o.result()).as(String.valueOf(o)).isEqualTo(EventOutcome.Result.REJECTED);
        assertThat(o.error()).isEqualTo(ErrorCode.NOT_FOUND).isEqualTo(u.error());
        assertThat(o.status()).isNull();
        assertThat(o.message().replace(e.batchId(), "b_404")).isEqualTo(u.message());
        assertThat(fixture().snapshot()).as("no row anywhere").isEqualTo(snapshot);
    }

    @Test
    void eventWhenBatchNotVisibleToSenderThenAnsweredAsUnknownAndNothingWritten() {
        service.createBatch(otherSupervisor, new CreateBatchRequest("b_9", "ws_2", "d_ben", STOPS, Map.of()));
        Principal.Member outsider = Principal.member("u_out", "ws_2");

        assertAnsweredAsUnknown(ben, event(ROUTE_STARTED));
        assertAnsweredAsUnknown(ben, event(ARRIVED_AT_STOP)); // would be an invalid transition
        assertAnsweredAsUnknown(otherSupervisor, event(SUPERVISOR_OVERRIDE).override(DriverStatus.SUSPENDED, "x"));
        assertAnsweredAsUnknown(outsider, event(ROUTE_STARTED));
        assertAnsweredAsUnknown(ana, DriverEventRequest.of("e-9", "b_9", ROUTE_STARTED, clock.instant()));
        assertAnsweredAsUnknown(sam, DriverEventRequest.of("e-9", "b_9", SUPERVISOR_OVERRIDE, clock.instant())
                .override(DriverStatus.SUSPENDED, "x"));

        // A whole call of them (the most one request takes) leaves nothing in either workspace.
        String before = fixture().snapshot();
        List<EventOutcome> flood = service.sync(ben, IntStream.range(0, DriverExecutionService.MAX_EVENTS_PER_CALL)
                .mapToObj(i -> DriverEventRequest.of("f-" + i, "b_1", ARRIVED_AT_STOP, clock.instant().minusSeconds(i)))
                .toList());
        assertThat(flood).allSatisfy(o -> assertThat(o.error()).isEqualTo(ErrorCode.NOT_FOUND));
        assertThat(fixture().snapshot()).isEqualTo(before);
        assertThat(service.quarantined(sam, "b_1")).isEmpty();
    }

    @Test
    void eventWhenMalformedAndBatchNotVisibleThenNothingWrittenElseQuarantinedInBatchWorkspace() {
        DriverEventRequest noType = new DriverEventRequest("e-m", "b_1", null, clock.instant(),
                null, null, null, null, null, null, null, null);
        String before = fixture().snapshot();
        EventOutcome foreign = service.record(ben, noType);
        assertThat(foreign.error()).isEqualTo(ErrorCode.INVALID_REQUEST);
        assertThat(fixture().snapshot()).isEqualTo(before);

        EventOutcome own = service.record(ana, noType);
        assertThat(own.error()).isEqualTo(ErrorCode.INVALID_REQUEST);
        assertThat(service.quarantined(sam, "b_1")).singleElement()
                .satisfies(q -> assertThat(q.workspaceId()).isEqualTo("ws_1"))
                .satisfies(q -> assertThat(q.senderId()).isEqualTo("d_ana"));
    }

    @Test
    void eventWhenBatchUnknownThenNotFoundAndNothingWritten() {
        String before = fixture().snapshot();
        EventOutcome o = service.record(ana, DriverEventRequest.of("e-x", "b_404", ROUTE_STARTED, clock.instant()));
        assertThat(o.error()).isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(fixture().snapshot()).isEqualTo(before);
    }

    @Test
    void eventWhenOwnRefusedThenQuarantinedInSendersOwnWorkspace() {
        assertRejected(ana, arrival(0), ErrorCode.INVALID_TRANSITION);
        assertThat(service.quarantined(sam, "b_1")).singleElement()
                .satisfies(q -> assertThat(q.workspaceId()).isEqualTo("ws_1"));
    }

    // --- a whole route ----------------------------------------------------------------------

    @Test
    void routeWhenDrivenStopByStopThenEveryStepLoggedAndReplayable() {
        accepted(ana, event(ROUTE_STARTED));
        assertThat(accepted(ana, arrival(0)).status()).isEqualTo(DriverStatus.AT_STOP);
        assertThat(b1().currentStopIndex()).isEqualTo(0);
        accepted(ana, event(PROOF_CAPTURED).stop(0).at(30.27, -97.74, 3.0));
        assertThat(accepted(ana, event(DEPARTED_STOP)).status()).isEqualTo(DriverStatus.EN_ROUTE);
        assertThat(accepted(ana, event(DELAY_REPORTED)).status()).isEqualTo(DriverStatus.DELAYED);
        assertThat(accepted(ana, event(ROUTE_RESUMED)).status()).isEqualTo(DriverStatus.EN_ROUTE);
        sequence += 120; // two minutes to drive 2.2 km
        accepted(ana, arrival(2)); // stop 1 passed by: allowed
        // but the route cannot end while stop 1 has no outcome; a supervisor skips it
        assertRejected(ana, event(ROUTE_COMPLETED), ErrorCode.STOPS_OPEN);
        accepted(sam, event(SUPERVISOR_OVERRIDE).override(DriverStatus.AT_STOP, "customer moved")
                .payload(Map.of("plan", Map.of("op", "SKIP_STOP", "stop_id", "stop-1", "expected_version", 7))));
        assertThat(b1().progressOf("stop-1").status()).isEqualTo(StopStatus.SKIPPED);
        assertThat(accepted(ana, event(ROUTE_COMPLETED)).status()).isEqualTo(DriverStatus.COMPLETED);

        Batch b = b1();
        assertThat(b.currentStopIndex()).isEqualTo(2);
        assertThat(b.visitedStops()).containsExactly(0, 2);
        assertThat(b.progressOf("stop-0").status()).isEqualTo(StopStatus.COMPLETED);
        assertThat(b.progressOf("stop-2").status()).isEqualTo(StopStatus.COMPLETED);
        assertThat(b.version()).isEqualTo(9);
        List<DriverEvent> log = service.log(sam, "b_1");
        assertThat(log).hasSize(9);
        assertThat(replay(log)).isEqualTo(b.status());
        // no fixes were sent: the arrivals are unconfirmed, and nothing else is flagged
        assertThat(log).filteredOn(DriverEvent::flaggedForReview).extracting(DriverEvent::type)
                .containsOnly(ARRIVED_AT_STOP);
        assertThat(log).flatExtracting(DriverEvent::flagReasons).allMatch(r -> r.startsWith("ARRIVAL_UNCONFIRMED"));
    }

    @Test
    void systemWhenDriverLogsInThenInactiveBatchBecomesActiveThroughAnEvent() {
        EventOutcome o = accepted(Principal.system(), event(DriverEventType.DRIVER_LOGGED_IN));
        assertThat(o.status()).isEqualTo(DriverStatus.ACTIVE);
        accepted(ana, event(ROUTE_STARTED));
        assertThat(replay(service.log(ana, "b_1"))).isEqualTo(DriverStatus.EN_ROUTE);
        assertRejected(ana, event(DriverEventType.DRIVER_LOGGED_IN), ErrorCode.FORBIDDEN);
    }

    @Test
    void arrivalWhenStopMissingUnknownOrVisitedThenRefused() {
        accepted(ana, event(ROUTE_STARTED));
        assertRejected(ana, event(ARRIVED_AT_STOP), ErrorCode.INVALID_REQUEST);
        assertRejected(ana, event(ARRIVED_AT_STOP).stop(3), ErrorCode.INVALID_REQUEST);
        accepted(ana, arrival(1));
        accepted(ana, event(DEPARTED_STOP));
        assertRejected(ana, arrival(1), ErrorCode.INVALID_TRANSITION);
        accepted(ana, arrival(0)); // going back to a skipped stop is allowed
    }

    @Test
    void overrideWhenSupervisorThenAnyStatusWithReasonAndDriverLockedOutOfSuspended() {
        accepted(ana, event(ROUTE_STARTED));
        DriverEventRequest suspend = event(SUPERVISOR_OVERRIDE).override(DriverStatus.SUSPENDED, "vehicle check");
        EventOutcome o = accepted(sam, suspend);
        assertThat(o.status()).isEqualTo(DriverStatus.SUSPENDED);

        assertRejected(ana, event(ROUTE_CANCELLED), ErrorCode.INVALID_TRANSITION);
        assertRejected(ana, event(PROOF_CAPTURED), ErrorCode.INVALID_TRANSITION);
        assertRejected(ana, event(SUPERVISOR_OVERRIDE).override(DriverStatus.EN_ROUTE, "let me go"), ErrorCode.FORBIDDEN);
        assertRejected(sam, event(SUPERVISOR_OVERRIDE).override(DriverStatus.EN_ROUTE, " "), ErrorCode.INVALID_REQUEST);
        assertRejected(sam, event(SUPERVISOR_OVERRIDE), ErrorCode.INVALID_REQUEST);
        assertRejected(sam, event(ROUTE_CANCELLED), ErrorCode.FORBIDDEN);
        assertRejected(mia, event(SUPERVISOR_OVERRIDE).override(DriverStatus.EN_ROUTE, "x"), ErrorCode.FORBIDDEN);
        assertAnsweredAsUnknown(otherSupervisor, event(SUPERVISOR_OVERRIDE).override(DriverStatus.EN_ROUTE, "x"));

        accepted(sam, event(SUPERVISOR_OVERRIDE).override(DriverStatus.EN_ROUTE, "checked"));
        DriverEvent logged = service.log(sam, "b_1").get(1);
        assertThat(logged.type()).isEqualTo(SUPERVISOR_OVERRIDE);
        assertThat(logged.reason()).isEqualTo("vehicle check");
        assertThat(logged.actorId()).isEqualTo("s_sam");
        assertThat(logged.driverId()).isEqualTo("d_ana");
        assertThat(replay(service.log(sam, "b_1"))).isEqualTo(DriverStatus.EN_ROUTE);
    }

    @Test
    void overrideWhenToVisitedStopThenAllowedAndSetsCurrentStop() {
        accepted(ana, event(ROUTE_STARTED));
        accepted(ana, arrival(0));
        accepted(ana, event(DEPARTED_STOP));
        accepted(sam, event(SUPERVISOR_OVERRIDE).stop(0).override(DriverStatus.AT_STOP, "forgot a parcel"));
        assertThat(b1().status()).isEqualTo(DriverStatus.AT_STOP);
        assertThat(b1().currentStopIndex()).isEqualTo(0);
    }

    @Test
    void routeStartedWhenDriverAlreadyHasAnotherBatchOnRouteThenRefused() {
        service.createBatch(sam, new CreateBatchRequest("b_2", "ws_1", "d_ana", STOPS, null));
        accepted(ana, event(ROUTE_STARTED));
        EventOutcome o = service.record(ana, DriverEventRequest.of("e-b2", "b_2", ROUTE_STARTED, clock.instant()));
        assertThat(o.error()).isEqualTo(ErrorCode.INVALID_TRANSITION);
        assertThat(o.message()).contains("b_1");
        accepted(ana, event(ROUTE_CANCELLED));
        assertThat(service.record(ana, DriverEventRequest.of("e-b2b", "b_2", ROUTE_STARTED, clock.instant())).result())
                .isEqualTo(EventOutcome.Result.ACCEPTED);
    }

    @Test
    void cancelWhenOnRouteThenInactiveAndStopsReset() {
        accepted(ana, event(ROUTE_STARTED));
        accepted(ana, arrival(0));
        accepted(ana, event(ROUTE_CANCELLED));
        assertThat(b1().status()).isEqualTo(DriverStatus.INACTIVE);
        assertThat(b1().visitedStops()).isEmpty();
        assertThat(b1().currentStopIndex()).isNull();
        accepted(ana, event(ROUTE_STARTED));
        driveToLastStop(); // stop 0 again: visits restart with the route
        accepted(ana, event(ROUTE_COMPLETED));
        assertRejected(ana, event(ROUTE_CANCELLED), ErrorCode.INVALID_TRANSITION);
    }

    @Test
    void metadataWhenEventsCarryItThenMergedIntoBatch() {
        accepted(ana, event(ROUTE_STARTED).payload(Map.of("metadata", Map.of("vehicle", "van-3", "odometer", 1200))));
        accepted(ana, event(PROOF_CAPTURED).payload(Map.of("photo", "p1.jpg", "metadata", Map.of("odometer", 1234.5))));
        assertThat(b1().metadata()).isEqualTo(Map.of("route", "R7", "vehicle", "van-3",
                "odometer", new BigDecimal("1234.5")));
        assertThat(service.log(ana, "b_1").get(1).payload()).containsEntry("photo", "p1.jpg");
    }

    // --- duplicates, conflicts and bad input ------------------------------------------------

    @Test
    void syncWhenSameEventResentThenDuplicateAndNothingChanges() {
        DriverEventRequest start = event(ROUTE_STARTED).at(30.27, -97.74, 4.0).payload(Map.of("a", List.of(1, "x")));
        accepted(ana, start);
        String before = fixture().snapshot();

        EventOutcome again = service.record(ana, start.session("another-session"));

        assertThat(again.result()).isEqualTo(EventOutcome.Result.DUPLICATE);
        assertThat(again.status()).isEqualTo(DriverStatus.EN_ROUTE);
        assertThat(fixture().snapshot()).isEqualTo(before);
    }

    @Test
    void syncWhenEventIdReusedWithOtherContentThenConflictAndQuarantined() {
        DriverEventRequest start = event(ROUTE_STARTED);
        accepted(ana, start);
        DriverEventRequest forged = new DriverEventRequest(start.eventId(), "b_1", ROUTE_COMPLETED, start.recordedAt(),
                null, null, null, null, null, null, null, null);
        assertRejected(ana, forged, ErrorCode.EVENT_ID_CONFLICT);
    }

    @Test
    void syncWhenAnotherDriverUsesTheSameEventIdThenBothAcceptedAndNeitherSeesTheOther() {
        service.createBatch(sam, new CreateBatchRequest("b_ben", "ws_1", "d_ben", STOPS, Map.of()));
        DriverEventRequest bens = DriverEventRequest.of("ev-shared", "b_ben", ROUTE_STARTED,
                clock.instant().minusSeconds(60));
        accepted(ben, bens);
        Batch bensBatch = service.batch(sam, "b_ben");
        List<DriverEvent> bensLog = service.log(sam, "b_ben");

        // ana cannot probe the id (no conflict) and ben's earlier use did not squat it for her.
        List<EventOutcome> outcomes = service.sync(ana, List.of(
                DriverEventRequest.of("ev-shared", "b_1", ROUTE_STARTED, clock.instant().minusSeconds(30))));

        assertThat(outcomes.get(0).result()).as(String.valueOf(outcomes.get(0))).isEqualTo(EventOutcome.Result.ACCEPTED);
        assertThat(service.log(ana, "b_1")).extracting(DriverEvent::eventId).containsExactly("ev-shared");
        assertThat(b1().status()).isEqualTo(DriverStatus.EN_ROUTE);
        assertThat(service.quarantined(sam, "b_1")).isEmpty();
        assertThat(service.batch(sam, "b_ben")).isEqualTo(bensBatch);
        assertThat(service.log(sam, "b_ben")).isEqualTo(bensLog);
        // and each one's resend is still their own duplicate
        assertThat(service.record(ben, bens).result()).isEqualTo(EventOutcome.Result.DUPLICATE);
        assertThat(service.record(ana, DriverEventRequest.of("ev-shared", "b_1", ROUTE_STARTED,
                clock.instant().minusSeconds(30))).result()).isEqualTo(EventOutcome.Result.DUPLICATE);
    }

    @Test
    void syncWhenAnotherDriversEventReplayedThenNeverDuplicateNeverAStatusAndNothingWritten() {
        service.createBatch(sam, new CreateBatchRequest("b_ben", "ws_1", "d_ben", STOPS, Map.of()));
        DriverEventRequest bens = DriverEventRequest.of("ev-ben", "b_ben", ROUTE_STARTED, clock.instant().minusSeconds(60));
        accepted(ben, bens);

        assertAnsweredAsUnknown(ana, bens);
        assertAnsweredAsUnknown(otherSupervisor, bens);
        EventOutcome again = service.record(ana, bens);
        assertThat(again.result()).isEqualTo(EventOutcome.Result.REJECTED);
        assertThat(again.status()).isNull();
    }

    @Test
    void syncWhenEventOlderThanMaxOfflineAgeThenQuarantinedWithReasonButAnAcceptedOneResentIsStillDuplicate() {
        DriverEventRequest start = DriverEventRequest.of("e-old", "b_1", ROUTE_STARTED, clock.instant().minus(Duration.ofDays(6)));
        accepted(ana, start);
        clock.advance(Duration.ofDays(2));

        assertThat(service.record(ana, start).result()).isEqualTo(EventOutcome.Result.DUPLICATE);
        DriverEventRequest stale = DriverEventRequest.of("e-stale", "b_1", DELAY_REPORTED,
                clock.instant().minus(Duration.ofDays(7)).minusSeconds(1));
        assertRejected(ana, stale, ErrorCode.INVALID_REQUEST);
        assertThat(service.quarantined(sam, "b_1")).singleElement()
                .satisfies(q -> assertThat(q.reason()).contains("EVENT_MAX_OFFLINE_AGE_H"));
        accepted(ana, DriverEventRequest.of("e-fresh", "b_1", DELAY_REPORTED,
                clock.instant().minus(Duration.ofDays(7)).plusSeconds(1)));
    }

    @Test
    void syncWhenMaxOfflineAgeSetShorterThenOlderEventsQuarantined() {
        DriverExecutionService strict = TestFleetgates.on(store(), clock, FleetgateSettings.defaults().withSync(y -> y.withMaxOfflineAge(Duration.ofHours(1)))).execution();
        EventOutcome o = strict.record(ana, DriverEventRequest.of("e-2h", "b_1", ROUTE_STARTED,
                clock.instant().minus(Duration.ofHours(2))));
        assertThat(o.error()).isEqualTo(ErrorCode.INVALID_REQUEST);
        assertThat(o.message()).contains("recorded_at");
        assertThat(strict.record(ana, DriverEventRequest.of("e-30m", "b_1", ROUTE_STARTED,
                clock.instant().minus(Duration.ofMinutes(30)))).result()).isEqualTo(EventOutcome.Result.ACCEPTED);
    }

    @Test
    void syncWhenOneEventRefusedThenLaterOnesStillApplied() {
        List<EventOutcome> out = service.sync(ana, List.of(event(ROUTE_STARTED), arrival(5 % 3).stop(7),
                arrival(0), event(ROUTE_STARTED)));
        assertThat(out).extracting(EventOutcome::result).containsExactly(EventOutcome.Result.ACCEPTED,
                EventOutcome.Result.REJECTED, EventOutcome.Result.ACCEPTED, EventOutcome.Result.REJECTED);
        assertThat(out.get(3).error()).isEqualTo(ErrorCode.INVALID_TRANSITION);
        assertThat(b1().status()).isEqualTo(DriverStatus.AT_STOP);
        assertThat(service.quarantined(sam, "b_1")).hasSize(2);
    }

    @Test
    void syncWhenInBatchDuplicateThenSecondIsDuplicate() {
        DriverEventRequest start = event(ROUTE_STARTED);
        List<EventOutcome> out = service.sync(ana, List.of(start, start));
        assertThat(out).extracting(EventOutcome::result)
                .containsExactly(EventOutcome.Result.ACCEPTED, EventOutcome.Result.DUPLICATE);
        assertThat(service.log(ana, "b_1")).hasSize(1);
    }

    @Test
    void syncWhenTooManyEventsThenRefusedWhole() {
        List<DriverEventRequest> many = IntStream.range(0, 1001).mapToObj(i -> event(PROOF_CAPTURED)).toList();
        assertCode(() -> service.sync(ana, many), ErrorCode.INVALID_REQUEST);
        assertThat(service.log(ana, "b_1")).isEmpty();
    }

    @Test
    void syncWhenRecordedAtInTheFutureThenRefusedBeyondTolerance() {
        DriverEventRequest soon = DriverEventRequest.of("e-soon", "b_1", ROUTE_STARTED, clock.instant().plusSeconds(299));
        DriverEventRequest late = DriverEventRequest.of("e-late", "b_1", ROUTE_COMPLETED, clock.instant().plusSeconds(301));
        assertRejected(ana, late, ErrorCode.INVALID_REQUEST);
        accepted(ana, soon);
    }

    static Stream<Arguments> malformedEvents() {
        Instant t = Instant.parse("2026-11-22T09:59:00Z");
        DriverEventRequest ok = DriverEventRequest.of("e-1", "b_1", ROUTE_STARTED, t);
        return Stream.of(
                Arguments.of("no event id", DriverEventRequest.of(null, "b_1", ROUTE_STARTED, t)),
                Arguments.of("event id too long", DriverEventRequest.of("e".repeat(65), "b_1", ROUTE_STARTED, t)),
                Arguments.of("no event type", DriverEventRequest.of("e-1", "b_1", null, t)),
                Arguments.of("no recorded_at", DriverEventRequest.of("e-1", "b_1", ROUTE_STARTED, null)),
                Arguments.of("recorded_at in 1970", DriverEventRequest.of("e-1", "b_1", ROUTE_STARTED, Instant.EPOCH)),
                Arguments.of("recorded_at at Instant.MAX", DriverEventRequest.of("e-1", "b_1", ROUTE_STARTED, Instant.MAX)),
                Arguments.of("lat without lng", new DriverEventRequest("e-1", "b_1", ROUTE_STARTED, t, null, 1.0, null,
                        null, null, null, null, null)),
                Arguments.of("NaN latitude", ok.at(Double.NaN, 0, null)),
                Arguments.of("longitude out of range", ok.at(0, 181, null)),
                Arguments.of("negative accuracy", ok.at(0, 0, -3.0)),
                Arguments.of("negative stop index", ok.stop(-1)),
                Arguments.of("payload with NaN", ok.payload(Map.of("x", Double.NaN))),
                Arguments.of("payload metadata not an object", ok.payload(Map.of("metadata", "flat"))),
                Arguments.of("payload of an unsupported type", ok.payload(Map.of("x", new Object()))),
                Arguments.of("payload too large", ok.payload(Map.of("x", "y".repeat(20_000)))),
                Arguments.of("target on a non-override", ok.override(DriverStatus.COMPLETED, "why")),
                Arguments.of("reason too long", DriverEventRequest.of("e-1", "b_1", SUPERVISOR_OVERRIDE, t)
                        .override(DriverStatus.EN_ROUTE, "r".repeat(501))),
                Arguments.of("session id too long", ok.session("s".repeat(65))),
                Arguments.of("latitude too fine to encode", ok.at(1e-39, 0, null)),
                Arguments.of("accuracy too large to encode", ok.at(0, 0, 1e300)),
                Arguments.of("payload nested 16 deep inside the event", ok.payload(Map.of("a", nested(15)))),
                Arguments.of("signature blank", ok.signed(" ")),
                Arguments.of("payload string with NUL", ok.payload(Map.of("note", "a\u0000b"))),
                Arguments.of("event id with NUL", DriverEventRequest.of("e\u00001", "b_1", ROUTE_STARTED, t)),
                Arguments.of("reason with NUL", DriverEventRequest.of("e-1", "b_1", SUPERVISOR_OVERRIDE, t)
                        .override(DriverStatus.EN_ROUTE, "a\u0000b")));
    }

    private static Object nested(int depth) {
        Object v = List.of();
        for (int i = 1; i < depth; i++) {
            v = List.of(v);
        }
        return v;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedEvents")
    void syncWhenEventMalformedThenInvalidRequestAndOnlyQuarantineGrows(String why, DriverEventRequest e) {
        Batch before = b1();
        EventOutcome o = service.record(Principal.system(), e);
        assertThat(o.result()).isEqualTo(EventOutcome.Result.REJECTED);
        assertThat(o.error()).as(o.message()).isEqualTo(ErrorCode.INVALID_REQUEST);
        assertThat(b1()).isEqualTo(before);
        assertThat(service.log(Principal.system(), "b_1")).isEmpty();
    }

    // --- geofence and hijack flags ----------------------------------------------------------

    @Test
    void arrivalWhenOutsideStopGeofenceThenAcceptedButFlaggedWithDistance() {
        accepted(ana, event(ROUTE_STARTED));
        // 0.002° north of stop 0: about 222 m, radius 100 m, accuracy 50 m does not reach it.
        EventOutcome o = accepted(ana, event(ARRIVED_AT_STOP).stop(0).at(30.272, -97.74, 50.0));
        assertThat(o.flaggedForReview()).isTrue();
        assertThat(o.flagReasons()).hasSize(2);
        assertThat(o.flagReasons().get(0)).startsWith("OUTSIDE_GEOFENCE: 222 m from stop 0");
        assertThat(o.flagReasons().get(1)).startsWith("ARRIVAL_UNCONFIRMED: 0 of 2 fixes in the fence");
        DriverEvent logged = service.log(ana, "b_1").get(1);
        assertThat(logged.flaggedForReview()).isTrue();
        assertThat(logged.flagReasons()).isEqualTo(o.flagReasons());
    }

    @Test
    void arrivalWhenOutsideButWithinAccuracyThenNotFlagged() {
        accepted(ana, event(ROUTE_STARTED));
        EventOutcome o = accepted(ana, event(ARRIVED_AT_STOP).stop(0).at(30.2715, -97.74, 80.0)); // 167 m
        // no fix shows the driver there, so only that is flagged; the location itself is not
        assertThat(o.flagReasons()).singleElement().asString().startsWith("ARRIVAL_UNCONFIRMED");
    }

    @Test
    void arrivalOrProofWhenNoLocationThenFlagged() {
        accepted(ana, event(ROUTE_STARTED));
        assertThat(accepted(ana, event(ARRIVED_AT_STOP).stop(1)).flagReasons())
                .singleElement().asString().startsWith("NO_LOCATION");
        assertThat(accepted(ana, event(PROOF_CAPTURED)).flaggedForReview()).isTrue();
        assertThat(accepted(ana, event(PROOF_CAPTURED).at(30.28, -97.74, 5.0)).flaggedForReview()).isFalse();
        assertThat(accepted(ana, event(PROOF_CAPTURED).at(30.30, -97.74, 5.0)).flagReasons())
                .anyMatch(r -> r.startsWith("OUTSIDE_GEOFENCE") && r.contains("stop 1"));
    }

    @Test
    void locatedEventsWhenSpeedImplausibleThenFlaggedAsHijack() {
        accepted(ana, event(ROUTE_STARTED).at(30.27, -97.74, 5.0));
        // one second later, 1.1 km further: about 4,000 km/h
        EventOutcome jump = accepted(ana, event(ARRIVED_AT_STOP).stop(1).at(30.28, -97.74, 5.0));
        assertThat(jump.flagReasons()).anyMatch(r -> r.startsWith("IMPLAUSIBLE_SPEED"));
        sequence += 60; // a minute later, 1.1 km: 66 km/h
        EventOutcome normal = accepted(ana, event(DEPARTED_STOP).at(30.29, -97.74, 5.0));
        assertThat(normal.flaggedForReview()).isFalse();
    }

    // --- reading the log --------------------------------------------------------------------

    @Test
    void eventsWhenPagedThenOldestFirstWithCursorAcrossTies() {
        Instant t = clock.instant().minusSeconds(60);
        List<DriverEventRequest> sent = new ArrayList<>();
        sent.add(DriverEventRequest.of("e-5", "b_1", ROUTE_STARTED, t));
        for (String id : List.of("e-4", "e-3", "e-2", "e-1")) {
            sent.add(DriverEventRequest.of(id, "b_1", PROOF_CAPTURED, t.plusSeconds(1)));
        }
        service.sync(ana, sent);

        EventPage first = service.events(ana, "b_1", 2, null);
        EventPage second = service.events(mia, "b_1", 2, first.next());
        EventPage third = service.events(sam, "b_1", 2, second.next());

        assertThat(first.events()).extracting(DriverEvent::eventId).containsExactly("e-5", "e-1");
        assertThat(second.events()).extracting(DriverEvent::eventId).containsExactly("e-2", "e-3");
        assertThat(third.events()).extracting(DriverEvent::eventId).containsExactly("e-4");
        assertThat(third.next()).isNull();
        assertCode(() -> service.events(ana, "b_1", 0, null), ErrorCode.INVALID_REQUEST);
        assertCode(() -> service.events(ana, "b_1", 10, "not-a-cursor"), ErrorCode.INVALID_REQUEST);
        assertCode(() -> service.events(ben, "b_1", 10, null), ErrorCode.NOT_FOUND);
        assertCode(() -> service.quarantined(ana, "b_1"), ErrorCode.FORBIDDEN);
    }

    @Test
    void logWhenAcceptedThenInfoEventWithFields() {
        DriverEventRequest start = event(ROUTE_STARTED);
        accepted(ana, start);
        assertThat(CapturedLogs.named("driver_event_accepted", e -> start.eventId().equals(e.fields().get("event_id"))))
                .singleElement().satisfies(e -> assertThat(e.fields())
                        .containsEntry("batch_id", "b_1").containsEntry("from", "INACTIVE")
                        .containsEntry("to", "EN_ROUTE").containsEntry("flagged_for_review", false));
    }

    @Test
    void logWhenClientValuesHoldLineBreaksControlsAndNonCharactersThenEveryLoggedValueIsEscaped() {
        String batchId = "b_" + LogSafety.HOSTILE_ID;
        String driverId = "d_" + LogSafety.HOSTILE_ID;
        Principal.Driver hostile = Principal.driver(driverId);
        int mark = CapturedLogs.count();

        service.createBatch(sam, new CreateBatchRequest(batchId, "ws_1", null, STOPS, null));
        service.assignDriver(sam, batchId, driverId);
        DriverEventRequest start = DriverEventRequest.of("ev_" + LogSafety.HOSTILE_ID, batchId, ROUTE_STARTED,
                clock.instant().minusSeconds(60));
        assertThat(service.record(hostile, start).result()).isEqualTo(EventOutcome.Result.ACCEPTED);
        assertThat(service.record(hostile, start).result()).isEqualTo(EventOutcome.Result.DUPLICATE);
        assertThat(service.record(hostile, DriverEventRequest.of(LogSafety.HOSTILE_TEXT, batchId, ROUTE_COMPLETED,
                clock.instant().minusSeconds(50))).result()).isEqualTo(EventOutcome.Result.REJECTED);
        assertThat(service.record(hostile, DriverEventRequest.of(UUID.randomUUID().toString(),
                "b_nope_" + LogSafety.HOSTILE_ID, ROUTE_STARTED, clock.instant().minusSeconds(40))).result())
                .isEqualTo(EventOutcome.Result.REJECTED);

        List<CapturedLogs.Event> logged = CapturedLogs.since(mark);
        assertThat(logged).extracting(CapturedLogs.Event::name).contains("batch_created", "batch_assigned",
                "driver_event_accepted", "driver_event_duplicate", "driver_event_rejected");
        LogSafety.assertPlain(logged);
        assertThat(logged).filteredOn(e -> e.name().equals("driver_event_accepted")).singleElement().satisfies(e -> assertThat(e.fields())
                        .containsEntry("event_id", LogValues.text(start.eventId()))
                        .containsEntry("batch_id", LogValues.text(batchId))
                        .containsEntry("driver_id", LogValues.text(driverId)));
    }

    // --- replay and races -------------------------------------------------------------------

    /** 1 start, 333 × (arrive, proof, depart) over 333 stops, the last departure a completion: 1,000 events. */
    private List<DriverEventRequest> longRoute(String batchId) {
        List<Stop> stops = IntStream.range(0, 333).mapToObj(i -> Stop.of(10 + i * 0.01, 20, 100)).toList();
        service.createBatch(sam, new CreateBatchRequest(batchId, "ws_1", "d_ben", stops, null));
        Instant t = clock.instant().minus(Duration.ofDays(1));
        List<DriverEventRequest> out = new ArrayList<>();
        out.add(DriverEventRequest.of(batchId + "-start", batchId, ROUTE_STARTED, t));
        for (int i = 0; i < 333; i++) {
            Stop s = stops.get(i);
            t = t.plusSeconds(60);
            out.add(DriverEventRequest.of(batchId + "-a" + i, batchId, ARRIVED_AT_STOP, t).stop(i)
                    .at(s.location().lat(), s.location().lng(), 5.0));
            out.add(DriverEventRequest.of(batchId + "-p" + i, batchId, PROOF_CAPTURED, t.plusSeconds(10))
                    .payload(Map.of("metadata", Map.of("last_proof", i))));
            out.add(DriverEventRequest.of(batchId + "-d" + i, batchId, i == 332 ? ROUTE_COMPLETED : DEPARTED_STOP,
                    t.plusSeconds(20)));
        }
        return out;
    }

    private static List<List<DriverEventRequest>> overlappingChunks(List<DriverEventRequest> events, Random r) {
        List<List<DriverEventRequest>> chunks = new ArrayList<>();
        int start = 0;
        while (start < events.size()) {
            int end = Math.min(events.size(), start + 50 + r.nextInt(200));
            chunks.add(events.subList(start, end));
            start = Math.max(start + 1, end - r.nextInt(40));
            if (end == events.size()) {
                break;
            }
        }
        return chunks;
    }

    @Test
    void syncWhenThousandEventsSentThreeTimesInOverlappingChunksThenSameAsOneCleanSend() {
        long seed = 20261122L;
        Random r = new Random(seed);
        List<DriverEventRequest> clean = longRoute("b_clean");
        List<DriverEventRequest> replayed = longRoute("b_replay").stream().toList();
        assertThat(service.sync(ben, clean)).extracting(EventOutcome::result).containsOnly(EventOutcome.Result.ACCEPTED);

        // 1: the first 60 % in overlapping chunks; 2: all in overlapping chunks; 3: all, chunks shuffled.
        for (List<DriverEventRequest> c : overlappingChunks(replayed.subList(0, 600), r)) {
            service.sync(ben, c);
        }
        for (List<DriverEventRequest> c : overlappingChunks(replayed, r)) {
            service.sync(ben, c);
        }
        List<List<DriverEventRequest>> third = new ArrayList<>(overlappingChunks(replayed, r));
        Collections.shuffle(third, r);
        for (List<DriverEventRequest> c : third) {
            assertThat(service.sync(ben, c)).as("seed %d, quarantine %s", seed, service.quarantined(sam, "b_replay"))
                    .extracting(EventOutcome::result).containsOnly(EventOutcome.Result.DUPLICATE);
        }

        Batch a = service.batch(sam, "b_clean");
        Batch b = service.batch(sam, "b_replay");
        assertThat(service.log(sam, "b_replay")).as("seed %d", seed).hasSize(1000);
        assertThat(b.status()).isEqualTo(a.status());
        assertThat(b.version()).isEqualTo(a.version()).isEqualTo(1000);
        assertThat(b.visitedStops()).isEqualTo(a.visitedStops());
        assertThat(b.currentStopIndex()).isEqualTo(a.currentStopIndex());
        assertThat(b.metadata()).isEqualTo(a.metadata()).containsEntry("last_proof", new BigDecimal(332));
        assertThat(b.actualStartTime()).isEqualTo(a.actualStartTime());
        assertThat(service.quarantined(sam, "b_replay")).isEmpty();
        assertThat(replay(service.log(sam, "b_replay"))).isEqualTo(b.status());
    }

    @Test
    void syncWhen32ThreadsOnTwoInstancesSendConflictingEventsThenNoneGivesUpAndLogReplaysToStoredStatus() throws Exception {
        long seed = 16L;
        DriverExecutionService two = serviceOn(fixture().secondInstance());
        accepted(ana, event(ROUTE_STARTED));
        DriverEventType[] moves = {ARRIVED_AT_STOP, DEPARTED_STOP, DELAY_REPORTED, ROUTE_RESUMED, PROOF_CAPTURED};
        // Enough contention that optimistic retries alone gave up now and then (STORE_UNAVAILABLE);
        // calls that keep losing wait in line for the batch instead (FleetgateStore.exclusively).
        int threads = 32;
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<List<EventOutcome>>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                DriverExecutionService svc = t % 2 == 0 ? service : two;
                Random r = new Random(seed + t);
                results.add(pool.submit(() -> {
                    go.await();
                    List<EventOutcome> mine = new ArrayList<>();
                    for (int i = 0; i < 12; i++) {
                        DriverEventType type = moves[r.nextInt(moves.length)];
                        DriverEventRequest e = DriverEventRequest.of(UUID.randomUUID().toString(), "b_1", type,
                                clock.instant().minusSeconds(r.nextInt(300)));
                        if (type == ARRIVED_AT_STOP) {
                            e = e.stop(r.nextInt(3));
                        }
                        mine.add(svc.record(ana, e));
                    }
                    return mine;
                }));
            }
            go.countDown();
            int acceptedCount = 1;
            for (Future<List<EventOutcome>> f : results) {
                for (EventOutcome o : f.get(120, TimeUnit.SECONDS)) {
                    assertThat(o.result()).isIn(EventOutcome.Result.ACCEPTED, EventOutcome.Result.REJECTED);
                    if (o.result() == EventOutcome.Result.ACCEPTED) {
                        acceptedCount++;
                    } else {
                        assertThat(o.error()).isIn(ErrorCode.INVALID_TRANSITION, ErrorCode.INVALID_REQUEST);
                    }
                }
            }
            List<DriverEvent> log = service.log(sam, "b_1");
            assertThat(log).as("seed %d", seed).hasSize(acceptedCount);
            assertThat(replay(log)).as("seed %d", seed).isEqualTo(b1().status());
            assertThat(b1().version()).isEqualTo(acceptedCount);
        } finally {
            pool.shutdownNow();
        }
    }

    /** Seeds of the replay test. */
    static Stream<Long> replaySeeds() {
        return Stream.of(1L, 2L, 3L, 5L, 8L, 34L, 21L, 20261122L);
    }

    /**
     * Random event sequences through the service, as the driver (and as the supervisor for
     * overrides): valid and invalid transitions, events a driver may not send, unknown stops,
     * resends of accepted events, reused ids with other content, timestamps in and out of order
     * and beyond the future tolerance, in syncs of 1 to 8 events and single records. A model
     * folds {@link DriverStateMachine} over the outcomes as they come: an event the table refuses
     * is never accepted, and an accepted one moves the batch exactly where the table says. At the
     * end the stored status and version equal a replay of the stored log, the log holds exactly
     * the accepted events, every refused event is absent from it and kept in the quarantine.
     */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("replaySeeds")
    void syncWhenRandomEventSequencesThenStoredStatusEqualsReplayOfLogAndRefusalsQuarantined(long seed) {
        Random r = new Random(seed);
        DriverStateMachine machine = DriverStateMachine.standard();
        DriverEventType[] types = DriverEventType.values();
        DriverEventType[] plain = java.util.Arrays.stream(types).filter(t -> t != SUPERVISOR_OVERRIDE)
                .toArray(DriverEventType[]::new);
        DriverStatus[] statuses = DriverStatus.values();
        DriverStatus model = DriverStatus.INACTIVE;
        Map<String, DriverEventRequest> acceptedById = new java.util.LinkedHashMap<>();
        List<DriverEventRequest> refused = new ArrayList<>();
        int sent = 0;
        int duplicates = 0;
        while (sent < 80) {
            boolean bySupervisor = r.nextInt(6) == 0;
            Principal who = bySupervisor ? sam : ana;
            List<DriverEventRequest> call = new ArrayList<>();
            int size = r.nextInt(3) == 0 ? 1 : 1 + r.nextInt(8);
            for (int k = 0; k < size; k++, sent++) {
                Instant at = r.nextInt(15) == 0 ? clock.instant().plus(Duration.ofMinutes(10))
                        : clock.instant().minusSeconds(r.nextInt(86_400)).minusNanos(r.nextInt(1_000_000_000));
                if (!acceptedById.isEmpty() && r.nextInt(8) == 0) {
                    List<DriverEventRequest> done = new ArrayList<>(acceptedById.values());
                    DriverEventRequest old = done.get(r.nextInt(done.size()));
                    call.add(r.nextBoolean() ? old // the same content again: a duplicate (if the same sender)
                            : DriverEventRequest.of(old.eventId(), "b_1", plain[r.nextInt(plain.length)],
                                    clock.instant().minusSeconds(sent)).payload(Map.of("forged", sent))); // a conflict
                    continue;
                }
                DriverEventType type = bySupervisor ? SUPERVISOR_OVERRIDE : types[r.nextInt(types.length)];
                DriverEventRequest e = DriverEventRequest.of("e-" + seed + "-" + sent, "b_1", type, at);
                if (type == SUPERVISOR_OVERRIDE) {
                    e = e.override(statuses[r.nextInt(statuses.length)], "seed " + seed);
                }
                if (type == ARRIVED_AT_STOP || (type == PROOF_CAPTURED && r.nextBoolean())) {
                    e = e.stop(r.nextInt(STOPS.size() + 1)); // sometimes a stop the batch lacks
                }
                call.add(e);
            }
            List<EventOutcome> outcomes = call.size() == 1 && r.nextBoolean()
                    ? List.of(service.record(who, call.get(0))) : service.sync(who, call);
            assertThat(outcomes).hasSize(call.size());
            for (int k = 0; k < call.size(); k++) {
                DriverEventRequest e = call.get(k);
                EventOutcome o = outcomes.get(k);
                String c = "seed " + seed + ", " + who.userId() + " sent " + e + " from " + model + " → " + o;
                DriverEventRequest earlier = acceptedById.get(who.userId() + "/" + e.eventId());
                if (earlier != null && earlier.equals(e)) {
                    assertThat(o.result()).as(c).isEqualTo(EventOutcome.Result.DUPLICATE);
                    assertThat(o.status()).as(c).isEqualTo(model);
                    duplicates++;
                    continue;
                }
                if (earlier != null) {
                    assertThat(o.result()).as(c).isEqualTo(EventOutcome.Result.REJECTED);
                    // authorization comes first: a type the sender's role may not record is FORBIDDEN
                    boolean forbidden = who == sam ? e.type() != SUPERVISOR_OVERRIDE
                            : e.type() == SUPERVISOR_OVERRIDE || e.type() == DriverEventType.DRIVER_LOGGED_IN;
                    assertThat(o.error()).as(c).isEqualTo(forbidden ? ErrorCode.FORBIDDEN : ErrorCode.EVENT_ID_CONFLICT);
                    refused.add(e);
                    continue;
                }
                DriverStateMachine.Decision d = machine.decide(model, e.type(), e.targetStatus());
                if (o.result() == EventOutcome.Result.ACCEPTED) {
                    assertThat(d.allowed()).as(c + ": the table refuses it").isTrue();
                    assertThat(o.status()).as(c).isEqualTo(d.to());
                    model = d.to();
                    acceptedById.put(who.userId() + "/" + e.eventId(), e);
                } else {
                    assertThat(o.result()).as(c).isEqualTo(EventOutcome.Result.REJECTED);
                    assertThat(o.error()).as(c).isIn(ErrorCode.INVALID_TRANSITION, ErrorCode.INVALID_REQUEST,
                            ErrorCode.FORBIDDEN, ErrorCode.STOPS_OPEN);
                    if (e.recordedAt().isAfter(clock.instant().plus(Duration.ofMinutes(5)))) {
                        assertThat(o.error()).as(c).isEqualTo(ErrorCode.INVALID_REQUEST);
                    }
                    refused.add(e);
                }
            }
        }
        Batch stored = b1();
        List<DriverEvent> log = service.log(sam, "b_1");
        String c = "seed " + seed;
        assertThat(replay(log)).as(c).isEqualTo(stored.status()).isEqualTo(model);
        assertThat(stored.version()).as(c).isEqualTo(log.size());
        assertThat(log).as(c).extracting(l -> l.actorId() + "/" + l.eventId())
                .containsExactlyElementsOf(acceptedById.keySet());
        for (int i = 0; i < log.size(); i++) {
            DriverEventRequest e = new ArrayList<>(acceptedById.values()).get(i);
            assertThat(log.get(i).type()).as(c).isEqualTo(e.type());
            assertThat(log.get(i).recordedAt()).as(c).isEqualTo(e.recordedAt().truncatedTo(java.time.temporal.ChronoUnit.MICROS));
        }
        assertThat(refused).as(c + ": no refused event is in the log")
                .noneMatch(e -> acceptedById.values().stream().noneMatch(a -> a == e)
                        && log.stream().anyMatch(l -> l.eventId().equals(e.eventId()) && l.type() == e.type()
                        && l.recordedAt().equals(e.recordedAt().truncatedTo(java.time.temporal.ChronoUnit.MICROS))));
        assertThat(service.quarantined(sam, "b_1")).as(c + ": every refused event is quarantined")
                .extracting(QuarantinedEvent::eventId)
                // as sets: the same refused content under one id is kept once, whoever resent it
                .hasSameElementsAs(refused.stream().map(DriverEventRequest::eventId).toList());
        assertThat(refused).as(c).isNotEmpty();
        assertThat(duplicates).as(c).isPositive();
        assertThat(log).as(c).hasSizeGreaterThan(5);
    }

    protected static void assertCode(ThrowingCallable call, ErrorCode code) {
        assertThatThrownBy(call).isInstanceOfSatisfying(FleetgateException.class,
                e -> assertThat(e.code()).as(e.getMessage()).isEqualTo(code));
    }
}
