package io.fleetgate.contract;

import io.fleetgate.FleetgateSettings;
import io.fleetgate.Principal;
import io.fleetgate.access.AccessService;
import io.fleetgate.access.Membership;
import io.fleetgate.access.Role;
import io.fleetgate.access.Workspace;
import io.fleetgate.error.ErrorCode;
import io.fleetgate.error.FleetgateException;
import io.fleetgate.error.InvalidRequestException;
import io.fleetgate.error.NotFoundException;
import io.fleetgate.execution.CreateBatchRequest;
import io.fleetgate.execution.DriverEvent;
import io.fleetgate.execution.DriverEventRequest;
import io.fleetgate.execution.DriverEventType;
import io.fleetgate.execution.DriverExecutionService;
import io.fleetgate.execution.DriverStatus;
import io.fleetgate.execution.EventOutcome;
import io.fleetgate.execution.QuarantinedEvent;
import io.fleetgate.execution.ReviewRecord;
import io.fleetgate.execution.Stop;
import io.fleetgate.internal.PinHasher;
import io.fleetgate.position.AlertKind;
import io.fleetgate.position.PositionAlert;
import io.fleetgate.session.CredentialService;
import io.fleetgate.session.EnrolRequest;
import io.fleetgate.session.LoginRequest;
import io.fleetgate.session.SessionService;
import io.fleetgate.supervisor.Change;
import io.fleetgate.supervisor.ChangeFeed;
import io.fleetgate.supervisor.ChangeKind;
import io.fleetgate.supervisor.ChangePage;
import io.fleetgate.supervisor.SupervisorService;
import io.fleetgate.testkit.StoreContract;
import io.fleetgate.testkit.TestClock;
import io.fleetgate.testkit.TestFleetgates;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import static io.fleetgate.execution.DriverEventType.ARRIVED_AT_STOP;
import static io.fleetgate.execution.DriverEventType.ROUTE_STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

/**
 * The change feed ({@link ChangeFeed}, issue #18 item 3) on a store: every kind of change appears
 * in commit order with its fields, who sees what, cursors and limits, paging, refusals that
 * record nothing, and the purge. Run against every store by a thin subclass (in-memory here,
 * SQLite and PostgreSQL in store-jdbc).
 *
 * <p>Workspace ws_1 has drivers ana and ben, supervisor sam and member mia; ws_2 has driver cy and
 * supervisor oz. Nothing else exists at the start (workspaces and memberships are not changes).
 */
public abstract class ChangeFeedContract extends StoreContract {
    protected static final List<Stop> STOPS = List.of(Stop.of(30.27, -97.74, 100), Stop.of(30.28, -97.74, 100));

    protected final Principal.Driver ana = Principal.driver("d_ana");
    protected final Principal.Driver ben = Principal.driver("d_ben");
    protected final Principal.Driver cy = Principal.driver("d_cy");
    protected final Principal.Supervisor sam = Principal.supervisor("s_sam", "ws_1");
    protected final Principal.Supervisor oz = Principal.supervisor("s_oz", "ws_2");
    protected final Principal.Member mia = Principal.member("u_mia", "ws_1");
    protected final Principal system = Principal.system();

    protected TestClock clock;
    protected Instant t0;
    protected ChangeFeed feed;
    protected DriverExecutionService execution;
    protected SupervisorService supervisor;
    private int sequence;

