package io.fleetgate.contract;

import io.fleetgate.Fleetgate;
import io.fleetgate.Principal;
import io.fleetgate.access.Membership;
import io.fleetgate.access.Role;
import io.fleetgate.access.Workspace;
import io.fleetgate.error.ErrorCode;
import io.fleetgate.error.FleetgateException;
import io.fleetgate.execution.CreateBatchRequest;
import io.fleetgate.execution.DriverEvent;
import io.fleetgate.execution.DriverEventRequest;
import io.fleetgate.execution.DriverEventType;
import io.fleetgate.execution.DriverExecutionService;
import io.fleetgate.execution.EventOutcome;
import io.fleetgate.execution.PositionService;
import io.fleetgate.execution.ReviewItem;
import io.fleetgate.execution.Stop;
import io.fleetgate.geo.Coordinate;
import io.fleetgate.geo.Corridor;
import io.fleetgate.geo.PolygonFence;
import io.fleetgate.position.AlertKind;
import io.fleetgate.position.Fix;
import io.fleetgate.position.FixMark;
import io.fleetgate.position.PositionAlert;
import io.fleetgate.position.PositionReceipt;
import io.fleetgate.position.RecordedFix;
import io.fleetgate.supervisor.DriverBoardRow;
import io.fleetgate.supervisor.SupervisorService;
import io.fleetgate.testkit.StoreContract;
import io.fleetgate.testkit.TestClock;
import io.fleetgate.testkit.TestFleetgates;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

