package io.fleetgate.contract;
import io.fleetgate.testkit.TestFleetgates;

import io.fleetgate.FleetgateSettings;
import io.fleetgate.Principal;
import io.fleetgate.access.AccessService;
import io.fleetgate.access.Membership;
import io.fleetgate.access.Role;
import io.fleetgate.access.Workspace;
import io.fleetgate.error.ErrorCode;
import io.fleetgate.error.FleetgateException;
import io.fleetgate.execution.Batch;
import io.fleetgate.execution.CreateBatchRequest;
import io.fleetgate.execution.DriverEvent;
import io.fleetgate.execution.DriverEventRequest;
import io.fleetgate.execution.DriverEventType;
import io.fleetgate.execution.DriverExecutionService;
import io.fleetgate.execution.DriverStatus;
import io.fleetgate.execution.EventOutcome;
import io.fleetgate.execution.QuarantinedEvent;
import io.fleetgate.execution.ReviewItem;
import io.fleetgate.execution.ReviewRecord;
import io.fleetgate.execution.Stop;
import io.fleetgate.internal.LogValues;
import io.fleetgate.session.CredentialService;
import io.fleetgate.session.EnrolRequest;
import io.fleetgate.session.LoginRequest;
import io.fleetgate.session.LoginResult;
import io.fleetgate.internal.PinHasher;
import io.fleetgate.session.SessionService;
import io.fleetgate.spi.FleetgateStore;
import io.fleetgate.supervisor.BoardPage;
import io.fleetgate.supervisor.DriverBoardRow;
import io.fleetgate.supervisor.ReviewPage;
import io.fleetgate.supervisor.SupervisorService;
import io.fleetgate.testkit.CapturedLogs;
import io.fleetgate.testkit.LogSafety;
import io.fleetgate.testkit.StoreContract;
import io.fleetgate.testkit.TestClock;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static io.fleetgate.execution.DriverEventType.ARRIVED_AT_STOP;
import static io.fleetgate.execution.DriverEventType.DELAY_REPORTED;
import static io.fleetgate.execution.DriverEventType.PROOF_CAPTURED;
import static io.fleetgate.execution.DriverEventType.ROUTE_STARTED;
import static io.fleetgate.execution.DriverEventType.SUPERVISOR_OVERRIDE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The behaviour of {@link SupervisorService} on a store (seed 004, "For Supervisors"): the status
 * board, the review queue with its append-only review records, overrides and timelines. Run
 * against every store by a thin subclass (in-memory here, SQLite and PostgreSQL in store-jdbc).
 *
 * <p>Workspace ws_1 has drivers ana, ben and dee, supervisor sam and member mia; ws_2 has driver
 * cy and supervisor oz. Batch b_1 (ana) and b_9 (cy) exist from the start.
 */
public abstract class SupervisorServiceContract extends StoreContract {
    /** Stops 0 and 1 lie 0.01° of latitude (about 1.1 km) apart, radius 100 m. */
    protected static final List<Stop> STOPS = List.of(Stop.of(30.27, -97.74, 100), Stop.of(30.28, -97.74, 100));

    protected final Principal.Driver ana = Principal.driver("d_ana");
    protected final Principal.Driver ben = Principal.driver("d_ben");
    protected final Principal.Driver cy = Principal.driver("d_cy");
    protected final Principal.Supervisor sam = Principal.supervisor("s_sam", "ws_1");
    protected final Principal.Supervisor oz = Principal.supervisor("s_oz", "ws_2");
    protected final Principal.Member mia = Principal.member("u_mia", "ws_1");

    protected TestClock clock;
    protected Instant t0;
    protected SupervisorService supervisor;
    protected DriverExecutionService execution;
    protected SessionService sessions;
    protected CredentialService credentials;
    private int sequence;