    @BeforeEach
    void seedWorkspaces() {
        clock = TestClock.standard();
        t0 = clock.instant();
        var fleetgate = TestFleetgates.on(store(), clock, FleetgateSettings.defaults());
        feed = fleetgate.changes();
        execution = fleetgate.execution();
        supervisor = fleetgate.supervisor();
        AccessService access = TestFleetgates.on(store(), java.time.Clock.systemUTC()).access();
        access.upsertWorkspace(system, new Workspace("ws_1", "North"));
        access.upsertWorkspace(system, new Workspace("ws_2", "South"));
        for (String driver : List.of("d_ana", "d_ben")) {
            access.addMember(system, new Membership(driver, "ws_1", Role.DRIVER));
        }
        access.addMember(system, new Membership("s_sam", "ws_1", Role.SUPERVISOR));
        access.addMember(system, new Membership("u_mia", "ws_1", Role.MEMBER));
        access.addMember(system, new Membership("d_cy", "ws_2", Role.DRIVER));
        access.addMember(system, new Membership("s_oz", "ws_2", Role.SUPERVISOR));
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

    /** Every change the principal can read in the workspace, page by page ({@code limit} a page). */
    protected List<Change> all(Principal who, String workspace, int limit) {
        List<Change> out = new ArrayList<>();
        String cursor = null;
        while (true) {
            ChangePage page = feed.changes(who, workspace, cursor, limit);
            out.addAll(page.changes());
            assertThat(page.changes().size()).isLessThanOrEqualTo(limit);
            if (page.changes().isEmpty()) {
                assertThat(cursor == null || page.cursor().equals(cursor)).as("an empty page keeps the cursor").isTrue();
                return out;
            }
            cursor = page.cursor();
        }
    }

    // --- wake-ups: the push behind a reader that waits -----------------------------------------

    /**
     * Waits until a wake-up lets {@code who} read something after {@code cursor} (a wake-up may
     * also say "anything", e.g. a store's listener starting: then the read finds nothing and it
     * waits again), at most ten seconds.
     */
    protected List<Change> awaitChanges(Semaphore woken, Principal who, String cursor) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (woken.tryAcquire(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
            List<Change> read = feed.changes(who, cursor, ChangeFeed.MAX_LIMIT).changes();
            if (!read.isEmpty()) {
                return read;
            }
        }
        throw new AssertionError("no wake-up brought a change within 10 s");
    }

    @Test
    void subscribeWhenAChangeIsCommittedThenTheSubscriberIsWokenAndReadsItAndAClosedOneNever() throws Exception {
        String cursor = feed.head(sam, null);
        Semaphore woken = new Semaphore(0);
        Semaphore closedWakes = new Semaphore(0);
        ChangeFeed.Subscription closed = feed.subscribe(sam, null, closedWakes::release);
        closed.close();
        closed.close();
        closedWakes.drainPermits();
        try (ChangeFeed.Subscription open = feed.subscribe(sam, null, woken::release)) {
            assertThat(open.workspaceId()).isEqualTo("ws_1");
            assertThat(feed.subscribers()).isEqualTo(1);
            execution.createBatch(sam, new CreateBatchRequest("b_1", "ws_1", "d_ana", STOPS, null));

            List<Change> read = awaitChanges(woken, sam, cursor);
            assertThat(read).extracting(Change::kind, Change::entityId).containsExactly(tuple(ChangeKind.BATCH, "b_1"));
            cursor = feed.changes(sam, cursor, ChangeFeed.MAX_LIMIT).cursor();

            accepted(ana, event("e-start", "b_1", ROUTE_STARTED));
            assertThat(awaitChanges(woken, sam, cursor)).extracting(Change::entityId).contains("e-start");
        }
        assertThat(closedWakes.availablePermits()).as("a closed subscription is never woken").isZero();
        assertThat(feed.subscribers()).isZero();
    }

    @Test
    void subscribeWhenADriverWaitsThenWokenInTheirWorkspaceAndReadOnlyTheirOwn() throws Exception {
        execution.createBatch(sam, new CreateBatchRequest("b_1", "ws_1", "d_ana", STOPS, null));
        execution.createBatch(sam, new CreateBatchRequest("b_2", "ws_1", "d_ben", STOPS, null));
        String cursor = feed.head(ana, "ws_1");
        Semaphore woken = new Semaphore(0);
        try (ChangeFeed.Subscription s = feed.subscribe(ana, "ws_1", woken::release)) {
            accepted(ben, event("e-ben", "b_2", ROUTE_STARTED));
            accepted(ana, event("e-ana", "b_1", ROUTE_STARTED));
            List<Change> read = awaitChanges(woken, ana, cursor);
            assertThat(read).extracting(Change::driverId).containsOnly("d_ana");
            assertThat(read).extracting(Change::entityId).contains("e-ana").doesNotContain("e-ben");
        }
    }

    @Test
    void subscribeWhenTheWorkspaceIsNotTheirsThenRefusedBeforeAnythingIsWatchedAndNothingWritten() {
        String before = String.valueOf(all(system, "ws_1", 1000)) + all(system, "ws_2", 1000);
        Runnable never = () -> {
            throw new AssertionError("woken");
        };
        assertThatThrownBy(() -> feed.subscribe(sam, "ws_2", never)).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> feed.subscribe(mia, "ws_2", never)).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> feed.subscribe(cy, "ws_1", never)).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> feed.subscribe(cy, null, never)).isInstanceOf(InvalidRequestException.class);
        assertThatThrownBy(() -> feed.subscribe(system, "ws\n1", never)).isInstanceOf(InvalidRequestException.class);
        assertThatThrownBy(() -> feed.subscribe(system, "ws_404", never)).isInstanceOf(NotFoundException.class);
        assertThat(feed.subscribers()).isZero();
        assertThat(String.valueOf(all(system, "ws_1", 1000)) + all(system, "ws_2", 1000)).isEqualTo(before);
    }

    /**
     * ana's batch b_1 is created (minute 0), started (minute 1), she arrives 3 km off stop 0
     * (flagged, minute 2), restarts (refused, quarantined, minute 3); sam reviews the flagged
     * arrival (minute 4); cy's b_9 is created in ws_2 (minute 4).
     */
    protected void seed() {
        execution.createBatch(sam, new CreateBatchRequest("b_1", "ws_1", "d_ana", STOPS, null));
        clock.advance(Duration.ofMinutes(1));
        accepted(ana, event("e-start", "b_1", ROUTE_STARTED));
        clock.advance(Duration.ofMinutes(1));
        assertThat(accepted(ana, event("e-far", "b_1", ARRIVED_AT_STOP).stop(0).at(30.30, -97.74, 5.0))
                .flaggedForReview()).isTrue();
        clock.advance(Duration.ofMinutes(1));
        assertThat(execution.record(ana, event("e-restart", "b_1", ROUTE_STARTED)).result())
                .isEqualTo(EventOutcome.Result.REJECTED);
        clock.advance(Duration.ofMinutes(1));
        supervisor.review(sam, "e-far", "checked with the driver");
        execution.createBatch(oz, new CreateBatchRequest("b_9", "ws_2", "d_cy", STOPS, null));
    }

    private static List<ChangeKind> kinds(List<Change> changes) {
        return changes.stream().map(Change::kind).toList();
    }

    // --- each kind, in commit order, with its fields ---------------------------------------------

    @Test
    void changesWhenEveryKindIsWrittenThenEachAppearsInCommitOrderWithItsFields() {
        seed();
        List<Change> changes = all(sam, null, 1000);

        List<DriverEvent> log = execution.log(sam, "b_1");
        QuarantinedEvent refused = execution.quarantined(system, "b_1").get(0);
        assertThat(changes).extracting(Change::kind, Change::entityId).containsExactly(
                tuple(ChangeKind.BATCH, "b_1"),
                tuple(ChangeKind.BATCH, "b_1"), tuple(ChangeKind.EVENT, "e-start"),
                tuple(ChangeKind.BATCH, "b_1"), tuple(ChangeKind.EVENT, "e-far"),
                tuple(ChangeKind.QUARANTINED, refused.id()),
                tuple(ChangeKind.REVIEW, changes.get(6).entityId()));
        assertThat(changes).extracting(Change::seq).isSorted().doesNotHaveDuplicates();
        assertThat(changes).allSatisfy(c -> assertThat(c.workspaceId()).isEqualTo("ws_1"));

        Change created = changes.get(0);
        assertThat(created.driverId()).isEqualTo("d_ana");
        assertThat(created.batchId()).isEqualTo("b_1");
        assertThat(created.at()).isEqualTo(t0);
        assertThat(created.summary()).containsEntry("status", "INACTIVE").containsEntry("version", "0")
                .containsEntry("op", "created");

        Change started = changes.get(2);
        assertThat(started.driverId()).isEqualTo("d_ana");
        assertThat(started.batchId()).isEqualTo("b_1");
        assertThat(started.at()).as("the event's recorded_at").isEqualTo(log.get(0).recordedAt());
        assertThat(started.summary()).isEqualTo(Map.of("event_type", "ROUTE_STARTED", "status", "EN_ROUTE",
                "flagged", "false"));
        assertThat(changes.get(1).summary()).containsEntry("status", "EN_ROUTE").containsEntry("op", "updated");
        assertThat(changes.get(1).at()).as("the batch's updated_at").isEqualTo(t0.plus(Duration.ofMinutes(1)));

        Change far = changes.get(4);
        assertThat(far.summary()).containsEntry("event_type", "ARRIVED_AT_STOP").containsEntry("flagged", "true")
                .containsEntry("status", "AT_STOP");

        Change q = changes.get(5);
        assertThat(q.driverId()).isEqualTo("d_ana");
        assertThat(q.batchId()).isEqualTo("b_1");
        assertThat(q.at()).isEqualTo(refused.receivedAt());
        assertThat(q.summary()).isEqualTo(Map.of("error_code", refused.errorCode().name()));

        Change review = changes.get(6);
        assertThat(review.driverId()).isNull();
        assertThat(review.at()).isEqualTo(t0.plus(Duration.ofMinutes(4)));
        assertThat(review.summary()).isEqualTo(Map.of("item_id", "e-far", "item_kind", "EVENT", "sender_id", ana.userId(),
                "quarantined", "false"));

        List<Change> south = all(oz, null, 1000);
        assertThat(south).extracting(Change::kind, Change::entityId).containsExactly(tuple(ChangeKind.BATCH, "b_9"));
        assertThat(south.get(0).seq()).isGreaterThan(review.seq());
    }

    @Test
    void changesWhenAnAlertIsRaisedAndMergedThenBothAppear() {
        execution.createBatch(sam, new CreateBatchRequest("b_1", "ws_1", "d_ana", STOPS, null));
        String head = feed.head(sam, null);
        Instant at = t0.plusSeconds(30);
        PositionAlert a1 = new PositionAlert("al-1", "ws_1", "d_ana", "b_1", AlertKind.OFF_CORRIDOR, at, at.plusSeconds(5),
                2, "off the route", at.plusSeconds(6), null);
        PositionAlert a2 = new PositionAlert("al-2", "ws_1", "d_ana", "b_1", AlertKind.OFF_CORRIDOR, at.plusSeconds(60),
                at.plusSeconds(70), 2, "off the route", at.plusSeconds(71), null);
        assertThat(store().positions().insertAlert(a1)).isTrue();
        assertThat(store().positions().insertAlert(a2)).isTrue();
        store().positions().updateAlert(new PositionAlert("al-1", "ws_1", "d_ana", "b_1", AlertKind.OFF_CORRIDOR, at,
                at.plusSeconds(7), 3, "off the route", at.plusSeconds(6), null));
        store().positions().updateAlert(new PositionAlert("al-2", "ws_1", "d_ana", "b_1", AlertKind.OFF_CORRIDOR,
                at.plusSeconds(60), at.plusSeconds(70), 2, "off the route", at.plusSeconds(71), "al-1"));

        List<Change> changes = feed.changes(sam, head, 100).changes();
        assertThat(changes).extracting(Change::kind, Change::entityId, Change::at).containsExactly(
                tuple(ChangeKind.ALERT, "al-1", at.plusSeconds(6)),
                tuple(ChangeKind.ALERT, "al-2", at.plusSeconds(71)),
                tuple(ChangeKind.ALERT, "al-2", at.plusSeconds(70)));
        assertThat(changes.get(0).summary()).isEqualTo(Map.of("alert_kind", "OFF_CORRIDOR", "state", "raised"));
        assertThat(changes.get(2).summary()).isEqualTo(Map.of("alert_kind", "OFF_CORRIDOR", "state", "merged",
                "merged_into", "al-1"));
        assertThat(changes).allSatisfy(c -> {
            assertThat(c.driverId()).isEqualTo("d_ana");
            assertThat(c.batchId()).isEqualTo("b_1");
        });
    }

    // --- who sees what -------------------------------------------------------------------------

    @Test
    void changesWhenReadByEachRoleThenEachSeesOnlyWhatTheyMay() {
        seed();
        execution.createBatch(sam, new CreateBatchRequest("b_2", "ws_1", "d_ben", STOPS, null));
        List<Change> north = all(sam, null, 1000);

        assertThat(all(mia, null, 1000)).as("a member reads the workspace's feed").isEqualTo(north);
        assertThat(all(system, "ws_1", 1000)).as("the system names the workspace").isEqualTo(north);
        assertThat(all(ana, "ws_1", 3)).as("a driver reads the changes about them only")
                .isEqualTo(north.stream().filter(c -> "d_ana".equals(c.driverId())).toList())
                .hasSize(6);
        assertThat(all(ben, "ws_1", 1000)).extracting(Change::entityId).containsExactly("b_2");
        assertThat(all(oz, null, 1000)).extracting(Change::entityId).containsExactly("b_9");
        assertThat(all(cy, "ws_2", 1000)).extracting(Change::entityId).containsExactly("b_9");

        String samCursor = feed.changes(sam, null, 2).cursor();
        notFound(() -> feed.changes(oz, samCursor, 10), "cursor");
        notFound(() -> feed.changes(oz, "ws_1", null, 10), "workspace");
        notFound(() -> feed.changes(oz, "ws_2", samCursor, 10), "cursor");
        notFound(() -> feed.head(oz, "ws_1"), "workspace");
        notFound(() -> feed.changes(cy, samCursor, 10), "workspace");
        notFound(() -> feed.changes(cy, "ws_1", null, 10), "workspace");
        notFound(() -> feed.head(cy, "ws_1"), "workspace");
        notFound(() -> feed.changes(system, "ws_404", null, 10), "workspace");
        String anaCursor = feed.changes(ana, "ws_1", null, 1).cursor();
        notFound(() -> feed.changes(oz, anaCursor, 10), "cursor");
        invalid(() -> feed.changes(ana, null, 10), "workspace_id");
        invalid(() -> feed.changes(system, null, 10), "workspace_id");
    }

    // --- cursors and limits ----------------------------------------------------------------------

    @Test
    void changesWhenCursorOrLimitIsBadThenRefusedNamingTheField() {
        seed();
        for (String bad : List.of("", "not a cursor", "zzzz", b64("f1:x:ws_1"), b64("f1::ws_1"), b64("f2:1:ws_1"),
                b64("f1:1:"), b64("f1:-1:ws_1"), b64("f1:1:" + "w".repeat(65)), b64("1:ws_1"), "x".repeat(300),
                b64("f1:99999999999999999999:ws_1"))) {
            invalid(() -> feed.changes(sam, bad, 10), "cursor");
        }
        for (int limit : List.of(0, -1, 1001, Integer.MAX_VALUE, Integer.MIN_VALUE)) {
            invalid(() -> feed.changes(sam, null, limit), "limit");
        }
        assertThat(feed.changes(sam, null, 1000).changes()).hasSize(7);
        assertThat(feed.changes(sam, null, 1).changes()).hasSize(1);

        long newest = all(sam, null, 1000).get(6).seq();
        notFound(() -> feed.changes(sam, b64("f1:" + (newest + 1) + ":ws_1"), 10), "cursor");
        notFound(() -> feed.changes(sam, b64("f1:" + newest + ":ws_2"), 10), "cursor");
        assertThat(feed.changes(sam, b64("f1:" + newest + ":ws_1"), 10).changes()).isEmpty();
        assertThat(feed.changes(sam, b64("f1:0:ws_1"), 10).changes()).hasSize(7);
        long anaNewest = all(ana, "ws_1", 1000).get(5).seq();
        notFound(() -> feed.changes(ana, b64("f1:" + newest + ":ws_1"), 10), "cursor");
        assertThat(anaNewest).isLessThan(newest);
        assertThat(feed.changes(ana, b64("f1:" + anaNewest + ":ws_1"), 10).changes()).isEmpty();
    }

    @Test
    void changesWhenPagedByCursorThenEachChangeOnceAndTheHeadFollowsOnlyWhatComesNext() {
        seed();
        List<Change> full = feed.changes(sam, null, 1000).changes();
        for (int limit = 1; limit <= 8; limit++) {
            assertThat(all(sam, null, limit)).as("pages of %d", limit).isEqualTo(full);
        }
        String head = feed.head(sam, null);
        assertThat(feed.changes(sam, head, 10).changes()).isEmpty();
        assertThat(feed.changes(sam, head, 10).cursor()).isEqualTo(head);
        String last = feed.changes(sam, null, 1000).cursor();
        assertThat(last).as("the last page's cursor is the head").isEqualTo(head);

        String anaHead = feed.head(ana, "ws_1");
        execution.createBatch(sam, new CreateBatchRequest("b_2", "ws_1", "d_ben", STOPS, null));
        ChangePage next = feed.changes(sam, head, 10);
        assertThat(next.changes()).extracting(Change::entityId).containsExactly("b_2");
        assertThat(feed.changes(sam, next.cursor(), 10).changes()).isEmpty();
        assertThat(feed.changes(ana, anaHead, 10).changes()).as("not about ana").isEmpty();
    }

    // --- refusals record nothing -------------------------------------------------------------------

    @Test
    void changesWhenRequestsAreRefusedThenNothingIsRecorded() {
        seed();
        String head = feed.head(system, "ws_1");
        FleetgateSettings settings = FleetgateSettings.defaults().withSessions(s -> s.withSigningSecret(TestFleetgates.SECRET));
        SessionService sessions = TestFleetgates.on(store(), clock, settings, PinHasher.forTestsOnlyWeak()).sessions();
        CredentialService credentials = TestFleetgates.on(store(), clock, settings, PinHasher.forTestsOnlyWeak())
                .credentials();
        credentials.enrol(system, new EnrolRequest("d_ana", "ana", "482193"));

        assertThatThrownBy(() -> sessions.login(system, new LoginRequest("ana", "000000", "phone-1")))
                .isInstanceOf(FleetgateException.class);
        assertThatThrownBy(() -> supervisor.override(sam, "b_404", DriverStatus.SUSPENDED, "stop"))
                .isInstanceOf(FleetgateException.class);
        assertThatThrownBy(() -> supervisor.override(mia, "b_1", DriverStatus.SUSPENDED, "stop"))
                .isInstanceOf(FleetgateException.class);
        assertThatThrownBy(() -> execution.createBatch(mia, new CreateBatchRequest("b_3", "ws_1", "d_ana", STOPS, null)))
                .isInstanceOf(FleetgateException.class);
        assertThatThrownBy(() -> supervisor.review(sam, "e-far", "again")).isInstanceOf(FleetgateException.class);
        assertThatThrownBy(() -> feed.purge(sam)).isInstanceOf(FleetgateException.class);

        assertThat(feed.changes(system, head, 10).changes()).isEmpty();
        assertThat(feed.head(system, "ws_1")).isEqualTo(head);
    }

    // --- retention -------------------------------------------------------------------------------

    @Test
    void purgeWhenOnlyTheSystemAndChangesAreOlderThanTheRetentionThenRemovedAndOldCursorsExpire() {
        seed();
        String oldest = feed.changes(sam, null, 1).cursor();
        List<Change> before = all(sam, null, 1000);
        String oldestOz = feed.changes(oz, null, 1).cursor();

        clock.set(t0.plus(Duration.ofDays(30)).plusSeconds(150));
        for (Principal p : List.of(sam, mia, ana, oz)) {
            assertThatThrownBy(() -> feed.purge(p)).isInstanceOf(FleetgateException.class)
                    .extracting(e -> ((FleetgateException) e).code()).isEqualTo(ErrorCode.FORBIDDEN);
        }
        assertThat(all(sam, null, 1000)).as("nobody but the system removes anything").isEqualTo(before);

        // The cut-off is t0 + 150 s: the first five changes (up to the arrival, recorded at t0 + 62 s)
        // lie before it; the quarantine (minute 3) and the review (minute 4) are kept.
        long removed = feed.purge(system);
        List<Change> after = all(sam, null, 1000);
        assertThat(after).isEqualTo(before.subList(5, 7));
        assertThat(removed).isEqualTo(5);
        assertThat(all(oz, null, 1000)).as("ws_2's creation at minute 4 is kept").hasSize(1);

        assertThatThrownBy(() -> feed.changes(sam, oldest, 10)).isInstanceOf(NotFoundException.class)
                .satisfies(e -> assertThat(((NotFoundException) e).what()).isEqualTo(ChangeFeed.EXPIRED_CURSOR))
                .hasMessageContaining("retention");
        assertThat(feed.changes(oz, oldestOz, 10).changes()).isEmpty();
        String floorCursor = b64("f1:" + before.get(4).seq() + ":ws_1");
        assertThat(feed.changes(sam, floorCursor, 10).changes()).isEqualTo(after);
        assertThat(feed.head(ben, "ws_1")).as("a driver with nothing left starts at the floor").isEqualTo(floorCursor);
        assertThat(feed.purge(system)).as("nothing more to remove").isZero();

        // Everything goes, the newest seq of the store included; seqs are never taken again.
        long newest = all(oz, null, 1000).get(0).seq();
        clock.set(t0.plus(Duration.ofDays(31)));
        assertThat(feed.purge(system)).isEqualTo(3);
        String head = feed.head(sam, null);
        assertThat(feed.changes(sam, head, 10).changes()).isEmpty();
        execution.createBatch(sam, new CreateBatchRequest("b_5", "ws_1", "d_ana", STOPS, null));
        List<Change> fresh = feed.changes(sam, head, 10).changes();
        assertThat(fresh).extracting(Change::entityId).containsExactly("b_5");
        assertThat(fresh.get(0).seq()).isGreaterThan(newest);
        assertThat(all(sam, null, 1000)).isEqualTo(fresh);
    }

    // --- helpers -------------------------------------------------------------------------------

    protected static String b64(String text) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static void invalid(ThrowingCallable call, String field) {
        assertThatThrownBy(call).isInstanceOf(InvalidRequestException.class)
                .satisfies(e -> assertThat(((InvalidRequestException) e).field()).isEqualTo(field));
    }

    private static void notFound(ThrowingCallable call, String what) {
        assertThatThrownBy(call).isInstanceOf(NotFoundException.class)
                .satisfies(e -> assertThat(((NotFoundException) e).what()).isEqualTo(what));
    }
}