import static io.fleetgate.execution.DriverEventType.ARRIVED_AT_STOP;
import static io.fleetgate.execution.DriverEventType.DEPARTED_STOP;
import static io.fleetgate.execution.DriverEventType.ROUTE_STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The position stream (issue #17) on a store: fixes kept (implausible ones marked, never dropped)
 * and idempotent, arrivals confirmed by presence now or by fixes that arrive later, polygon stops,
 * one review item per corridor excursion and per implausible jump, quiet devices found by the
 * sweeper, the purge, and results that do not depend on how a phone splits its uploads. Run
 * against every store by a thin subclass (in-memory here, SQLite and PostgreSQL in store-jdbc).
 */
public abstract class PositionsContract extends StoreContract {
    /** Stop s-a: a circle of 100 m at (30.27, -97.74). Stop s-b: a ~220 m square around (30.28, -97.74). */
    private static final Coordinate A = Coordinate.of(30.27, -97.74);
    private static final Coordinate B = Coordinate.of(30.28, -97.74);
    /** A north-south route through both stops, 200 m wide. */
    private static final Corridor ROUTE = Corridor.of(List.of(Coordinate.of(30.26, -97.74),
            Coordinate.of(30.30, -97.74)), 200);
    /** About 1 km east of the route: off the corridor. */
    private static final double EAST = -97.7296;

    private final Principal.Driver ana = Principal.driver("d_ana");
    private final Principal.Driver ben = Principal.driver("d_ben");
    private final Principal.Supervisor sam = Principal.supervisor("s_sam", "ws_1");
    private final Principal.Supervisor oz = Principal.supervisor("s_oz", "ws_2");
    private TestClock clock;
    /** Events and fixes are recorded from here on: ten hours before the clock, so never in the future. */
    private Instant base;
    private DriverExecutionService execution;
    private SupervisorService supervisor;
    private PositionService positions;
    private int seq;

    @BeforeEach
    void seed() {
        clock = TestClock.standard();
        base = clock.instant().minus(Duration.ofHours(10));
        Fleetgate fleetgate = TestFleetgates.on(store(), clock, TestFleetgates.settings());
        execution = fleetgate.execution();
        supervisor = fleetgate.supervisor();
        positions = fleetgate.positions();
        store().workspaces().upsertWorkspace(new Workspace("ws_1", "North depot"));
        store().workspaces().upsertWorkspace(new Workspace("ws_2", "South depot"));
        for (String d : List.of("d_ana", "d_ben", "d_1", "d_2", "d_3", "d_4")) {
            store().workspaces().upsertMembership(new Membership(d, "ws_1", Role.DRIVER));
        }
        createBatch("b_1", "d_ana");
        createBatch("b_2", "d_ben");
    }

    private void createBatch(String id, String driver) {
        PolygonFence square = PolygonFence.of(List.of(Coordinate.of(30.279, -97.7412), Coordinate.of(30.279, -97.7388),
                Coordinate.of(30.281, -97.7388), Coordinate.of(30.281, -97.7412)));
        List<Stop> stops = List.of(new Stop(A, 100).withId("s-a"), new Stop(B, 100).withId("s-b").withPolygon(square));
        execution.createBatch(sam, new CreateBatchRequest(id, "ws_1", driver, stops, null, ROUTE));
    }

    // --- helpers ------------------------------------------------------------------------------

    private Instant at(long seconds) {
        return base.plusSeconds(seconds);
    }

    private static Fix fix(Instant t, double lat, double lng, double accuracy) {
        return Fix.of(t, lat, lng, accuracy);
    }

    /** A fix at the point, 5 m accurate. */
    private Fix fix(long seconds, Coordinate c) {
        return fix(at(seconds), c.lat(), c.lng(), 5);
    }

    private DriverEventRequest event(String batch, DriverEventType type, long seconds) {
        seq++;
        return DriverEventRequest.of("e-" + seq, batch, type, at(seconds));
    }

    private EventOutcome accepted(Principal who, DriverEventRequest e) {
        EventOutcome o = execution.record(who, e);
        assertThat(o.result()).as("%s → %s", e.type(), o).isEqualTo(EventOutcome.Result.ACCEPTED);
        return o;
    }

    private EventOutcome arriveAtA(Principal who, String batch, long seconds) {
        return accepted(who, event(batch, ARRIVED_AT_STOP, seconds).stop("s-a").at(A.lat(), A.lng(), 5.0));
    }

    private List<ReviewItem> queue() {
        return supervisor.reviewQueue(sam, 1000, null).items();
    }

    private List<PositionAlert> alerts(AlertKind kind) {
        return queue().stream().map(ReviewItem::alert).filter(a -> a != null && a.kind() == kind).toList();
    }

    private List<RecordedFix> fixesOf(Principal who, String driver) {
        return positions.fixes(who, driver, base.minus(Duration.ofDays(60)), base.plus(Duration.ofDays(60)), 10_000);
    }

    private static void refused(ThrowingCallable call, ErrorCode code) {
        assertThatThrownBy(call).isInstanceOf(FleetgateException.class)
                .satisfies(e -> assertThat(((FleetgateException) e).code()).isEqualTo(code));
    }

    // --- the stream ---------------------------------------------------------------------------

    @Test
    void ingestWhenFixesInAnyOrderThenStoredOrderedAndVisibleToDriverAndTheirSupervisorOnly() {
        PositionReceipt r = positions.ingest(ana, "b_1", List.of(fix(20, A), fix(0, A), fix(10, B)));

        assertThat(r).isEqualTo(new PositionReceipt(3, 0, List.of(), 0, 0));
        assertThat(fixesOf(ana, "d_ana")).extracting(RecordedFix::recordedAt).containsExactly(at(0), at(10), at(20));
        RecordedFix first = fixesOf(ana, "d_ana").get(0);
        assertThat(first.driverId()).isEqualTo("d_ana");
        assertThat(first.workspaceId()).isEqualTo("ws_1");
        assertThat(first.batchId()).isEqualTo("b_1");
        assertThat(first.fix()).isEqualTo(fix(0, A));
        assertThat(first.plausible()).isTrue();
        assertThat(first.receivedAt()).isEqualTo(clock.instant());
        assertThat(fixesOf(sam, "d_ana")).hasSize(3);
        assertThat(fixesOf(oz, "d_ana")).isEmpty();
        assertThat(positions.fixes(ana, "d_ana", at(5), at(20), 1)).extracting(RecordedFix::recordedAt)
                .containsExactly(at(10));
        refused(() -> fixesOf(ben, "d_ana"), ErrorCode.FORBIDDEN);
    }

    @Test
    void ingestWhenSentAgainThenDuplicateAndOtherContentAtThatInstantIsAConflictKeepingTheStoredFix() {
        positions.ingest(ana, "b_1", List.of(fix(0, A), fix(10, A)));

        PositionReceipt again = positions.ingest(ana, "b_1", List.of(fix(0, A), fix(10, B), fix(20, A), fix(20, A)));

        assertThat(again.accepted()).isEqualTo(1);
        assertThat(again.duplicates()).isEqualTo(2);
        assertThat(again.conflicts()).containsExactly(at(10));
        assertThat(fixesOf(ana, "d_ana")).extracting(f -> f.fix().location()).containsExactly(A, A, A);
    }

    @Test
    void ingestWhenImplausibleThenKeptAndMarkedNeverDropped() {
        Instant now = clock.instant();
        PositionReceipt r = positions.ingest(ana, "b_1", List.of(
                fix(at(0), A.lat(), A.lng(), 500),                                   // accuracy worse than the cap
                fix(now.plus(Duration.ofHours(1)), A.lat(), A.lng(), 5),             // in the future
                new Fix(at(20), A, 5.0, 90.0, 10.0),                                 // 324 km/h reported
                fix(now.minus(Duration.ofDays(8)), A.lat(), A.lng(), 5),             // older than the offline age
                fix(at(40), A.lat(), A.lng(), 5)));

        assertThat(r.accepted()).isEqualTo(5);
        assertThat(r.marked()).isEqualTo(4);
        Map<Instant, RecordedFix> stored = fixesOf(sam, "d_ana").stream()
                .collect(Collectors.toMap(RecordedFix::recordedAt, f -> f));
        assertThat(stored).hasSize(5);
        assertThat(stored.get(at(0)).marks()).containsExactly(FixMark.ACCURACY);
        assertThat(stored.get(now.plus(Duration.ofHours(1))).marks()).containsExactly(FixMark.FUTURE);
        assertThat(stored.get(at(20)).marks()).containsExactly(FixMark.SPEED);
        assertThat(stored.get(at(20)).fix().headingDegrees()).isEqualTo(10.0);
        assertThat(stored.get(now.minus(Duration.ofDays(8))).marks()).containsExactly(FixMark.STALE);
        assertThat(stored.get(at(40)).plausible()).isTrue();
    }

    @Test
    void ingestWhenRefusedThenNothingWrittenAtAll() {
        List<Fix> many = new ArrayList<>();
        for (int i = 0; i <= PositionService.MAX_FIXES_PER_CALL; i++) {
            many.add(fix(i, A));
        }
        List<Fix> withNull = new ArrayList<>(List.of(fix(0, A)));
        withNull.add(null);
        refused(() -> positions.ingest(ana, "b_1", List.of()), ErrorCode.INVALID_REQUEST);
        refused(() -> positions.ingest(ana, "b_1", many), ErrorCode.INVALID_REQUEST);
        refused(() -> positions.ingest(ana, "b_1", withNull), ErrorCode.INVALID_REQUEST);
        refused(() -> positions.ingest(ana, "b\u0000", List.of(fix(0, A))), ErrorCode.INVALID_REQUEST);
        refused(() -> positions.ingest(ana, "b_2", List.of(fix(0, A))), ErrorCode.NOT_FOUND);
        refused(() -> positions.ingest(ana, "b_nope", List.of(fix(0, A))), ErrorCode.NOT_FOUND);
        refused(() -> positions.ingest(sam, "b_1", List.of(fix(0, A))), ErrorCode.FORBIDDEN);
        refused(() -> positions.ingest(Principal.system(), "b_1", List.of(fix(0, A))), ErrorCode.FORBIDDEN);
        refused(() -> Fix.of(at(0), 91, 0, 5.0), ErrorCode.INVALID_REQUEST);
        refused(() -> Fix.of(at(0), 0, 0, -1.0), ErrorCode.INVALID_REQUEST);
        refused(() -> new Fix(at(0), A, 5.0, Double.NaN, null), ErrorCode.INVALID_REQUEST);
        refused(() -> new Fix(at(0), A, 5.0, null, 360.0), ErrorCode.INVALID_REQUEST);

        assertThat(fixesOf(Principal.system(), "d_ana")).isEmpty();
        assertThat(store().positions().findPresence("ws_1")).isEmpty();
        assertThat(queue()).isEmpty();
    }

    // --- arrival you can trust ------------------------------------------------------------------

    @Test
    void arrivalWhenTwoFixesCertainlyInsideAroundItThenConfirmedAndNotFlagged() {
        accepted(ana, event("b_1", ROUTE_STARTED, 0));
        positions.ingest(ana, "b_1", List.of(fix(95, A), fix(100, Coordinate.of(30.2703, -97.74))));

        EventOutcome o = arriveAtA(ana, "b_1", 100);

        assertThat(o.flagReasons()).isEmpty();
    }

    @Test
    void arrivalWhenOneFixInsideAndAStayWithinTheExitFenceThenConfirmedByDwell() {
        accepted(ana, event("b_1", ROUTE_STARTED, 0));
        // inside at 100 s; at 140 s 110 m out (beyond the 100 m radius, within the 125 m exit fence)
        positions.ingest(ana, "b_1", List.of(fix(100, A), fix(140, Coordinate.of(30.27099, -97.74))));

        assertThat(arriveAtA(ana, "b_1", 100).flagReasons()).isEmpty();
    }

    @Test
    void arrivalWhenFixesOnlyTouchTheFenceWithTheirAccuracyThenNotConfirmed() {
        accepted(ana, event("b_1", ROUTE_STARTED, 0));
        // 90 m from the centre, 30 m accuracy: the circle pokes out of the 100 m fence; and 130 m out
        positions.ingest(ana, "b_1", List.of(fix(at(90), 30.270809, -97.74, 30), fix(at(100), 30.270809, -97.74, 30),
                fix(at(200), 30.27117, -97.74, 5)));

        EventOutcome o = arriveAtA(ana, "b_1", 100);

        assertThat(o.flagReasons()).singleElement().asString()
                .startsWith("ARRIVAL_UNCONFIRMED: 0 of 2 fixes in the fence, dwell 0 s of 30 s at stop s-a");
    }

    @Test
    void arrivalWhenFixesArriveInALaterSyncThenConfirmedAfterwardsWithARecordedReasonAndStillAccepted() {
        accepted(ana, event("b_1", ROUTE_STARTED, 0));
        EventOutcome arrival = arriveAtA(ana, "b_1", 100);
        assertThat(arrival.flagReasons()).singleElement().asString().startsWith("ARRIVAL_UNCONFIRMED");
        assertThat(queue()).extracting(ReviewItem::id).containsExactly(arrival.eventId());

        PositionReceipt far = positions.ingest(ana, "b_1", List.of(fix(40, Coordinate.of(30.275, -97.74))));
        assertThat(far.arrivalsConfirmed()).isZero();
        assertThat(queue()).extracting(ReviewItem::id).containsExactly(arrival.eventId());

        PositionReceipt late = positions.ingest(ana, "b_1", List.of(fix(98, A), fix(104, A)));

        assertThat(late.arrivalsConfirmed()).isEqualTo(1);
        assertThat(queue()).isEmpty();
        DriverEvent logged = execution.log(sam, "b_1").get(1);
        assertThat(logged.flagReasons()).singleElement().asString().startsWith("ARRIVAL_UNCONFIRMED");
        assertThat(store().reviews().insertReview(new io.fleetgate.execution.ReviewRecord("r-x", "ws_1",
                arrival.eventId(), ReviewItem.Kind.EVENT, "d_ana", "s_sam", "again", clock.instant()))).as("already closed by the system").isFalse();
        assertThat(positions.ingest(ana, "b_1", List.of(fix(105, A))).arrivalsConfirmed()).isZero();
    }

    @Test
    void arrivalWhenOtherFlagsTooThenLateFixesDoNotCloseTheItem() {
        accepted(ana, event("b_1", ROUTE_STARTED, 0));
        // the arrival says it is 1 km away: OUTSIDE_GEOFENCE, which fixes must not wave through
        EventOutcome o = accepted(ana, event("b_1", ARRIVED_AT_STOP, 100).stop("s-a").at(30.279, -97.74, 5.0));
        assertThat(o.flagReasons()).hasSize(2);

        assertThat(positions.ingest(ana, "b_1", List.of(fix(98, A), fix(104, A))).arrivalsConfirmed()).isZero();
        assertThat(queue()).extracting(ReviewItem::id).containsExactly(o.eventId());
    }

    @Test
    void polygonStopWhenFixesInsideTheRingThenConfirmedAndAnArrivalOutsideItIsFlaggedByDistance() {
        accepted(ana, event("b_1", ROUTE_STARTED, 0));
        positions.ingest(ana, "b_1", List.of(fix(100, B), fix(105, Coordinate.of(30.2805, -97.7395))));
        EventOutcome inside = accepted(ana, event("b_1", ARRIVED_AT_STOP, 100).stop("s-b").at(B.lat(), B.lng(), 5.0));
        assertThat(inside.flagReasons()).isEmpty();

        // 0.0015° north of the ring's edge: about 167 m outside it; and no fix there
        accepted(ben, event("b_2", ROUTE_STARTED, 0));
        EventOutcome outside = accepted(ben, event("b_2", ARRIVED_AT_STOP, 300).stop("s-b").at(30.2825, -97.74, 5.0));

        assertThat(outside.flagReasons()).hasSize(2);
        assertThat(outside.flagReasons().get(0)).startsWith("OUTSIDE_GEOFENCE: 167 m outside stop 1's polygon");
        assertThat(outside.flagReasons().get(1)).startsWith("ARRIVAL_UNCONFIRMED: 0 of 2 fixes");
    }

    // --- corridor, jumps -------------------------------------------------------------------------

    @Test
    void corridorWhenTwoExcursionsThenOneReviewItemEachAndLocatedEventsJoinThem() {
        accepted(ana, event("b_1", ROUTE_STARTED, 0));
        List<Fix> drive = new ArrayList<>();
        for (int s = 0; s < 60; s += 10) {
            drive.add(fix(at(s), 30.265, -97.74, 5));                      // on the route
        }
        for (int s = 60; s < 110; s += 10) {
            drive.add(fix(at(s), 30.265, EAST, 5));                        // first excursion, 5 fixes
        }
        drive.add(fix(at(110), 30.265, -97.74, 5));
        for (int s = 800; s < 830; s += 10) {
            drive.add(fix(at(s), 30.265, EAST, 5));                        // 12 minutes later: another, 3 fixes
        }
        positions.ingest(ana, "b_1", drive);
        // a located event in the second excursion joins it
        accepted(ana, event("b_1", DriverEventType.DELAY_REPORTED, 835).at(30.265, EAST, 5.0));

        List<PositionAlert> excursions = alerts(AlertKind.OFF_CORRIDOR);

        assertThat(excursions).hasSize(2);
        assertThat(excursions).extracting(PositionAlert::firstAt, PositionAlert::lastAt, PositionAlert::count)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple(at(60), at(100), 5),
                        org.assertj.core.groups.Tuple.tuple(at(800), at(835), 4));
        assertThat(excursions).allSatisfy(a -> {
            assertThat(a.driverId()).isEqualTo("d_ana");
            assertThat(a.batchId()).isEqualTo("b_1");
            assertThat(a.workspaceId()).isEqualTo("ws_1");
            assertThat(a.detail()).contains("corridor (200 m wide)");
        });
        assertThat(supervisor.reviewQueue(oz, 100, null).items()).isEmpty();
    }

    @Test
    void corridorWhenALateFixBridgesTwoExcursionsThenTheyMergeIntoOneItem() {
        positions.ingest(ana, "b_1", List.of(fix(at(0), 30.265, EAST, 5), fix(at(200), 30.265, EAST, 5)));
        assertThat(alerts(AlertKind.OFF_CORRIDOR)).hasSize(2);

        positions.ingest(ana, "b_1", List.of(fix(at(100), 30.265, EAST, 5)));

        assertThat(alerts(AlertKind.OFF_CORRIDOR)).singleElement()
                .satisfies(a -> assertThat(List.of(a.firstAt(), a.lastAt(), a.count())).containsExactly(at(0), at(200), 3));
    }

    @Test
    void jumpWhenTwoFixesTenSecondsAndFiftyKilometresApartThenOneImplausibleSpeedItem() {
        positions.ingest(ana, "b_1", List.of(fix(0, A), fix(10, Coordinate.of(30.72, -97.74)), fix(20, A)));

        assertThat(alerts(AlertKind.IMPLAUSIBLE_SPEED)).singleElement().satisfies(a -> {
            assertThat(a.firstAt()).isEqualTo(at(0));
            assertThat(a.lastAt()).isEqualTo(at(20));
            assertThat(a.count()).isEqualTo(2);
        });
        // a plausible drive raises nothing
        positions.ingest(ben, "b_2", List.of(fix(0, A), fix(60, B)));
        assertThat(alerts(AlertKind.IMPLAUSIBLE_SPEED)).hasSize(1);
    }

    // --- quiet devices ------------------------------------------------------------------------

    @Test
    void quietWhenOnRouteAndSilentThenOneItemPerSilenceClosedWhenThePhoneSpeaks() {
        accepted(ana, event("b_1", ROUTE_STARTED, 0));
        positions.ingest(ben, "b_2", List.of(fix(0, A)));                  // ben is silent too, but not on route
        clock.advance(Duration.ofMinutes(9));
        assertThat(positions.sweep(Principal.system()).quietRaised()).isZero();

        clock.advance(Duration.ofMinutes(2));
        assertThat(positions.sweep(Principal.system()).quietRaised()).isEqualTo(1);
        assertThat(positions.sweep(Principal.system()).quietRaised()).as("one per silence").isZero();
        assertThat(alerts(AlertKind.QUIET)).singleElement().satisfies(a -> assertThat(a.driverId()).isEqualTo("d_ana"));
        assertThat(board("d_ana").quiet()).isTrue();
        assertThat(board("d_ben").quiet()).isFalse();

        positions.ingest(ana, "b_1", List.of(fix(at(3600), A.lat(), A.lng(), 5)));

        assertThat(alerts(AlertKind.QUIET)).isEmpty();
        assertThat(board("d_ana").quiet()).isFalse();
        assertThat(board("d_ana").lastFixAt()).isEqualTo(at(3600));
        assertThat(board("d_ana").lastFixAge()).isEqualTo(Duration.between(at(3600), clock.instant()));
        clock.advance(Duration.ofMinutes(11));
        assertThat(positions.sweep(Principal.system()).quietRaised()).as("a new silence").isEqualTo(1);
        refused(() -> positions.sweep(sam), ErrorCode.FORBIDDEN);
        refused(() -> positions.sweep(ana), ErrorCode.FORBIDDEN);
    }

    private DriverBoardRow board(String driver) {
        return supervisor.statusBoard(sam).stream().filter(r -> r.driverId().equals(driver)).findFirst().orElseThrow();
    }

    // --- retention ---------------------------------------------------------------------------

    @Test
    void purgeWhenFixesOlderThanRetentionThenOnlyThoseRemovedAndOnlyByTheSystem() {
        Instant now = clock.instant();
        positions.ingest(ana, "b_1", List.of(fix(now.minus(Duration.ofDays(40)), A.lat(), A.lng(), 5),
                fix(now.minus(Duration.ofDays(31)), A.lat(), A.lng(), 5), fix(now.minus(Duration.ofDays(29)), A.lat(),
                        A.lng(), 5)));
        refused(() -> positions.purge(sam), ErrorCode.FORBIDDEN);
        refused(() -> positions.purge(ana), ErrorCode.FORBIDDEN);

        assertThat(positions.purge(Principal.system())).isEqualTo(2);

        assertThat(fixesOf(sam, "d_ana")).extracting(RecordedFix::recordedAt).containsExactly(now.minus(Duration.ofDays(29)));
        assertThat(positions.purge(Principal.system())).isZero();
    }

    // --- concurrency and late data ------------------------------------------------------------

    @Test
    void ingestWhenEightThreadsSendOneExcursionAtOnceThenEveryFixIsKeptAndItIsOneItem() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<PositionReceipt>> calls = new ArrayList<>();
            for (int k = 0; k < 8; k++) {
                List<Fix> mine = new ArrayList<>();
                for (int i = k; i < 400; i += 8) {
                    mine.add(fix(at(i), 30.265, EAST, 5));
                }
                calls.add(() -> positions.ingest(ana, "b_1", mine));
            }
            int accepted = 0;
            for (Future<PositionReceipt> f : pool.invokeAll(calls)) {
                accepted += f.get().accepted();
            }
            assertThat(accepted).isEqualTo(400);
        } finally {
            pool.shutdownNow();
        }
        assertThat(fixesOf(sam, "d_ana")).hasSize(400);
        assertThat(alerts(AlertKind.OFF_CORRIDOR)).singleElement()
                .satisfies(a -> assertThat(List.of(a.firstAt(), a.lastAt(), a.count())).containsExactly(at(0), at(399), 400));
    }

    /**
     * One scenario, uploaded four ways by four drivers with identical batches: every fix and event
     * at once; events first, fixes after in random chunks; fixes first in random chunks, events after;
     * and fixes and events interleaved in random chunks. The verdicts must be the same.
     */
    @Test
    void lateDataWhenAPhoneSplitsItsUploadsDifferentlyThenTheOutcomeIsTheSame() {
        Random random = new Random(17);
        for (int round = 0; round < 4; round++) {
            long t = round * 10_000L;
            long arrival = round % 2 == 0 ? 450 : 1200;           // during the stay at s-a, or long after it
            List<Fix> fixes = scenario(random, t);
            List<String> drivers = new ArrayList<>();
            for (int way = 0; way < 4; way++) {
                String driver = "d_" + round + "_" + way;
                drivers.add(driver);
                store().workspaces().upsertMembership(new Membership(driver, "ws_1", Role.DRIVER));
                createBatch("b_" + driver, driver);
            }
            for (int way = 0; way < 4; way++) {
                String driver = drivers.get(way);
                Principal.Driver who = Principal.driver(driver);
                String batch = "b_" + driver;
                List<DriverEventRequest> events = List.of(
                        DriverEventRequest.of(driver + "-start", batch, ROUTE_STARTED, at(t)),
                        DriverEventRequest.of(driver + "-arrive", batch, ARRIVED_AT_STOP, at(t + arrival))
                                .stop("s-a").at(A.lat(), A.lng(), 5.0),
                        DriverEventRequest.of(driver + "-depart", batch, DEPARTED_STOP, at(t + arrival + 100)),
                        DriverEventRequest.of(driver + "-off", batch, DriverEventType.DELAY_REPORTED, at(t + arrival + 200))
                                .at(30.268, EAST, 5.0));
                List<Fix> shuffled = new ArrayList<>(fixes);
                Collections.shuffle(shuffled, random);
                upload(way, who, batch, fixes, shuffled, events, random);
            }
            List<String> verdicts = new ArrayList<>();
            for (String d : drivers) {
                verdicts.add(verdict(d));
            }
            assertThat(verdicts).as("round %d", round).containsOnly(verdicts.get(0));
            assertThat(verdicts.get(0)).as("round %d raises each kind", round).contains("OFF_CORRIDOR",
                    "IMPLAUSIBLE_SPEED", "arrival confirmed=" + (arrival == 450), "fixes=" + fixes.size());
        }
    }

    /**
     * Uploads a scenario one of four ways: every fix then every event; events first, then fixes in
     * random chunks; fixes in random chunks, then events; fixes and events interleaved at random.
     */
    private void upload(int way, Principal.Driver who, String batch, List<Fix> fixes, List<Fix> shuffled,
                        List<DriverEventRequest> events, Random random) {
        switch (way) {
            case 0 -> {
                positions.ingest(who, batch, fixes);
                assertThat(execution.sync(who, events)).allMatch(o -> o.result() == EventOutcome.Result.ACCEPTED);
            }
            case 1 -> {
                assertThat(execution.sync(who, events)).allMatch(o -> o.result() == EventOutcome.Result.ACCEPTED);
                chunks(shuffled, random).forEach(chunk -> positions.ingest(who, batch, chunk));
            }
            case 2 -> {
                chunks(shuffled, random).forEach(chunk -> positions.ingest(who, batch, chunk));
                assertThat(execution.sync(who, events)).allMatch(o -> o.result() == EventOutcome.Result.ACCEPTED);
            }
            default -> {
                int e = 0;
                for (List<Fix> chunk : chunks(shuffled, random)) {
                    if (e < events.size() && random.nextBoolean()) {
                        assertThat(execution.record(who, events.get(e++)).result()).isEqualTo(EventOutcome.Result.ACCEPTED);
                    }
                    positions.ingest(who, batch, chunk);
                }
                while (e < events.size()) {
                    assertThat(execution.record(who, events.get(e++)).result()).isEqualTo(EventOutcome.Result.ACCEPTED);
                }
            }
        }
    }

    /**
     * A drive north along the route from {@code t}: fixes every 10 s, a stay at s-a from 400 s to
     * 500 s, a slow excursion east and back between 600 s and 800 s, and one teleport at a random
     * moment.
     */
    private List<Fix> scenario(Random random, long t) {
        List<Fix> out = new ArrayList<>();
        for (int s = 0; s < 900; s += 10) {
            double lat = s < 400 ? 30.262 + s * 0.00002 : s < 500 ? A.lat() : A.lat() + (s - 500) * 0.00002;
            double east = s < 600 || s >= 800 ? 0 : 0.0005 * (s < 700 ? (s - 600) / 10 : (800 - s) / 10);
            out.add(fix(at(t + s), lat, -97.74 + east, 5));
        }
        out.add(fix(at(t + 105 + 10 * random.nextInt(15)), 30.9, -97.74, 5));
        return out;
    }

    private static List<List<Fix>> chunks(List<Fix> fixes, Random random) {
        List<List<Fix>> out = new ArrayList<>();
        int i = 0;
        while (i < fixes.size()) {
            int n = 1 + random.nextInt(25);
            out.add(new ArrayList<>(fixes.subList(i, Math.min(fixes.size(), i + n))));
            i += n;
        }
        return out;
    }

    /** What a driver's uploads came to: their alerts' spans and counts, whether the arrival stands confirmed, their fixes. */
    private String verdict(String driver) {
        List<String> parts = new ArrayList<>();
        List<ReviewItem> queue = queue();
        for (ReviewItem item : queue) {
            PositionAlert a = item.alert();
            if (a != null && a.driverId().equals(driver)) {
                parts.add(a.kind() + " " + base.until(a.firstAt(), java.time.temporal.ChronoUnit.SECONDS) + ".."
                        + base.until(a.lastAt(), java.time.temporal.ChronoUnit.SECONDS) + " x" + a.count());
            }
        }
        Collections.sort(parts);
        boolean arrivalOpen = queue.stream().anyMatch(i -> i.event() != null && i.event().driverId().equals(driver)
                && i.event().type() == ARRIVED_AT_STOP);
        parts.add("arrival confirmed=" + !arrivalOpen);
        parts.add("fixes=" + fixesOf(Principal.driver(driver), driver).size());
        return String.join("; ", parts);
    }
}