    @BeforeEach
    void seedWorkspaces() {
        clock = TestClock.standard();
        t0 = clock.instant();
        supervisor = supervisorOn(store());
        execution = TestFleetgates.on(store(), clock, FleetgateSettings.defaults()).execution();
        FleetgateSettings settings = FleetgateSettings.defaults().withSessions(s -> s.withSigningSecret("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII)));
        sessions = TestFleetgates.on(store(), clock, settings, PinHasher.forTestsOnlyWeak()).sessions();
        credentials = TestFleetgates.on(store(), clock, FleetgateSettings.defaults(), PinHasher.forTestsOnlyWeak()).credentials();
        AccessService access = TestFleetgates.on(store(), java.time.Clock.systemUTC()).access();
        Principal system = Principal.system();
        access.upsertWorkspace(system, new Workspace("ws_1", "North"));
        access.upsertWorkspace(system, new Workspace("ws_2", "South"));
        for (String driver : List.of("d_ana", "d_ben", "d_dee")) {
            access.addMember(system, new Membership(driver, "ws_1", Role.DRIVER));
        }
        access.addMember(system, new Membership("s_sam", "ws_1", Role.SUPERVISOR));
        access.addMember(system, new Membership("u_mia", "ws_1", Role.MEMBER));
        access.addMember(system, new Membership("d_cy", "ws_2", Role.DRIVER));
        access.addMember(system, new Membership("s_oz", "ws_2", Role.SUPERVISOR));
        execution.createBatch(sam, new CreateBatchRequest("b_1", "ws_1", "d_ana", STOPS, null));
        execution.createBatch(oz, new CreateBatchRequest("b_9", "ws_2", "d_cy", STOPS, null));
    }

    protected SupervisorService supervisorOn(FleetgateStore s) {
        return TestFleetgates.on(s, clock, FleetgateSettings.defaults()).supervisor();
    }

    /** Moves the clock to {@code minutes} after the start. */
    protected void atMinute(int minutes) {
        clock.set(t0.plus(Duration.ofMinutes(minutes)));
    }

    /** A new event recorded a minute before now, each a second after the previous one. */
    protected DriverEventRequest event(String eventId, String batchId, DriverEventType type) {
        sequence++;
        return DriverEventRequest.of(eventId, batchId, type, clock.instant().minusSeconds(60).plusSeconds(sequence));
    }

    protected EventOutcome accepted(Principal who, DriverEventRequest e) {
        EventOutcome o = execution.record(who, e);
        assertThat(o.result()).as("%s → %s", e.type(), o).isEqualTo(EventOutcome.Result.ACCEPTED);
        return o;
    }

    /** An arrival 0.03° (about 3.3 km) north of stop 0: accepted, flagged for review. */
    protected void flaggedArrival(Principal who, String eventId, String batchId) {
        EventOutcome o = accepted(who, event(eventId, batchId, ARRIVED_AT_STOP).stop(0).at(30.30, -97.74, 5.0));
        assertThat(o.flaggedForReview()).isTrue();
    }

    /** A second ROUTE_STARTED: refused as an invalid transition, kept in the quarantine. */
    protected QuarantinedEvent refusedRestart(Principal who, String eventId, String batchId) {
        EventOutcome o = execution.record(who, event(eventId, batchId, ROUTE_STARTED));
        assertThat(o.result()).isEqualTo(EventOutcome.Result.REJECTED);
        return execution.quarantined(Principal.system(), batchId).stream()
                .filter(q -> eventId.equals(q.eventId())).findFirst().orElseThrow();
    }

    /**
     * ws_1's queue holds e-far (flagged, minute 1), ana's refused restart (minute 2) and e-proof
     * (flagged, no location, minute 3); ws_2's holds cy's flagged arrival (minute 1, second 30).
     *
     * @return the quarantined record
     */
    protected QuarantinedEvent seedQueue() {
        accepted(ana, event("e-start", "b_1", ROUTE_STARTED));
        accepted(cy, event("e-cy-start", "b_9", ROUTE_STARTED));
        atMinute(1);
        flaggedArrival(ana, "e-far", "b_1");
        clock.advance(Duration.ofSeconds(30));
        flaggedArrival(cy, "e-cy-far", "b_9");
        atMinute(2);
        QuarantinedEvent q = refusedRestart(ana, "e-restart", "b_1");
        atMinute(3);
        assertThat(accepted(ana, event("e-proof", "b_1", PROOF_CAPTURED)).flaggedForReview()).isTrue();
        return q;
    }

    private static List<String> ids(ReviewPage page) {
        return page.items().stream().map(ReviewItem::id).toList();
    }

    // --- status board -----------------------------------------------------------------------

    @Test
    void statusBoardWhenDriversHaveBatchesThenOnRouteBatchElseMostRecentlyChangedWithLastActivity() {
        // ana: b_1 goes on route (minute 4); b_2 changes later (login activates it, minute 5).
        atMinute(1);
        execution.createBatch(sam, new CreateBatchRequest("b_2", "ws_1", "d_ana", STOPS, null));
        // ben: b_3 changes (an override, minute 8) after b_4 was created (minute 7).
        atMinute(2);
        execution.createBatch(sam, new CreateBatchRequest("b_3", "ws_1", "d_ben", STOPS, null));
        atMinute(4);
        accepted(ana, event("e-start", "b_1", ROUTE_STARTED));
        atMinute(5);
        credentials.enrol(Principal.system(), new EnrolRequest("d_ana", "ana", "482193"));
        sessions.login(Principal.system(), new LoginRequest("ana", "482193", "phone-1"));
        atMinute(6);
        credentials.enrol(Principal.system(), new EnrolRequest("d_ben", "ben", "615243"));
        LoginResult benLogin = sessions.login(Principal.system(), new LoginRequest("ben", "615243", "phone-2"));
        sessions.logout(benLogin.token());
        atMinute(7);
        execution.createBatch(sam, new CreateBatchRequest("b_4", "ws_1", "d_ben", STOPS, null));
        atMinute(8);
        supervisor.override(sam, "b_3", DriverStatus.SUSPENDED, "vehicle check");
        assertThat(execution.batch(sam, "b_2").status()).isEqualTo(DriverStatus.ACTIVE);
        assertThat(execution.batch(sam, "b_2").updatedAt()).isAfter(execution.batch(sam, "b_1").updatedAt());

        List<DriverBoardRow> board = supervisor.statusBoard(sam);

        assertThat(board).containsExactly(
                new DriverBoardRow("d_ana", "b_1", DriverStatus.EN_ROUTE, t0.plus(Duration.ofMinutes(5)), "stop-0",
                        0, 0, 0, Duration.ZERO),
                new DriverBoardRow("d_ben", "b_3", DriverStatus.SUSPENDED, null, "stop-0", 0, 0, 0, Duration.ZERO),
                new DriverBoardRow("d_dee", null, null, null));
        assertThat(supervisor.statusBoard(mia)).isEqualTo(board);
        assertThat(supervisor.statusBoard(oz)).containsExactly(
                new DriverBoardRow("d_cy", "b_9", DriverStatus.INACTIVE, null, "stop-0", 0, 0, 0, Duration.ZERO));
    }

    @Test
    void statusBoardWhenPagedThenPagesByDriverIdConcatenateToTheWholeBoardEachWithItsOwnDriversRows() {
        // ana on route with a session; ben with two batches (the later one changed last); dee none
        atMinute(1);
        execution.createBatch(sam, new CreateBatchRequest("b_2", "ws_1", "d_ben", STOPS, null));
        atMinute(2);
        execution.createBatch(sam, new CreateBatchRequest("b_3", "ws_1", "d_ben", STOPS, null));
        accepted(ana, event("e-start", "b_1", ROUTE_STARTED));
        credentials.enrol(Principal.system(), new EnrolRequest("d_ana", "ana", "482193"));
        sessions.login(Principal.system(), new LoginRequest("ana", "482193", "phone-1"));
        AccessService access = TestFleetgates.on(store(), java.time.Clock.systemUTC()).access();
        access.addMember(Principal.system(), new Membership("d_eve", "ws_1", Role.DRIVER));
        List<DriverBoardRow> whole = supervisor.statusBoard(sam);
        assertThat(whole).extracting(DriverBoardRow::driverId).containsExactly("d_ana", "d_ben", "d_dee", "d_eve");
        assertThat(whole.get(0).batchId()).isEqualTo("b_1");
        assertThat(whole.get(0).lastActiveAt()).isEqualTo(t0.plus(Duration.ofMinutes(2)));
        assertThat(whole.get(1).batchId()).isEqualTo("b_3");

        BoardPage first = supervisor.statusBoard(sam, 3, null);
        assertThat(first.drivers()).isEqualTo(whole.subList(0, 3));
        assertThat(first.next()).isEqualTo("d_dee");
        BoardPage last = supervisor.statusBoard(sam, 3, first.next());
        assertThat(last.drivers()).isEqualTo(whole.subList(3, 4));
        assertThat(last.next()).isNull();
        BoardPage exact = supervisor.statusBoard(mia, 4, null);
        assertThat(exact.drivers()).isEqualTo(whole);
        assertThat(exact.next()).as("a full page with nothing after it is the last").isNull();
        assertThat(supervisor.statusBoard(sam, 2, "d_ben").drivers()).extracting(DriverBoardRow::driverId)
                .containsExactly("d_dee", "d_eve");
        assertThat(supervisor.statusBoard(sam, 10, "d_eve")).isEqualTo(new BoardPage(List.of(), null));
        assertThat(supervisor.statusBoard(oz, 1, null).drivers()).extracting(DriverBoardRow::driverId)
                .containsExactly("d_cy");

        assertCode(() -> supervisor.statusBoard(sam, 0, null), ErrorCode.INVALID_REQUEST);
        assertCode(() -> supervisor.statusBoard(sam, SupervisorService.MAX_BOARD_PAGE + 1, null),
                ErrorCode.INVALID_REQUEST);
        assertCode(() -> supervisor.statusBoard(sam, 10, "bad\tid"), ErrorCode.INVALID_REQUEST);
        assertCode(() -> supervisor.statusBoard(ana, 10, null), ErrorCode.FORBIDDEN);
    }

    @Test
    void statusBoardWhenDriverOrSystemThenForbidden() {
        assertCode(() -> supervisor.statusBoard(ana), ErrorCode.FORBIDDEN);
        assertCode(() -> supervisor.statusBoard(Principal.system()), ErrorCode.FORBIDDEN);
    }

    @Test
    void statusBoardWhenMemberRemovedOrMadeSupervisorThenNoLongerListed() {
        AccessService access = TestFleetgates.on(store(), java.time.Clock.systemUTC()).access();
        access.removeMember(sam, "d_dee", "ws_1");
        access.addMember(sam, new Membership("d_ben", "ws_1", Role.SUPERVISOR));

        assertThat(supervisor.statusBoard(sam)).extracting(DriverBoardRow::driverId).containsExactly("d_ana");
    }

    // --- review queue -----------------------------------------------------------------------

    @Test
    void reviewQueueWhenFlaggedAndQuarantinedEventsThenOldestFirstWithFullItems() {
        QuarantinedEvent q = seedQueue();

        ReviewPage page = supervisor.reviewQueue(sam, 10, null);

        assertThat(ids(page)).containsExactly("e-far", q.id(), "e-proof");
        assertThat(page.next()).isNull();
        List<DriverEvent> log = execution.log(sam, "b_1");
        ReviewItem far = page.items().get(0);
        assertThat(far.isQuarantined()).isFalse();
        assertThat(far.workspaceId()).isEqualTo("ws_1");
        assertThat(far.event()).isEqualTo(log.stream().filter(e -> e.eventId().equals("e-far")).findFirst().orElseThrow());
        assertThat(far.at()).isEqualTo(t0.plus(Duration.ofMinutes(1))).isEqualTo(far.event().syncedAt());
        assertThat(far.event().flagReasons()).first().asString().startsWith("OUTSIDE_GEOFENCE");
        ReviewItem refused = page.items().get(1);
        assertThat(refused).isEqualTo(new ReviewItem(q.id(), "ws_1", t0.plus(Duration.ofMinutes(2)), null, q));
        assertThat(refused.quarantined().errorCode()).isEqualTo(ErrorCode.INVALID_TRANSITION);
        assertThat(page.items().get(2).event().flagReasons()).singleElement().asString().startsWith("NO_LOCATION");
        assertThat(supervisor.reviewQueue(mia, 10, null)).isEqualTo(page);
    }

    @Test
    void reviewQueueWhenPagedByOneThenThreePagesAndOtherWorkspaceNeverShown() {
        QuarantinedEvent q = seedQueue();

        ReviewPage first = supervisor.reviewQueue(sam, 1, null);
        ReviewPage second = supervisor.reviewQueue(mia, 1, first.next());
        ReviewPage third = supervisor.reviewQueue(sam, 1, second.next());

        assertThat(ids(first)).containsExactly("e-far");
        assertThat(ids(second)).containsExactly(q.id());
        assertThat(ids(third)).containsExactly("e-proof");
        assertThat(first.next()).isNotNull();
        assertThat(second.next()).isNotNull();
        assertThat(third.next()).isNull();
        ReviewPage south = supervisor.reviewQueue(oz, 10, null);
        assertThat(ids(south)).containsExactly("e-cy-far");
        assertThat(south.items()).allSatisfy(i -> assertThat(i.workspaceId()).isEqualTo("ws_2"));
        // A cursor from ws_1's queue pages ws_2's queue only.
        assertThat(ids(supervisor.reviewQueue(oz, 10, first.next()))).containsExactly("e-cy-far");
    }

    @Test
    void reviewQueueWhenItemsArriveTogetherThenTiesOrderedByIdAndEachPagedOnce() {
        accepted(ana, event("e-start", "b_1", ROUTE_STARTED));
        atMinute(1);
        List<EventOutcome> outcomes = execution.sync(ana, List.of(
                event("e-t2", "b_1", PROOF_CAPTURED),
                event("e-r1", "b_1", ROUTE_STARTED),
                event("e-t1", "b_1", PROOF_CAPTURED),
                event("e-r2", "b_1", ROUTE_STARTED),
                event("e-t3", "b_1", PROOF_CAPTURED)));
        assertThat(outcomes).extracting(EventOutcome::result).containsExactly(EventOutcome.Result.ACCEPTED,
                EventOutcome.Result.REJECTED, EventOutcome.Result.ACCEPTED, EventOutcome.Result.REJECTED,
                EventOutcome.Result.ACCEPTED);
        List<ReviewItem> all = supervisor.reviewQueue(sam, 100, null).items();

        List<ReviewItem> paged = new ArrayList<>();
        ReviewPage page = supervisor.reviewQueue(sam, 1, null);
        paged.addAll(page.items());
        while (page.next() != null) {
            page = supervisor.reviewQueue(sam, 1, page.next());
            paged.addAll(page.items());
        }

        assertThat(all).hasSize(5).allSatisfy(i -> assertThat(i.at()).isEqualTo(clock.instant()));
        assertThat(all).isSortedAccordingTo(Comparator.comparing(ReviewItem::id));
        assertThat(all).filteredOn(ReviewItem::isQuarantined).hasSize(2);
        assertThat(paged).containsExactlyElementsOf(all);
    }

    @Test
    void reviewQueueWhenDriverThenForbiddenAndBadLimitOrCursorThenInvalidRequest() {
        seedQueue();
        String notIssued = Base64.getUrlEncoder().encodeToString("soon:e-far".getBytes(StandardCharsets.UTF_8));

        assertCode(() -> supervisor.reviewQueue(ana, 10, null), ErrorCode.FORBIDDEN);
        assertCode(() -> supervisor.reviewQueue(Principal.system(), 10, null), ErrorCode.FORBIDDEN);
        assertCode(() -> supervisor.reviewQueue(sam, 0, null), ErrorCode.INVALID_REQUEST);
        assertCode(() -> supervisor.reviewQueue(sam, -1, null), ErrorCode.INVALID_REQUEST);
        assertCode(() -> supervisor.reviewQueue(sam, 1001, null), ErrorCode.INVALID_REQUEST);
        assertCode(() -> supervisor.reviewQueue(sam, 10, "not a cursor!"), ErrorCode.INVALID_REQUEST);
        assertCode(() -> supervisor.reviewQueue(sam, 10, notIssued), ErrorCode.INVALID_REQUEST);
        assertCode(() -> supervisor.reviewQueue(sam, 10, ""), ErrorCode.INVALID_REQUEST);
        assertThat(supervisor.reviewQueue(sam, 1000, null).items()).hasSize(3);
    }

    // --- logs -------------------------------------------------------------------------------

    @Test
    void logWhenClientValuesHoldLineBreaksControlsAndNonCharactersThenEveryLoggedValueIsEscaped() {
        seedQueue();
        AccessService access = TestFleetgates.on(store(), java.time.Clock.systemUTC()).access();
        String supervisorId = "s_" + LogSafety.HOSTILE_ID;
        int mark = CapturedLogs.count();

        access.upsertWorkspace(Principal.system(), new Workspace("ws_" + LogSafety.HOSTILE_ID, "Hostile"));
        access.addMember(Principal.system(), new Membership(supervisorId, "ws_1", Role.SUPERVISOR));
        supervisor.review(Principal.supervisor(supervisorId, "ws_1"), "e-far", "looked\r\nat it");
        assertThat(access.removeMember(Principal.system(), "d_" + LogSafety.HOSTILE_ID, "ws_1")).isFalse();

        List<CapturedLogs.Event> logged = CapturedLogs.since(mark);
        assertThat(logged).extracting(CapturedLogs.Event::name)
                .contains("workspace_upserted", "member_added", "review_recorded", "member_removed");
        LogSafety.assertPlain(logged);
        assertThat(logged).filteredOn(e -> e.name().equals("review_recorded")).singleElement()
                .satisfies(e -> assertThat(e.fields()).containsEntry("reviewer_id", LogValues.text(supervisorId)));
    }

    // --- reviews ----------------------------------------------------------------------------

    @Test
    void reviewWhenSupervisorThenItemLeavesQueueAndEventAndQuarantineUnchanged() {
        QuarantinedEvent q = seedQueue();
        List<DriverEvent> logBefore = execution.log(sam, "b_1");
        List<QuarantinedEvent> quarantineBefore = execution.quarantined(sam, "b_1");
        atMinute(10);
        String note = "GPS drift near the depot, confirmed by phone " + UUID.randomUUID();
        int logged = CapturedLogs.named("review_recorded", e -> true).size();

        ReviewRecord record = supervisor.review(sam, "e-far", note);

        assertThat(record.itemId()).isEqualTo("e-far");
        assertThat(record.workspaceId()).isEqualTo("ws_1");
        assertThat(record.quarantined()).isFalse();
        assertThat(record.reviewerId()).isEqualTo("s_sam");
        assertThat(record.note()).isEqualTo(note);
        assertThat(record.reviewedAt()).isEqualTo(clock.instant());
        assertThat(UUID.fromString(record.id())).isNotNull();
        assertThat(ids(supervisor.reviewQueue(sam, 10, null))).containsExactly(q.id(), "e-proof");
        assertThat(fixture().snapshot()).contains(note);
        // Captured logs are shared by every test of the run: look at this one's only.
        assertThat(CapturedLogs.named("review_recorded", e -> true)).hasSize(logged + 1).last()
                .satisfies(e -> assertThat(e.fields()).containsEntry("item_id", "e-far")
                        .containsEntry("reviewer_id", "s_sam").containsEntry("workspace_id", "ws_1")
                        .containsEntry("quarantined", false));

        ReviewRecord refusedRecord = supervisor.review(sam, q.id(), "driver restarted the app; harmless");

        assertThat(refusedRecord.quarantined()).isTrue();
        assertThat(ids(supervisor.reviewQueue(sam, 10, null))).containsExactly("e-proof");
        assertThat(execution.log(sam, "b_1")).isEqualTo(logBefore);
        assertThat(execution.quarantined(sam, "b_1")).isEqualTo(quarantineBefore);
        assertThat(logBefore.stream().filter(e -> e.eventId().equals("e-far")).findFirst().orElseThrow()
                .flaggedForReview()).isTrue();
    }

    @Test
    void reviewWhenAlreadyReviewedThenInvalidRequestAndFirstRecordKept() {
        QuarantinedEvent q = seedQueue();
        supervisor.review(sam, "e-far", "first look");
        supervisor.review(sam, q.id(), "first look at the refusal");
        String before = fixture().snapshot();

        assertCode(() -> supervisor.review(sam, "e-far", "second look"), ErrorCode.INVALID_REQUEST);
        assertCode(() -> supervisor.review(sam, q.id(), "second look"), ErrorCode.INVALID_REQUEST);

        assertThat(fixture().snapshot()).isEqualTo(before).doesNotContain("second look");
    }

    @Test
    void reviewWhenTwoDriversSentFlaggedEventsOfOneIdThenEachIsItsOwnItemAndOneReviewClosesOnlyItsOwn() {
        // event ids are the phones' own: ana's and ben's phones both number their events alike
        execution.createBatch(sam, new CreateBatchRequest("b_ben", "ws_1", "d_ben", STOPS, null));
        accepted(ana, event("e-start", "b_1", ROUTE_STARTED));
        accepted(ben, event("e-start", "b_ben", ROUTE_STARTED));
        atMinute(1);
        flaggedArrival(ana, "e-7", "b_1");
        atMinute(2);
        flaggedArrival(ben, "e-7", "b_ben");

        List<ReviewItem> open = supervisor.reviewQueue(sam, 10, null).items();
        assertThat(open).extracting(ReviewItem::id, ReviewItem::senderId)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("e-7", "d_ana"),
                        org.assertj.core.groups.Tuple.tuple("e-7", "d_ben"));

        // which one? the supervisor must say, and nothing is written until they do
        String before = fixture().snapshot();
        assertThatThrownBy(() -> supervisor.review(sam, "e-7", "which?"))
                .isInstanceOfSatisfying(io.fleetgate.error.InvalidRequestException.class,
                        e -> assertThat(e.getMessage()).contains("sender_id"));
        assertCode(() -> supervisor.review(sam, "e-7", "d_cy", "nobody's"), ErrorCode.NOT_FOUND);
        assertThat(fixture().snapshot()).isEqualTo(before);

        ReviewRecord anas = supervisor.review(sam, "e-7", "d_ana", "her detour, agreed by phone");

        assertThat(anas.itemKind()).isEqualTo(ReviewItem.Kind.EVENT);
        assertThat(anas.itemSenderId()).isEqualTo("d_ana");
        assertThat(supervisor.reviewQueue(sam, 10, null).items()).as("ben's e-7 is still open")
                .extracting(ReviewItem::id, ReviewItem::senderId)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("e-7", "d_ben"));
        assertCode(() -> supervisor.review(sam, "e-7", "d_ana", "again"), ErrorCode.INVALID_REQUEST);
        // only one item of that id is left open, but the closed one is still an item: name the sender
        assertThatThrownBy(() -> supervisor.review(sam, "e-7", "his"))
                .isInstanceOf(io.fleetgate.error.InvalidRequestException.class);
        ReviewRecord bens = supervisor.review(sam, "e-7", "d_ben", "his, a different story");
        assertThat(bens.itemSenderId()).isEqualTo("d_ben");
        assertThat(supervisor.reviewQueue(sam, 10, null).items()).isEmpty();
    }

