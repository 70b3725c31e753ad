package io.fleetgate.contract;

import io.fleetgate.Fleetgate;
import io.fleetgate.Principal;
import io.fleetgate.StopSettings;
import io.fleetgate.access.Membership;
import io.fleetgate.access.Role;
import io.fleetgate.access.Workspace;
import io.fleetgate.error.ErrorCode;
import io.fleetgate.error.FleetgateException;
import io.fleetgate.execution.Batch;
import io.fleetgate.execution.BatchReplay;
import io.fleetgate.execution.CreateBatchRequest;
import io.fleetgate.execution.DriverEvent;
import io.fleetgate.execution.DriverEventRequest;
import io.fleetgate.execution.DriverEventType;
import io.fleetgate.execution.DriverExecutionService;
import io.fleetgate.execution.DriverStatus;
import io.fleetgate.execution.EventOutcome;
import io.fleetgate.execution.PlanChange;
import io.fleetgate.execution.ProofKind;
import io.fleetgate.execution.QuarantinedEvent;
import io.fleetgate.execution.ReviewItem;
import io.fleetgate.execution.Stop;
import io.fleetgate.execution.StopOutcome;
import io.fleetgate.execution.StopStatus;
import io.fleetgate.execution.TimeWindow;
import io.fleetgate.supervisor.DriverBoardRow;
import io.fleetgate.supervisor.SupervisorService;
import io.fleetgate.testkit.StoreContract;
import io.fleetgate.testkit.TestClock;
import io.fleetgate.testkit.TestFleetgates;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static io.fleetgate.execution.DriverEventType.ARRIVED_AT_STOP;
import static io.fleetgate.execution.DriverEventType.DEPARTED_STOP;
import static io.fleetgate.execution.DriverEventType.PROOF_CAPTURED;
import static io.fleetgate.execution.DriverEventType.ROUTE_COMPLETED;
import static io.fleetgate.execution.DriverEventType.ROUTE_STARTED;
import static io.fleetgate.execution.DriverEventType.SUPERVISOR_OVERRIDE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Stops as first-class work (issue #16) on a store: stable ids, statuses and immutable outcomes,
 * proof of delivery as a guard, time windows and lateness on the board, supervisors' plan changes
 * under the batch's compare-and-set, and the log replaying to what the store holds. Run against
 * every store by a thin subclass (in-memory here, SQLite and PostgreSQL in store-jdbc).
 */
public abstract class StopsContract extends StoreContract {
    /** Three stops about 1.1 km apart; s-a needs a signature, s-b has a window, s-c a photo and a code. */
    private static final String CODE = "7a0f2c".repeat(10) + "beef";
    private static final String SIGNATURE = "1".repeat(64);
    private static final String PHOTO = "2".repeat(64);

    private final Principal.Driver ana = Principal.driver("d_ana");
    private final Principal.Driver ben = Principal.driver("d_ben");
    private final Principal.Supervisor sam = Principal.supervisor("s_sam", "ws_1");
    private final Principal.Supervisor oz = Principal.supervisor("s_oz", "ws_2");
    private TestClock clock;
    private Instant t0;
    private DriverExecutionService execution;
    private SupervisorService supervisor;
    private List<Stop> stops;
    private int seq;

    @BeforeEach
    void seed() {
        clock = TestClock.standard();
        t0 = clock.instant();
        Fleetgate fleetgate = TestFleetgates.on(store(), clock, TestFleetgates.settings());
        execution = fleetgate.execution();
        supervisor = fleetgate.supervisor();
        store().workspaces().upsertWorkspace(new Workspace("ws_1", "North depot"));
        store().workspaces().upsertWorkspace(new Workspace("ws_2", "South depot"));
        store().workspaces().upsertMembership(new Membership("d_ana", "ws_1", Role.DRIVER));
        store().workspaces().upsertMembership(new Membership("d_ben", "ws_1", Role.DRIVER));
        stops = List.of(
                Stop.of(30.27, -97.74, 100).withId("s-a").requiring(ProofKind.SIGNATURE, 1),
                Stop.of(30.28, -97.74, 100).withId("s-b")
                        .withWindow(new TimeWindow(t0.plus(Duration.ofHours(1)), t0.plus(Duration.ofHours(2)))),
                Stop.of(30.29, -97.74, 100).withId("s-c").requiring(ProofKind.PHOTO, 1).requiring(ProofKind.CODE, 1)
                        .withCodeHash(CODE).withWindow(new TimeWindow(null, t0.plus(Duration.ofHours(3)))));
        execution.createBatch(sam, new CreateBatchRequest("b_1", "ws_1", "d_ana", stops, null));
    }

    // --- helpers ------------------------------------------------------------------------------

    /** An event for b_1, a minute after the previous one (from ten hours ago, so never in the future). */
    private DriverEventRequest event(DriverEventType type) {
        seq++;
        return DriverEventRequest.of("e-" + seq, "b_1", type, t0.minus(Duration.ofHours(10)).plusSeconds(60L * seq));
    }

    private DriverEventRequest arrive(String stopId) {
        return arrive(stops.stream().filter(x -> x.id().equals(stopId)).findFirst().orElseThrow());
    }

    private DriverEventRequest arrive(Stop s) {
        return event(ARRIVED_AT_STOP).stop(s.id()).at(s.location().lat(), s.location().lng(), 5.0);
    }

    private DriverEventRequest proof(String stopId, ProofKind kind, String hash) {
        Map<String, Object> proof = new LinkedHashMap<>();
        proof.put("kind", kind.name());
        proof.put("hash", hash);
        proof.put("ref", "s3://proofs/" + hash.substring(0, Math.min(8, hash.length())));
        DriverEventRequest e = event(PROOF_CAPTURED).payload(Map.of("proof", proof));
        return stopId == null ? e : e.stop(stopId);
    }

    private DriverEventRequest depart(Map<String, Object> outcome) {
        DriverEventRequest e = event(DEPARTED_STOP);
        return outcome == null ? e : e.payload(Map.of("outcome", outcome));
    }

    private EventOutcome accepted(Principal who, DriverEventRequest e) {
        EventOutcome o = execution.record(who, e);
        assertThat(o.result()).as("%s → %s", e.type(), o).isEqualTo(EventOutcome.Result.ACCEPTED);
        return o;
    }

    /** The event is refused with the code, quarantined with its reason, and the batch is as it was. */
    private EventOutcome refused(DriverEventRequest e, ErrorCode code) {
        Batch before = b1();
        EventOutcome o = execution.record(ana, e);
        assertThat(o.result()).as("%s", o).isEqualTo(EventOutcome.Result.REJECTED);
        assertThat(o.error()).as(o.message()).isEqualTo(code);
        assertThat(b1()).isEqualTo(before);
        assertThat(execution.quarantined(sam, "b_1")).last().satisfies(q -> {
            assertThat(q.eventId()).isEqualTo(e.eventId());
            assertThat(q.errorCode()).isEqualTo(code);
            assertThat(q.reason()).isEqualTo(o.message());
        });
        return o;
    }

    private Batch b1() {
        return execution.batch(Principal.system(), "b_1");
    }

    private void startRoute() {
        accepted(ana, event(ROUTE_STARTED));
    }

    private static void assertCode(ThrowingCallable call, ErrorCode code) {
        assertThatThrownBy(call).isInstanceOfSatisfying(FleetgateException.class,
                e -> assertThat(e.code()).as(e.getMessage()).isEqualTo(code));
    }

    /** Asserts the call is refused with the code and writes nothing at all. */
    private void assertRefusedWritingNothing(ThrowingCallable call, ErrorCode code) {
        String snapshot = fixture().snapshot();
        assertCode(call, code);
        assertThat(fixture().snapshot()).isEqualTo(snapshot);
    }

    // --- ids ----------------------------------------------------------------------------------

    @Test
    void createWhenStopsCarryIdsWindowsAndProofThenStoredAsGivenAndEventsNameThemByIdOrIndex() {
        assertThat(b1().stops()).isEqualTo(stops);
        assertThat(b1().stops()).extracting(Stop::id).containsExactly("s-a", "s-b", "s-c");
        startRoute();
        accepted(ana, event(ARRIVED_AT_STOP).stop(1).at(30.28, -97.74, 5.0)); // by index, as older clients do
        DriverEvent logged = execution.log(sam, "b_1").get(1);
        assertThat(logged.stopIndex()).isEqualTo(1);
        assertThat(logged.stopId()).isEqualTo("s-b");
        assertThat(b1().progressOf("s-b").status()).isEqualTo(StopStatus.ARRIVED);
        assertThat(b1().progressOf("s-a").status()).isEqualTo(StopStatus.PENDING);
        accepted(ana, depart(null));
        accepted(ana, arrive("s-a"));
        assertThat(b1().currentStopIndex()).isZero();
        assertThat(execution.log(sam, "b_1").get(3).stopId()).isEqualTo("s-a");
    }

    @Test
    void createWhenStopIdsRepeatThenInvalidAndNothingWritten() {
        List<Stop> twice = List.of(Stop.of(30.27, -97.74, 100).withId("s-x"), Stop.of(30.28, -97.74, 100).withId("s-x"));
        assertRefusedWritingNothing(() -> execution.createBatch(sam,
                new CreateBatchRequest("b_2", "ws_1", "d_ana", twice, null)), ErrorCode.INVALID_REQUEST);
        // a generated id is taken like any other
        List<Stop> clash = List.of(Stop.of(30.27, -97.74, 100), Stop.of(30.28, -97.74, 100).withId("stop-0"));
        assertRefusedWritingNothing(() -> execution.createBatch(sam,
                new CreateBatchRequest("b_2", "ws_1", "d_ana", clash, null)), ErrorCode.INVALID_REQUEST);
    }

    @Test
    void stopJsonWhenWindowBackwardsOrProofUnknownOrFieldsWrongThenInvalidNamingTheField() {
        Map<String, Object> base = Map.of("id", "s-1", "lat", 30.27, "lng", -97.74, "radius_m", 80);
        assertThat(Stop.fromJson(base)).isEqualTo(Stop.of(30.27, -97.74, 80).withId("s-1"));
        Map<String, Object> full = new LinkedHashMap<>(base);
        full.put("window", Map.of("earliest", "2026-12-07T09:00:00Z", "latest", "2026-12-07T10:00:00Z"));
        full.put("proof", List.of(Map.of("kind", "SIGNATURE"), Map.of("kind", "PHOTO", "min_count", 2)));
        full.put("code_hash", CODE);
        Stop read = Stop.fromJson(full);
        assertThat(Stop.fromJson(read.toJson())).isEqualTo(read);
        assertThat(read.proof()).extracting(r -> r.kind() + "x" + r.minCount()).containsExactly("SIGNATUREx1", "PHOTOx2");
        for (Map.Entry<String, Object> bad : Map.<String, Object>of(
                "window", Map.of("earliest", "2026-12-07T10:00:00Z", "latest", "2026-12-07T09:00:00Z"),
                "proof", List.of(Map.of("kind", "FINGERPRINT")),
                "code_hash", "not-a-hash",
                "colour", "red").entrySet()) {
            Map<String, Object> json = new LinkedHashMap<>(base);
            json.put(bad.getKey(), bad.getValue());
            assertThatThrownBy(() -> Stop.fromJson(json)).as(bad.getKey())
                    .isInstanceOfSatisfying(FleetgateException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
                        assertThat(String.valueOf(e.details().get("field"))).startsWith("stops." + bad.getKey());
                    });
        }
    }

    @Test
    void eventWhenItNamesAnUnknownStopIdThenInvalidAndQuarantined() {
        startRoute();
        refused(event(ARRIVED_AT_STOP).stop("s-zz"), ErrorCode.INVALID_REQUEST);
        refused(event(ARRIVED_AT_STOP).stop(7), ErrorCode.INVALID_REQUEST);
    }

    // --- outcomes and proof --------------------------------------------------------------------

    @Test
    void departWhenProofMissingThenProofRequiredListingItAndOnceCapturedCompleted() {
        startRoute();
        accepted(ana, arrive("s-a"));
        EventOutcome o = refused(depart(null), ErrorCode.PROOF_REQUIRED);
        assertThat(o.message()).contains("s-a").contains("SIGNATURE: 0 of 1");
        // a proof for another kind does not count
        accepted(ana, proof(null, ProofKind.PHOTO, PHOTO));
        refused(depart(Map.of("status", "COMPLETED")), ErrorCode.PROOF_REQUIRED);
        accepted(ana, proof(null, ProofKind.SIGNATURE, SIGNATURE));
        accepted(ana, depart(Map.of("status", "COMPLETED")));
        Batch b = b1();
        assertThat(b.progressOf("s-a").status()).isEqualTo(StopStatus.COMPLETED);
        assertThat(b.progressOf("s-a").proofs().get(ProofKind.SIGNATURE)).containsExactly(SIGNATURE);
        assertThat(b.count(StopStatus.COMPLETED)).isEqualTo(1);
        DriverEvent departed = execution.log(sam, "b_1").get(execution.log(sam, "b_1").size() - 1);
        assertThat(departed.stopId()).isEqualTo("s-a");
        assertThat(departed.payload()).containsEntry("outcome", Map.of("status", "COMPLETED"));
    }

    @Test
    void departWhenFailedThenNeedsAConfiguredReasonAndOtherNeedsANote() {
        startRoute();
        accepted(ana, arrive("s-b"));
        refused(depart(Map.of("status", "FAILED")), ErrorCode.INVALID_REQUEST);
        EventOutcome unknown = refused(depart(Map.of("status", "FAILED", "reason", "ON_STRIKE")), ErrorCode.INVALID_REQUEST);
        assertThat(unknown.message()).contains("RECIPIENT_ABSENT");
        refused(depart(Map.of("status", "FAILED", "reason", "OTHER")), ErrorCode.INVALID_REQUEST);
        refused(depart(Map.of("status", "SKIPPED", "reason", "X")), ErrorCode.INVALID_REQUEST);
        refused(depart(Map.of("status", "MAYBE")), ErrorCode.INVALID_REQUEST);
        accepted(ana, depart(Map.of("status", "FAILED", "reason", "OTHER", "note", "dog at the gate")));
        assertThat(b1().progressOf("s-b")).satisfies(p -> {
            assertThat(p.status()).isEqualTo(StopStatus.FAILED);
            assertThat(p.reason()).isEqualTo("OTHER");
            assertThat(p.note()).isEqualTo("dog at the gate");
        });
        assertThat(b1().count(StopStatus.FAILED)).isEqualTo(1);
    }

    @Test
    void payloadWhenAReservedKeyIsOnTheWrongEventThenInvalid() {
        startRoute();
        refused(event(ROUTE_STARTED).payload(Map.of("outcome", Map.of("status", "COMPLETED"))), ErrorCode.INVALID_REQUEST);
        refused(event(DEPARTED_STOP).payload(Map.of("proof", Map.of("kind", "NOTE", "hash", PHOTO))),
                ErrorCode.INVALID_REQUEST);
        refused(event(ARRIVED_AT_STOP).stop("s-a").payload(Map.of("plan", Map.of("op", "SKIP_STOP"))),
                ErrorCode.INVALID_REQUEST);
        refused(proof("s-a", ProofKind.NOTE, "XYZ"), ErrorCode.INVALID_REQUEST);
    }

    @Test
    void departWhenItNamesAStopOtherThanTheOneTheDriverIsAtThenInvalidAndNoStopChanges() {
        startRoute();
        accepted(ana, arrive("s-b"));
        EventOutcome o = refused(depart(Map.of("status", "FAILED", "reason", "REFUSED")).stop("s-c"),
                ErrorCode.INVALID_REQUEST);
        assertThat(o.message()).contains("s-c").contains("s-b");
        refused(event(ROUTE_COMPLETED).stop(0), ErrorCode.INVALID_REQUEST);
        accepted(ana, depart(null).stop("s-b"));
        assertThat(b1().progressOf("s-b").status()).isEqualTo(StopStatus.COMPLETED);
        assertThat(b1().progressOf("s-c").status()).isEqualTo(StopStatus.PENDING);
    }

    @Test
    void routeCompletedWhenStopsHaveNoOutcomeThenStopsOpenListingThemInSequence() {
        startRoute();
        EventOutcome o = refused(event(ROUTE_COMPLETED), ErrorCode.STOPS_OPEN);
        assertThat(o.message()).contains("s-a, s-b, s-c");
        accepted(ana, arrive("s-b"));
        accepted(ana, depart(Map.of("status", "FAILED", "reason", "RECIPIENT_ABSENT")));
        assertThat(refused(event(ROUTE_COMPLETED), ErrorCode.STOPS_OPEN).message()).contains("s-a, s-c")
                .doesNotContain("s-b");
    }

    @Test
    void routeCompletedAtTheLastStopThenItCarriesThatStopsOutcome() {
        startRoute();
        for (String id : List.of("s-a", "s-b")) {
            accepted(ana, arrive(id));
            accepted(sam, event(SUPERVISOR_OVERRIDE).override(DriverStatus.AT_STOP, "closed today")
                    .payload(Map.of("plan", Map.of("op", "SKIP_STOP", "stop_id", id,
                            "expected_version", b1().version()))));
            accepted(ana, depart(null)); // leaves a stop that has an outcome as it is
            assertThat(b1().progressOf(id).status()).isEqualTo(StopStatus.SKIPPED);
        }
        accepted(ana, arrive("s-c"));
        accepted(ana, proof(null, ProofKind.PHOTO, PHOTO));
        refused(event(ROUTE_COMPLETED), ErrorCode.PROOF_REQUIRED);
        accepted(ana, proof(null, ProofKind.CODE, CODE));
        accepted(ana, event(ROUTE_COMPLETED).payload(Map.of("outcome", Map.of("status", "COMPLETED"))));
        assertThat(b1().status()).isEqualTo(DriverStatus.COMPLETED);
        assertThat(b1().progressOf("s-c").status()).isEqualTo(StopStatus.COMPLETED);
        assertThat(b1().openStops()).isEmpty();
    }

    @Test
    void proofWhenTheCodeIsWrongThenAcceptedFlaggedAndNotCounted() {
        startRoute();
        accepted(ana, arrive("s-c"));
        EventOutcome wrong = accepted(ana, proof(null, ProofKind.CODE, "9".repeat(64)));
        assertThat(wrong.flaggedForReview()).isTrue();
        assertThat(wrong.flagReasons()).anySatisfy(r -> assertThat(r).startsWith("CODE_MISMATCH"));
        assertThat(b1().progressOf("s-c").proofCount(ProofKind.CODE)).isZero();
        accepted(ana, proof(null, ProofKind.CODE, CODE));
        assertThat(b1().progressOf("s-c").proofCount(ProofKind.CODE)).isEqualTo(1);
        // the same photo twice counts once
        accepted(ana, proof(null, ProofKind.PHOTO, PHOTO));
        accepted(ana, proof("s-c", ProofKind.PHOTO, PHOTO));
        assertThat(b1().progressOf("s-c").proofCount(ProofKind.PHOTO)).isEqualTo(1);
    }

    @Test
    void proofWhenNoStopIsNamedAndTheDriverIsAtNoneThenInvalid() {
        startRoute();
        refused(proof(null, ProofKind.NOTE, PHOTO), ErrorCode.INVALID_REQUEST);
        accepted(ana, event(PROOF_CAPTURED).payload(Map.of("metadata", Map.of("free", "form")))); // no proof: as before
    }

    @Test
    void outcomeWhenRecordedThenImmutableForTheDriverAndASupervisorCorrectionIsLoggedBesideIt() {
        startRoute();
        accepted(ana, arrive("s-b"));
        accepted(ana, depart(Map.of("status", "FAILED", "reason", "REFUSED")));
        accepted(ana, event(DriverEventType.ROUTE_CANCELLED));
        accepted(ana, event(ROUTE_STARTED));
        accepted(ana, arrive("s-b")); // a revisit after a restart keeps the outcome
        assertThat(b1().progressOf("s-b").status()).isEqualTo(StopStatus.FAILED);
        EventOutcome o = refused(depart(Map.of("status", "COMPLETED")), ErrorCode.INVALID_TRANSITION);
        assertThat(o.message()).contains("immutable");

        Batch corrected = supervisor.changePlan(sam, "b_1",
                new PlanChange.SetOutcome("s-b", StopOutcome.failed("DAMAGED", null)), "driver misreported", null);
        assertThat(corrected.progressOf("s-b")).satisfies(p -> {
            assertThat(p.status()).isEqualTo(StopStatus.FAILED);
            assertThat(p.reason()).isEqualTo("DAMAGED");
            assertThat(p.corrected()).isTrue();
        });
        List<DriverEvent> log = execution.log(sam, "b_1");
        assertThat(log).filteredOn(e -> "s-b".equals(e.stopId()) && e.type() == DEPARTED_STOP)
                .singleElement().satisfies(e -> assertThat(e.payload().get("outcome"))
                        .isEqualTo(Map.of("status", "FAILED", "reason", "REFUSED")));
        assertThat(log.get(log.size() - 1)).satisfies(e -> {
            assertThat(e.type()).isEqualTo(SUPERVISOR_OVERRIDE);
            assertThat(e.actorId()).isEqualTo("s_sam");
            assertThat(e.reason()).isEqualTo("driver misreported");
            assertThat(e.stopId()).isEqualTo("s-b");
            assertThat(e.status()).isEqualTo(e.previousStatus());
        });
    }

    @Test
    void offlineWhenProofArrivesInALaterSyncThenTheRefusedDepartureIsQueuedAndASupervisorResolvesIt() {
        startRoute();
        DriverEventRequest arrival = arrive("s-a");
        DriverEventRequest departure = depart(null);
        List<EventOutcome> first = execution.sync(ana, List.of(arrival, departure));
        assertThat(first).extracting(EventOutcome::result)
                .containsExactly(EventOutcome.Result.ACCEPTED, EventOutcome.Result.REJECTED);
        assertThat(first.get(1).error()).isEqualTo(ErrorCode.PROOF_REQUIRED);
        List<ReviewItem> queue = supervisor.reviewQueue(sam, 100, null).items();
        assertThat(queue).filteredOn(ReviewItem::isQuarantined).singleElement().satisfies(i -> {
            QuarantinedEvent q = i.quarantined();
            assertThat(q.eventId()).isEqualTo(departure.eventId());
            assertThat(q.errorCode()).isEqualTo(ErrorCode.PROOF_REQUIRED);
            assertThat(q.reason()).contains("SIGNATURE: 0 of 1");
        });
        // the photo of the signature uploads later
        assertThat(execution.sync(ana, List.of(proof("s-a", ProofKind.SIGNATURE, SIGNATURE))))
                .extracting(EventOutcome::result).containsExactly(EventOutcome.Result.ACCEPTED);
        Batch resolved = supervisor.changePlan(sam, "b_1", new PlanChange.SetOutcome("s-a", StopOutcome.completed()),
                "signature arrived after the departure", null);
        assertThat(resolved.progressOf("s-a").status()).isEqualTo(StopStatus.COMPLETED);
        assertThat(resolved.progressOf("s-a").corrected()).isFalse();
    }

    // --- windows and the board ----------------------------------------------------------------

    @Test
    void windowWhenArrivedEarlyThenFlaggedAndWhenPassedWithoutOutcomeThenLateOnTheBoard() {
        startRoute();
        EventOutcome early = accepted(ana, arrive("s-b")); // ten hours before its window
        assertThat(early.flagReasons()).anySatisfy(r -> assertThat(r).startsWith("EARLY: arrived at stop s-b"));
        assertThat(b1().progressOf("s-b").early()).isTrue();
        accepted(ana, depart(Map.of("status", "FAILED", "reason", "RECIPIENT_ABSENT")));

        DriverBoardRow onTime = supervisor.statusBoard(sam).get(0);
        assertThat(onTime.driverId()).isEqualTo("d_ana");
        assertThat(onTime.nextStopId()).isEqualTo("s-a");
        assertThat(onTime.stopsFailed()).isEqualTo(1);
        assertThat(onTime.stopsDone()).isZero();
        assertThat(onTime.stopsLate()).isZero();
        assertThat(onTime.lateness()).isEqualTo(Duration.ZERO);

        clock.advance(Duration.ofHours(3).plusMinutes(20)); // s-c's window closed 20 minutes ago
        DriverBoardRow late = supervisor.statusBoard(sam).get(0);
        assertThat(late.stopsLate()).isEqualTo(1);
        assertThat(late.lateness()).isEqualTo(Duration.ofMinutes(20));
        assertThat(b1().lateStops(clock.instant())).containsExactly("s-c");
    }

    // --- plan changes ---------------------------------------------------------------------------

    @Test
    void changePlanWhenStopsAddedReorderedRemovedAndSkippedThenEachAnAuditedOverrideUnderTheVersion() {
        startRoute();
        long v = b1().version();
        Stop extra = Stop.of(30.30, -97.74, 100).withId("s-d");
        Batch added = supervisor.changePlan(sam, "b_1", new PlanChange.AddStop(extra, 1), "new parcel", v);
        assertThat(added.stops()).extracting(Stop::id).containsExactly("s-a", "s-d", "s-b", "s-c");
        assertThat(added.version()).isEqualTo(v + 1);
        assertThat(added.status()).isEqualTo(DriverStatus.EN_ROUTE);

        Batch reordered = supervisor.changePlan(sam, "b_1",
                new PlanChange.ReorderStops(List.of("s-c", "s-a", "s-d", "s-b")), "traffic", null);
        assertThat(reordered.stops()).extracting(Stop::id).containsExactly("s-c", "s-a", "s-d", "s-b");
        Batch removed = supervisor.changePlan(sam, "b_1", new PlanChange.RemoveStop("s-d"), "cancelled by customer",
                null);
        assertThat(removed.stops()).extracting(Stop::id).containsExactly("s-c", "s-a", "s-b");
        assertThat(removed.removedStops()).containsExactly("s-d");
        Batch skipped = supervisor.changePlan(sam, "b_1", new PlanChange.SkipStop("s-b"), "closed", null);
        assertThat(skipped.progressOf("s-b").status()).isEqualTo(StopStatus.SKIPPED);
        assertThat(skipped.progressOf("s-b").reason()).isEqualTo(PlanChange.SkipStop.REASON);
        assertThat(b1()).isEqualTo(skipped);

        List<DriverEvent> overrides = execution.log(sam, "b_1").stream().filter(e -> e.type() == SUPERVISOR_OVERRIDE)
                .toList();
        assertThat(overrides).extracting(DriverEvent::reason)
                .containsExactly("new parcel", "traffic", "cancelled by customer", "closed");
        assertThat(overrides).allSatisfy(e -> {
            assertThat(e.actorId()).isEqualTo("s_sam");
            assertThat(e.status()).isEqualTo(DriverStatus.EN_ROUTE);
        });
        assertThat(overrides).extracting(e -> String.valueOf(((Map<?, ?>) e.payload().get("plan")).get("op")))
                .containsExactly("ADD_STOP", "REORDER_STOPS", "REMOVE_STOP", "SKIP_STOP");
    }

    @Test
    void changePlanWhenItWouldBreakARuleOrTheVersionMovedThenRefusedAndNothingWritten() {
        startRoute();
        accepted(ana, arrive("s-b"));
        accepted(ana, depart(Map.of("status", "FAILED", "reason", "REFUSED")));
        long v = b1().version();
        assertRefusedWritingNothing(() -> supervisor.changePlan(sam, "b_1", new PlanChange.RemoveStop("s-b"),
                "tidy up", null), ErrorCode.INVALID_REQUEST);
        assertRefusedWritingNothing(() -> supervisor.changePlan(sam, "b_1",
                new PlanChange.ReorderStops(List.of("s-b", "s-a", "s-c")), "x", null), ErrorCode.INVALID_REQUEST);
        assertRefusedWritingNothing(() -> supervisor.changePlan(sam, "b_1",
                new PlanChange.ReorderStops(List.of("s-a", "s-b")), "x", null), ErrorCode.INVALID_REQUEST);
        assertRefusedWritingNothing(() -> supervisor.changePlan(sam, "b_1",
                new PlanChange.AddStop(Stop.of(1, 1, 10).withId("s-a"), null), "x", null), ErrorCode.INVALID_REQUEST);
        assertRefusedWritingNothing(() -> supervisor.changePlan(sam, "b_1", new PlanChange.SkipStop("s-zz"), "x", null),
                ErrorCode.INVALID_REQUEST);
        assertRefusedWritingNothing(() -> supervisor.changePlan(sam, "b_1", new PlanChange.SkipStop("s-b"), "x", null),
                ErrorCode.INVALID_TRANSITION);
        assertRefusedWritingNothing(() -> supervisor.changePlan(sam, "b_1",
                new PlanChange.SetOutcome("s-a", StopOutcome.completed()), "x", null), ErrorCode.PROOF_REQUIRED);
        assertRefusedWritingNothing(() -> supervisor.changePlan(sam, "b_1", new PlanChange.SkipStop("s-a"), "x",
                v - 1), ErrorCode.INVALID_REQUEST);
        assertRefusedWritingNothing(() -> supervisor.changePlan(sam, "b_1", new PlanChange.SkipStop("s-a"), " ",
                null), ErrorCode.INVALID_REQUEST);
        assertRefusedWritingNothing(() -> supervisor.changePlan(ana, "b_1", new PlanChange.SkipStop("s-a"), "x",
                null), ErrorCode.FORBIDDEN);
        assertRefusedWritingNothing(() -> supervisor.changePlan(oz, "b_1", new PlanChange.SkipStop("s-a"), "x",
                null), ErrorCode.NOT_FOUND);
        assertThat(b1().version()).isEqualTo(v);
        // a driver cannot change the plan by sending the override themselves
        EventOutcome o = execution.record(ana, event(SUPERVISOR_OVERRIDE).override(DriverStatus.EN_ROUTE, "me")
                .payload(Map.of("plan", Map.of("op", "SKIP_STOP", "stop_id", "s-a", "expected_version", v))));
        assertThat(o.error()).isEqualTo(ErrorCode.FORBIDDEN);
        assertThat(b1().progressOf("s-a").status()).isEqualTo(StopStatus.PENDING);
    }

    @Test
    void logWhenASupervisorAddedAStopWithACodeThenTheDriverReadsItWithoutTheCodesHash() {
        String otherCode = "ab12".repeat(16);
        supervisor.changePlan(sam, "b_1", new PlanChange.AddStop(Stop.of(30.3, -97.74, 50).withId("s-z")
                .requiring(ProofKind.CODE, 1).withCodeHash(otherCode), null), "locker delivery", null);

        assertThat(execution.log(sam, "b_1").toString()).contains(otherCode);
        assertThat(execution.log(ana, "b_1").toString()).doesNotContain(otherCode).contains("s-z");
        assertThat(execution.events(ana, "b_1", 100, null).events().toString()).doesNotContain(otherCode);
        // the stored event is unchanged: the batch still replays with the code
        assertThat(new BatchReplay(StopSettings.defaults()).replay(created(), execution.log(sam, "b_1")))
                .isEqualTo(b1());
    }

    private Batch created() {
        return new Batch("b_1", "ws_1", "d_ana", DriverStatus.INACTIVE, null, null, null, Map.of(), 0, stops, List.of(),
                b1().createdAt(), b1().createdAt());
    }

    @Test
    void offlineEventsWhenThePlanChangedMeanwhileThenIdsStillResolveAndRemovedStopsAreQuarantined() {
        startRoute();
        // recorded offline before the supervisor's changes, synced after them
        DriverEventRequest atC = arrive("s-c");
        DriverEventRequest photo = proof(null, ProofKind.PHOTO, PHOTO);
        DriverEventRequest code = proof(null, ProofKind.CODE, CODE);
        DriverEventRequest leaveC = depart(null);
        DriverEventRequest atB = arrive("s-b");
        supervisor.changePlan(sam, "b_1", new PlanChange.ReorderStops(List.of("s-c", "s-a", "s-b")), "traffic", null);
        supervisor.changePlan(sam, "b_1", new PlanChange.RemoveStop("s-b"), "cancelled", null);

        List<EventOutcome> outcomes = execution.sync(ana, List.of(atC, photo, code, leaveC, atB));
        assertThat(outcomes).extracting(EventOutcome::result).containsExactly(EventOutcome.Result.ACCEPTED,
                EventOutcome.Result.ACCEPTED, EventOutcome.Result.ACCEPTED, EventOutcome.Result.ACCEPTED,
                EventOutcome.Result.REJECTED);
        assertThat(outcomes.get(4).message()).contains("s-b").contains("removed");
        Batch b = b1();
        assertThat(b.stops()).extracting(Stop::id).containsExactly("s-c", "s-a");
        assertThat(b.progressOf("s-c").status()).isEqualTo(StopStatus.COMPLETED);
        assertThat(b.visitedStops()).containsExactly(0);
        assertThat(execution.log(sam, "b_1")).filteredOn(e -> e.eventId().equals(atC.eventId()))
                .singleElement().satisfies(e -> {
                    assertThat(e.stopId()).isEqualTo("s-c");
                    assertThat(e.stopIndex()).isZero(); // its position when applied, after the reorder
                });
        assertThat(execution.quarantined(sam, "b_1")).extracting(QuarantinedEvent::eventId).contains(atB.eventId());
    }

    @Test
    void changePlanWhenTwoSupervisorsRaceForOneVersionThenExactlyOneWins() throws Exception {
        startRoute();
        long v = b1().version();
        Principal.Supervisor sue = Principal.supervisor("s_sue", "ws_1");
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = new ArrayList<>();
        java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
        for (Principal.Supervisor who : List.of(sam, sue, sam, sue)) {
            Thread t = new Thread(() -> {
                try {
                    go.await();
                    supervisor.changePlan(who, "b_1", new PlanChange.AddStop(
                            Stop.of(30.3, -97.7, 50).withId("x-" + Thread.currentThread().getId()), null), "race", v);
                } catch (FleetgateException | InterruptedException e) {
                    failures.add(e);
                }
            });
            threads.add(t);
            t.start();
        }
        go.countDown();
        for (Thread t : threads) {
            t.join(60_000);
        }
        assertThat(failures).hasSize(3).allSatisfy(e -> assertThat(((FleetgateException) e).code())
                .isEqualTo(ErrorCode.INVALID_REQUEST));
        assertThat(b1().version()).isEqualTo(v + 1);
        assertThat(b1().stops()).hasSize(4);
    }

    @Test
    void changePlanWhenSupervisorsRaceWithoutAVersionThenEachIsDecidedAgainOnTheNewOneAndAllLand() throws Exception {
        startRoute();
        long v = b1().version();
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = new ArrayList<>();
        java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
        for (int i = 0; i < 4; i++) {
            String id = "y-" + i;
            Thread t = new Thread(() -> {
                try {
                    go.await();
                    supervisor.changePlan(sam, "b_1", new PlanChange.AddStop(Stop.of(30.3, -97.7, 50).withId(id), null),
                            "race", null);
                } catch (FleetgateException | InterruptedException e) {
                    failures.add(e);
                }
            });
            threads.add(t);
            t.start();
        }
        go.countDown();
        for (Thread t : threads) {
            t.join(60_000);
        }
        assertThat(failures).isEmpty();
        assertThat(b1().version()).isEqualTo(v + 4);
        assertThat(b1().stops()).extracting(Stop::id).contains("y-0", "y-1", "y-2", "y-3");
    }

    /**
     * Readers racing a supervisor who keeps removing an ARRIVED stop and adding another: every batch
     * read is one moment of it, never the row of one version with the stops of the next (the
     * removed stop's progress beside a stop list without it, a visited index past the end).
     */
    @Test
    void readsWhenPlanChangesRaceThemThenEachReadIsOneVersionWhole() throws Exception {
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicInteger reads = new java.util.concurrent.atomic.AtomicInteger();
        List<String> torn = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Thread> readers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Thread t = new Thread(() -> {
                while (!done.get()) {
                    Batch b;
                    try {
                        b = b1();
                    } catch (RuntimeException e) {
                        torn.add("a read failed: " + e); // reported, and the test fails on it
                        return;
                    }
                    reads.incrementAndGet();
                    List<String> ids = b.stops().stream().map(Stop::id).toList();
                    boolean whole = ids.containsAll(b.progress().keySet())
                            && b.visitedStops().stream().allMatch(v -> v < ids.size())
                            && (b.currentStopIndex() == null || b.currentStopIndex() < ids.size());
                    if (!whole) {
                        torn.add("version " + b.version() + ": stops " + ids + ", progress " + b.progress().keySet()
                                + ", visited " + b.visitedStops());
                    }
                }
            });
            readers.add(t);
            t.start();
        }
        try {
            String last = "s-c";
            for (int round = 0; round < 25 && torn.isEmpty(); round++) {
                accepted(ana, event(ROUTE_STARTED));
                accepted(ana, arrive(b1().stops().get(b1().indexOf(last))));
                accepted(ana, event(DriverEventType.ROUTE_CANCELLED)); // last stays ARRIVED, not current
                supervisor.changePlan(sam, "b_1", new PlanChange.RemoveStop(last), "round " + round, null);
                last = "r-" + round;
                supervisor.changePlan(sam, "b_1", new PlanChange.AddStop(Stop.of(30.29, -97.74, 100).withId(last),
                        null), "round " + round, null);
            }
        } finally {
            done.set(true);
            for (Thread t : readers) {
                t.join(30_000);
            }
        }
        assertThat(torn).isEmpty();
        assertThat(reads.get()).as("the readers read while the plan changed").isGreaterThan(25);
        assertThat(b1().removedStops()).hasSize(25);
    }

    // --- properties ------------------------------------------------------------------------------

    /**
     * Random sequences of driver events (arrivals by id or index, proof, departures with random
     * outcomes, route completion, cancellation and restart, delays) and supervisor plan changes,
     * through the service in random syncs: the batch the store holds equals the replay of its
     * stored log from the batch as created, by the same rules, and every refused event is in the
     * quarantine with an expected code.
     */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 5, 8, 13, 21, 34})
    void randomSequencesWhenAppliedThroughTheServiceThenTheStoredBatchIsTheReplayOfItsLog(long seed) {
        Random r = new Random(seed);
        Batch created = b1();
        int refusedCount = 0;
        for (int round = 0; round < 40; round++) {
            if (r.nextInt(6) == 0) {
                PlanChange change = randomChange(r, b1());
                try {
                    supervisor.changePlan(sam, "b_1", change, "round " + round, null);
                } catch (FleetgateException e) {
                    assertThat(e.code()).as("%s", change).isIn(ErrorCode.INVALID_REQUEST, ErrorCode.INVALID_TRANSITION,
                            ErrorCode.PROOF_REQUIRED);
                }
                continue;
            }
            List<DriverEventRequest> call = new ArrayList<>();
            for (int k = 1 + r.nextInt(4); k > 0; k--) {
                call.add(randomEvent(r, b1()));
            }
            for (EventOutcome o : execution.sync(ana, call)) {
                if (o.result() == EventOutcome.Result.REJECTED) {
                    refusedCount++;
                    assertThat(o.error()).as("seed %d: %s", seed, o.message()).isIn(ErrorCode.INVALID_TRANSITION,
                            ErrorCode.INVALID_REQUEST, ErrorCode.PROOF_REQUIRED, ErrorCode.STOPS_OPEN);
                }
            }
        }
        Batch stored = b1();
        List<DriverEvent> log = execution.log(sam, "b_1");
        Batch replayed = new BatchReplay(StopSettings.defaults()).replay(created, log);
        assertThat(replayed).as("seed %d", seed).isEqualTo(stored);
        assertThat(log).as("seed %d: something happened", seed).hasSizeGreaterThan(10);
        assertThat(refusedCount).as("seed %d: something was refused", seed).isPositive();
        assertThat(execution.quarantined(sam, "b_1")).hasSizeLessThanOrEqualTo(refusedCount).isNotEmpty();
    }

    /**
     * One recorded offline sequence, synced once whole (b_1, driver ana) and once split into random
     * chunks (b_2, an identical batch of driver ben): every event gets the same answer and both
     * batches end the same.
     */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {4, 9, 16, 25})
    void recordedSequenceWhenSplitIntoAnyChunksOfSyncsThenTheSameAnswersAndFinalState(long seed) {
        execution.createBatch(sam, new CreateBatchRequest("b_2", "ws_1", "d_ben", stops, null));
        Random r = new Random(seed);
        List<DriverEventRequest> recorded = new ArrayList<>();
        Batch model = b1();
        recorded.add(event(ROUTE_STARTED));
        for (int i = 0; i < 60; i++) {
            recorded.add(randomEvent(r, model));
        }
        List<EventOutcome> whole = execution.sync(ana, recorded);
        List<DriverEventRequest> forBen = recorded.stream().map(e -> new DriverEventRequest(e.eventId(), "b_2",
                e.type(), e.recordedAt(), e.sessionId(), e.lat(), e.lng(), e.accuracyMeters(), e.stopIndex(),
                e.payload(), e.targetStatus(), e.reason(), e.signature(), e.stopId())).toList();
        List<EventOutcome> chunked = new ArrayList<>();
        for (int start = 0; start < forBen.size(); ) {
            int end = Math.min(forBen.size(), start + 1 + r.nextInt(7));
            chunked.addAll(execution.sync(ben, forBen.subList(start, end)));
            start = end;
        }
        assertThat(chunked).extracting(o -> o.result() + "/" + o.error() + "/" + o.status())
                .as("seed %d", seed)
                .containsExactlyElementsOf(whole.stream().map(o -> o.result() + "/" + o.error() + "/" + o.status())
                        .toList());
        Batch one = b1();
        Batch two = execution.batch(Principal.system(), "b_2");
        assertThat(two.status()).isEqualTo(one.status());
        assertThat(two.progress()).isEqualTo(one.progress());
        assertThat(two.visitedStops()).isEqualTo(one.visitedStops());
        assertThat(two.currentStopIndex()).isEqualTo(one.currentStopIndex());
        assertThat(two.version()).isEqualTo(one.version());
        assertThat(whole).extracting(EventOutcome::result).contains(EventOutcome.Result.ACCEPTED);
    }

    private DriverEventRequest randomEvent(Random r, Batch b) {
        List<Stop> current = b.stops();
        Stop s = current.get(r.nextInt(current.size()));
        return switch (r.nextInt(11)) {
            case 0, 1 -> r.nextBoolean() ? arrive(s)
                    : event(ARRIVED_AT_STOP).stop(current.indexOf(s)).at(s.location().lat(), s.location().lng(), 5.0);
            case 2 -> proof(r.nextBoolean() ? null : s.id(), ProofKind.values()[r.nextInt(4)],
                    r.nextBoolean() ? CODE : r.nextBoolean() ? SIGNATURE : PHOTO);
            case 3, 4 -> depart(switch (r.nextInt(4)) {
                case 0 -> null;
                case 1 -> Map.of("status", "COMPLETED");
                case 2 -> Map.of("status", "FAILED", "reason", r.nextBoolean() ? "REFUSED" : "NOT_A_REASON");
                default -> Map.of("status", "FAILED", "reason", "OTHER", "note", "n" + r.nextInt(9));
            });
            case 5 -> event(ROUTE_COMPLETED);
            case 6 -> event(DriverEventType.ROUTE_CANCELLED);
            case 7 -> event(ROUTE_STARTED);
            case 8 -> event(DriverEventType.DELAY_REPORTED);
            case 9 -> event(DriverEventType.ROUTE_RESUMED);
            default -> r.nextBoolean() ? event(ARRIVED_AT_STOP).stop("s-gone") : proof(s.id(), ProofKind.PHOTO, PHOTO);
        };
    }

    private static PlanChange randomChange(Random r, Batch b) {
        List<Stop> current = b.stops();
        Stop s = current.get(r.nextInt(current.size()));
        return switch (r.nextInt(5)) {
            case 0 -> new PlanChange.AddStop(Stop.of(30.25 + r.nextInt(9) / 100.0, -97.74, 100)
                    .withId("n-" + r.nextInt(1000)), r.nextInt(current.size() + 1));
            case 1 -> new PlanChange.RemoveStop(s.id());
            case 2 -> {
                List<String> order = new ArrayList<>(current.stream().map(Stop::id).toList());
                java.util.Collections.shuffle(order, r);
                yield new PlanChange.ReorderStops(order);
            }
            case 3 -> new PlanChange.SkipStop(s.id());
            default -> new PlanChange.SetOutcome(s.id(), r.nextBoolean() ? StopOutcome.completed()
                    : StopOutcome.failed("ACCESS_DENIED", null));
        };
    }
}