    @Test
    void reviewWhenAnEventIdEqualsAReviewedRefusalsIdThenTheEventStaysOpen() {
        QuarantinedEvent q = seedQueue();
        supervisor.review(sam, q.id(), "harmless restart");
        atMinute(5);
        // ana names her next flagged event (a proof without a location) with the refusal record's id
        assertThat(accepted(ana, event(q.id(), "b_1", PROOF_CAPTURED)).flaggedForReview()).isTrue();

        assertThat(supervisor.reviewQueue(sam, 10, null).items()).extracting(ReviewItem::id, ReviewItem::kind)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("e-far", ReviewItem.Kind.EVENT),
                        org.assertj.core.groups.Tuple.tuple("e-proof", ReviewItem.Kind.EVENT),
                        org.assertj.core.groups.Tuple.tuple(q.id(), ReviewItem.Kind.EVENT));
        ReviewRecord r = supervisor.review(sam, q.id(), "d_ana", "seen");
        assertThat(r.itemKind()).isEqualTo(ReviewItem.Kind.EVENT);
    }

    @Test
    void reviewWhenNotAllowedOrNotAnOpenItemThenRefusedAndNothingWritten() {
        QuarantinedEvent q = seedQueue();
        String before = fixture().snapshot();

        assertCode(() -> supervisor.review(mia, "e-far", "ok"), ErrorCode.FORBIDDEN);
        assertCode(() -> supervisor.review(ana, "e-far", "ok"), ErrorCode.FORBIDDEN);
        assertCode(() -> supervisor.review(Principal.system(), "e-far", "ok"), ErrorCode.FORBIDDEN);
        assertCode(() -> supervisor.review(oz, "e-far", "ok"), ErrorCode.NOT_FOUND);
        assertCode(() -> supervisor.review(oz, q.id(), "ok"), ErrorCode.NOT_FOUND);
        assertCode(() -> supervisor.review(sam, "e-cy-far", "ok"), ErrorCode.NOT_FOUND);
        assertCode(() -> supervisor.review(sam, "e-start", "ok"), ErrorCode.NOT_FOUND); // not flagged
        assertCode(() -> supervisor.review(sam, "e-nope", "ok"), ErrorCode.NOT_FOUND);
        assertCode(() -> supervisor.review(sam, "e-far", " "), ErrorCode.INVALID_REQUEST);
        assertCode(() -> supervisor.review(sam, "e-far", null), ErrorCode.INVALID_REQUEST);
        assertCode(() -> supervisor.review(sam, "e-far", "n".repeat(SupervisorService.MAX_NOTE_CHARS + 1)),
                ErrorCode.INVALID_REQUEST);
        assertCode(() -> supervisor.review(sam, "e-far", "a\u0000b"), ErrorCode.INVALID_REQUEST);
        assertCode(() -> supervisor.review(sam, " ", "ok"), ErrorCode.INVALID_REQUEST);

        assertThat(fixture().snapshot()).isEqualTo(before);
        assertThat(supervisor.reviewQueue(sam, 10, null).items()).hasSize(3);
    }

    @Test
    void reviewWhenEightSupervisorsOnTwoInstancesReviewOneItemAtOnceThenExactlyOneRecord() throws Exception {
        seedQueue();
        SupervisorService two = supervisorOn(fixture().secondInstance());
        int threads = 8;
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<ErrorCode>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                SupervisorService svc = t % 2 == 0 ? supervisor : two;
                String note = "verdict " + t;
                results.add(pool.submit(() -> {
                    go.await();
                    try {
                        svc.review(sam, "e-far", note);
                        return null;
                    } catch (FleetgateException e) {
                        return e.code();
                    }
                }));
            }
            go.countDown();
            int wins = 0;
            for (Future<ErrorCode> f : results) {
                ErrorCode code = f.get(60, TimeUnit.SECONDS);
                if (code == null) {
                    wins++;
                } else {
                    assertThat(code).isEqualTo(ErrorCode.INVALID_REQUEST);
                }
            }
            assertThat(wins).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
        String snapshot = fixture().snapshot();
        assertThat(IntStream.range(0, threads).filter(t -> snapshot.contains("verdict " + t))).hasSize(1);
    }

    // --- overrides --------------------------------------------------------------------------

    @Test
    void overrideWhenSupervisorWithReasonThenBatchMovedAndOverrideLoggedWithReasonAndActor() {
        accepted(ana, event("e-start", "b_1", ROUTE_STARTED));
        atMinute(1);

        Batch after = supervisor.override(sam, "b_1", DriverStatus.SUSPENDED, "vehicle check");

        assertThat(after.status()).isEqualTo(DriverStatus.SUSPENDED);
        assertThat(after).isEqualTo(execution.batch(sam, "b_1"));
        assertThat(after.version()).isEqualTo(2);
        DriverEvent override = execution.log(sam, "b_1").get(1);
        assertThat(override.type()).isEqualTo(SUPERVISOR_OVERRIDE);
        assertThat(override.reason()).isEqualTo("vehicle check");
        assertThat(override.actorId()).isEqualTo("s_sam");
        assertThat(override.driverId()).isEqualTo("d_ana");
        assertThat(override.previousStatus()).isEqualTo(DriverStatus.EN_ROUTE);
        assertThat(override.status()).isEqualTo(DriverStatus.SUSPENDED);
        assertThat(override.batchVersion()).isEqualTo(after.version());
        assertThat(override.recordedAt()).isEqualTo(clock.instant());

        // Any status to any status.
        assertThat(supervisor.override(sam, "b_1", DriverStatus.COMPLETED, "closed by phone").status())
                .isEqualTo(DriverStatus.COMPLETED);
        assertThat(supervisor.override(sam, "b_1", DriverStatus.EN_ROUTE, "reopened").status())
                .isEqualTo(DriverStatus.EN_ROUTE);
    }

    @Test
    void overrideWhenReasonOrTargetMissingThenInvalidRequestAndBatchUnchanged() {
        accepted(ana, event("e-start", "b_1", ROUTE_STARTED));
        Batch before = execution.batch(sam, "b_1");

        assertCode(() -> supervisor.override(sam, "b_1", DriverStatus.SUSPENDED, null), ErrorCode.INVALID_REQUEST);
        assertCode(() -> supervisor.override(sam, "b_1", DriverStatus.SUSPENDED, "  "), ErrorCode.INVALID_REQUEST);
        assertCode(() -> supervisor.override(sam, "b_1", null, "why"), ErrorCode.INVALID_REQUEST);
        assertCode(() -> supervisor.override(sam, " ", DriverStatus.SUSPENDED, "why"), ErrorCode.INVALID_REQUEST);

        assertThat(execution.batch(sam, "b_1")).isEqualTo(before);
        assertThat(execution.log(sam, "b_1")).hasSize(1);
    }

    @Test
    void overrideWhenNotTheWorkspacesSupervisorThenRefusedAndBatchUnchanged() {
        Batch before = execution.batch(sam, "b_1");

        assertCode(() -> supervisor.override(mia, "b_1", DriverStatus.SUSPENDED, "why"), ErrorCode.FORBIDDEN);
        assertCode(() -> supervisor.override(ana, "b_1", DriverStatus.SUSPENDED, "why"), ErrorCode.FORBIDDEN);
        assertCode(() -> supervisor.override(oz, "b_1", DriverStatus.SUSPENDED, "why"), ErrorCode.NOT_FOUND);
        assertCode(() -> supervisor.override(sam, "b_9", DriverStatus.SUSPENDED, "why"), ErrorCode.NOT_FOUND);
        assertCode(() -> supervisor.override(sam, "b_404", DriverStatus.SUSPENDED, "why"), ErrorCode.NOT_FOUND);

        assertThat(execution.batch(sam, "b_1")).isEqualTo(before);
        assertThat(execution.log(sam, "b_1")).isEmpty();
    }

    @Test
    void overrideWhenRefusedForAnyReasonThenNothingWrittenAnywhere() {
        accepted(ana, event("e-start", "b_1", ROUTE_STARTED));
        execution.createBatch(sam, new io.fleetgate.execution.CreateBatchRequest("b_x", "ws_1", "d_ana", STOPS,
                java.util.Map.of()));
        String before = fixture().snapshot();

        // ana already has b_1 on route: putting b_x on route too is refused
        assertThatThrownBy(() -> supervisor.override(sam, "b_x", DriverStatus.EN_ROUTE, "go"))
                .isInstanceOfSatisfying(FleetgateException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_TRANSITION);
                    assertThat(e.details()).containsEntry("from", "INACTIVE")
                            .containsEntry("event_type", "SUPERVISOR_OVERRIDE");
                });
        assertCode(() -> supervisor.override(oz, "b_1", DriverStatus.SUSPENDED, "why"), ErrorCode.NOT_FOUND);
        assertCode(() -> supervisor.override(sam, "b_404", DriverStatus.SUSPENDED, "why"), ErrorCode.NOT_FOUND);
        assertCode(() -> supervisor.override(mia, "b_1", DriverStatus.SUSPENDED, "why"), ErrorCode.FORBIDDEN);
        assertCode(() -> supervisor.override(sam, "b_1", DriverStatus.SUSPENDED, "x".repeat(501)), ErrorCode.INVALID_REQUEST);

        assertThat(fixture().snapshot()).as("no quarantine row, no event, no batch change").isEqualTo(before);
        assertThat(execution.quarantined(sam, "b_1")).isEmpty();
    }

    // --- timeline ---------------------------------------------------------------------------

    @Test
    void timelineWhenOfflineEventSyncedAfterOverridesThenInBatchVersionOrderNotRecordedOrder() {
        accepted(ana, DriverEventRequest.of("e-start", "b_1", ROUTE_STARTED, t0.minusSeconds(60)));
        supervisor.override(sam, "b_1", DriverStatus.SUSPENDED, "check");
        supervisor.override(sam, "b_1", DriverStatus.EN_ROUTE, "resume");
        // Recorded on the phone before the overrides, synced after them.
        accepted(ana, DriverEventRequest.of("e-delay", "b_1", DELAY_REPORTED, t0.minusSeconds(30)));

        List<DriverEvent> timeline = supervisor.timeline(sam, "b_1");

        assertThat(timeline).extracting(DriverEvent::batchVersion).containsExactly(1L, 2L, 3L, 4L);
        assertThat(timeline).extracting(DriverEvent::type)
                .containsExactly(ROUTE_STARTED, SUPERVISOR_OVERRIDE, SUPERVISOR_OVERRIDE, DELAY_REPORTED);
        assertThat(timeline).isEqualTo(execution.log(sam, "b_1"));
        assertThat(timeline).isNotEqualTo(timeline.stream().sorted(Comparator.comparing(DriverEvent::recordedAt)).toList());
        assertThat(timeline.get(3).batchVersion()).isEqualTo(execution.batch(sam, "b_1").version());
        assertThat(supervisor.timeline(mia, "b_1")).isEqualTo(timeline);
    }

    @Test
    void timelineWhenDriverOrOtherWorkspaceOrUnknownThenRefused() {
        assertCode(() -> supervisor.timeline(ana, "b_1"), ErrorCode.FORBIDDEN);
        assertCode(() -> supervisor.timeline(ben, "b_1"), ErrorCode.FORBIDDEN);
        assertCode(() -> supervisor.timeline(oz, "b_1"), ErrorCode.NOT_FOUND);
        assertCode(() -> supervisor.timeline(sam, "b_404"), ErrorCode.NOT_FOUND);
        assertThat(supervisor.timeline(oz, "b_9")).isEmpty();
    }

    protected static void assertCode(ThrowingCallable call, ErrorCode code) {
        assertThatThrownBy(call).isInstanceOfSatisfying(FleetgateException.class,
                e -> assertThat(e.code()).as(e.getMessage()).isEqualTo(code));
    }
}
