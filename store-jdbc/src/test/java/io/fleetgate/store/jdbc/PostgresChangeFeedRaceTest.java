package io.fleetgate.store.jdbc;

import io.fleetgate.Fleetgate;
import io.fleetgate.FleetgateSettings;
import io.fleetgate.Principal;
import io.fleetgate.access.AccessService;
import io.fleetgate.access.Membership;
import io.fleetgate.access.Role;
import io.fleetgate.access.Workspace;
import io.fleetgate.execution.CreateBatchRequest;
import io.fleetgate.execution.DriverEventRequest;
import io.fleetgate.execution.DriverEventType;
import io.fleetgate.execution.EventOutcome;
import io.fleetgate.execution.Stop;
import io.fleetgate.spi.FleetgateStore;
import io.fleetgate.supervisor.Change;
import io.fleetgate.supervisor.ChangeFeed;
import io.fleetgate.supervisor.ChangeKind;
import io.fleetgate.supervisor.ChangePage;
import io.fleetgate.testkit.TestFleetgates;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The change feed's promise on PostgreSQL (V14): a reader that resumes from its cursor never
 * misses a change, with two store instances (two pools) writing one database at once. And the
 * proof that the test could fail: the same reader protocol over a naive log (a plain sequence,
 * taken when the row is written, no lock) loses a change as soon as a transaction that took an
 * earlier value commits after one that took a later value, while the feed, in the very same
 * transactions, does not. Also: the trigger's NOTIFY reaches a LISTENing connection after commit,
 * never after a rollback.
 */
class PostgresChangeFeedRaceTest {
    private static final List<Stop> STOPS = List.of(Stop.of(30.27, -97.74, 100), Stop.of(30.28, -97.74, 100));
    private static final int DRIVERS = 8;
    private static final int EVENTS_PER_DRIVER = 41;
    private static final int BATCHES_PER_SUPERVISOR = 25;
    private static final int READERS = 4;

    private final Principal.Supervisor sam = Principal.supervisor("s_sam", "ws_1");
    private final Principal system = Principal.system();
    private PostgresFixture pg;
    private Fleetgate first;
    private Fleetgate second;

    @BeforeEach
    void twoInstances() {
        pg = new PostgresFixture();
        FleetgateStore other = pg.secondInstance();
        first = TestFleetgates.on(pg.store(), Clock.systemUTC(), FleetgateSettings.defaults());
        second = TestFleetgates.on(other, Clock.systemUTC(), FleetgateSettings.defaults());
        AccessService access = first.access();
        access.upsertWorkspace(system, new Workspace("ws_1", "North"));
        access.upsertWorkspace(system, new Workspace("ws_2", "South"));
        access.addMember(system, new Membership("s_sam", "ws_1", Role.SUPERVISOR));
        access.addMember(system, new Membership("s_oz", "ws_2", Role.SUPERVISOR));
        for (int i = 0; i < DRIVERS; i++) {
            access.addMember(system, new Membership("d_" + i, "ws_1", Role.DRIVER));
        }
    }

    @AfterEach
    void close() {
        pg.close();
    }

    /** Waits, at most ten seconds, until a wake-up lets sam read something after {@code cursor} on {@code on}. */
    private static List<Change> awaitChanges(Semaphore woken, Fleetgate on, Principal who, String cursor)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (woken.tryAcquire(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
            List<Change> read = on.changes().changes(who, cursor, 1000).changes();
            if (!read.isEmpty()) {
                return read;
            }
        }
        throw new AssertionError("no wake-up brought a change within 10 s");
    }

    @Test
    void subscribeWhenTheOtherInstanceCommitsThenThisInstancesSubscribersAreWokenAlsoAfterItsListenerWasCut()
            throws Exception {
        String cursor = first.changes().head(sam, null);
        List<Semaphore> woken = new ArrayList<>();
        List<ChangeFeed.Subscription> subscriptions = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            Semaphore w = new Semaphore(0);
            woken.add(w);
            subscriptions.add(first.changes().subscribe(sam, null, w::release));
        }
        try {
            second.execution().createBatch(sam, new CreateBatchRequest("b_far", "ws_1", null, STOPS, null));
            for (Semaphore w : woken) {
                assertThat(awaitChanges(w, first, sam, cursor)).extracting(Change::entityId).containsExactly("b_far");
            }
            cursor = first.changes().head(sam, null);

            // the listening connection is cut (a failover, an administrator): the listener takes
            // another, and commits made meanwhile or after still wake this instance's subscribers
            // (a role may end its own backends: the store's runtime role ends its listener's)
            try (Connection admin = DriverManager.getConnection(pg.schemaUrl(), PostgresFixture.runtimeUser(),
                    PostgresFixture.runtimePassword());
                 Statement st = admin.createStatement();
                 ResultSet rs = st.executeQuery("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                         + " WHERE datname = current_database() AND query = 'LISTEN fleetgate_changes'")) {
                assertThat(rs.next()).as("a listening connection").isTrue();
                assertThat(rs.getBoolean(1)).as("ended").isTrue();
            }
            second.execution().createBatch(sam, new CreateBatchRequest("b_after", "ws_1", null, STOPS, null));
            assertThat(awaitChanges(woken.get(0), first, sam, cursor)).extracting(Change::entityId)
                    .containsExactly("b_after");
        } finally {
            subscriptions.forEach(ChangeFeed.Subscription::close);
        }
    }

    @Test
    void changesWhenManyWritersOnTwoInstancesCommitWhileReadersPageThenEveryReaderGetsTheWholeFeedOnceInOrder()
            throws Exception {
        pauseAfterEachChange();
        for (int i = 0; i < DRIVERS; i++) {
            first.execution().createBatch(sam, new CreateBatchRequest("b_" + i, "ws_1", "d_" + i, STOPS, null));
        }
        ExecutorService pool = Executors.newFixedThreadPool(DRIVERS + 2 + READERS);
        try {
            AtomicBoolean writing = new AtomicBoolean(true);
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> writers = new ArrayList<>();
            for (int i = 0; i < DRIVERS; i++) {
                Fleetgate on = i % 2 == 0 ? first : second;
                String driver = "d_" + i;
                String batch = "b_" + i;
                writers.add(pool.submit(() -> {
                    start.await();
                    Instant base = Instant.now().minusSeconds(600);
                    for (int k = 0; k < EVENTS_PER_DRIVER; k++) {
                        DriverEventType type = k == 0 ? DriverEventType.ROUTE_STARTED
                                : k % 2 == 1 ? DriverEventType.DELAY_REPORTED : DriverEventType.ROUTE_RESUMED;
                        EventOutcome o = on.execution().record(Principal.driver(driver),
                                DriverEventRequest.of(batch + "-e" + k, batch, type, base.plusMillis(k * 10L)));
                        assertThat(o.result()).as("%s %d", driver, k).isEqualTo(EventOutcome.Result.ACCEPTED);
                    }
                    return null;
                }));
            }
            for (int s = 0; s < 2; s++) {
                Fleetgate on = s == 0 ? first : second;
                int supervisor = s;
                writers.add(pool.submit(() -> {
                    start.await();
                    for (int k = 0; k < BATCHES_PER_SUPERVISOR; k++) {
                        on.execution().createBatch(sam, new CreateBatchRequest("n_" + supervisor + "_" + k, "ws_1",
                                null, STOPS, null));
                    }
                    return null;
                }));
            }
            List<Future<List<Long>>> readers = new ArrayList<>();
            for (int r = 0; r < READERS; r++) {
                Fleetgate on = r % 2 == 0 ? first : second;
                readers.add(pool.submit(() -> {
                    start.await();
                    List<Long> seen = new ArrayList<>();
                    String cursor = null;
                    boolean last = false;
                    while (true) {
                        boolean done = !writing.get();
                        ChangePage page = on.changes().changes(sam, cursor, ThreadLocalRandom.current().nextInt(1, 40));
                        page.changes().forEach(c -> seen.add(c.seq()));
                        cursor = page.cursor();
                        if (page.changes().isEmpty() && done) {
                            if (last) {
                                return seen;
                            }
                            last = true;
                        }
                    }
                }));
            }
            start.countDown();
            for (Future<?> w : writers) {
                w.get(10, TimeUnit.MINUTES);
            }
            writing.set(false);
            List<List<Long>> collected = new ArrayList<>();
            for (Future<List<Long>> r : readers) {
                collected.add(r.get(10, TimeUnit.MINUTES));
            }

            List<Change> full = all(first, sam);
            List<Long> seqs = full.stream().map(Change::seq).toList();
            int expected = DRIVERS + DRIVERS * EVENTS_PER_DRIVER * 2 + 2 * BATCHES_PER_SUPERVISOR;
            assertThat(full).hasSize(expected);
            assertThat(full.stream().filter(c -> c.kind() == ChangeKind.EVENT)).hasSize(DRIVERS * EVENTS_PER_DRIVER);
            assertThat(seqs).isSorted().doesNotHaveDuplicates();
            assertThat(all(second, sam)).isEqualTo(full);
            for (List<Long> seen : collected) {
                assertThat(seen).as("a reader paging from its cursor during the writes").isEqualTo(seqs);
            }
            for (int i = 0; i < DRIVERS; i++) {
                String batch = "b_" + i;
                assertThat(full.stream().filter(c -> c.kind() == ChangeKind.EVENT && batch.equals(c.batchId()))
                        .map(Change::entityId).toList())
                        .as("one driver's events in the order they were applied")
                        .isEqualTo(first.execution().log(sam, batch).stream().map(e -> e.eventId()).toList());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * One transaction (held open by {@code exclusively}) writes a batch; a later one writes another
     * and commits first; a reader reads; the first commits; the reader reads on. The naive log took
     * its values as the rows were written, so the reader saw the later value first and moved past
     * the earlier one for good. The feed, fed by the same two transactions, took its values at
     * commit, in commit order, and the reader gets both.
     */
    @Test
    void changesWhenAnEarlierTransactionCommitsAfterALaterOneThenTheFeedKeepsEveryChangeAndANaiveSequenceLosesOne()
            throws Exception {
        naiveLog();
        NaiveReader naive = new NaiveReader();
        List<String> feedSeen = new ArrayList<>();
        String[] feedCursor = {first.changes().head(sam, null)};
        Runnable readFeed = () -> {
            ChangePage page = first.changes().changes(sam, feedCursor[0], 100);
            page.changes().forEach(c -> feedSeen.add(c.entityId()));
            feedCursor[0] = page.cursor();
        };

        CountDownLatch written = new CountDownLatch(1);
        CountDownLatch proceed = new CountDownLatch(1);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<?> held = pool.submit(() -> pg.store().exclusively(List.of("held"), () -> {
                first.execution().createBatch(sam, new CreateBatchRequest("b_early", "ws_1", null, STOPS, null));
                written.countDown();
                await(proceed);
                return null;
            }));
            await(written);
            second.execution().createBatch(sam, new CreateBatchRequest("b_late", "ws_1", null, STOPS, null));
            naive.read();
            readFeed.run();
            assertThat(naive.seen).containsExactly("b_late");
            assertThat(feedSeen).containsExactly("b_late");

            proceed.countDown();
            held.get(1, TimeUnit.MINUTES);
            naive.read();
            readFeed.run();

            assertThat(naiveAll()).as("both transactions committed to the naive log").containsExactly("b_early", "b_late");
            assertThat(naive.seen).as("the naive reader moved past b_early's value before it committed")
                    .containsExactly("b_late");
            assertThat(feedSeen).as("the feed took b_early's seq at its commit, after b_late's")
                    .containsExactly("b_late", "b_early");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void notifyWhenAChangeCommitsThenListenersHearSchemaAndWorkspaceAndNothingForARollback() throws Exception {
        try (Connection listener = DriverManager.getConnection(pg.schemaUrl(), PostgresFixture.runtimeUser(),
                PostgresFixture.runtimePassword())) {
            try (Statement st = listener.createStatement()) {
                st.execute("LISTEN fleetgate_changes");
            }
            PGConnection pgc = listener.unwrap(PGConnection.class);

            first.execution().createBatch(sam, new CreateBatchRequest("b_1", "ws_1", null, STOPS, null));
            assertThat(next(pgc)).isEqualTo(pg.schema() + "|ws_1");

            assertThatThrownBy(() -> pg.store().exclusively(List.of("rolled-back"), () -> {
                first.execution().createBatch(sam, new CreateBatchRequest("b_2", "ws_1", null, STOPS, null));
                throw new IllegalStateException("roll back");
            })).hasMessageContaining("roll back");
            assertThat(first.changes().changes(sam, null, 100).changes()).extracting(Change::entityId)
                    .containsExactly("b_1");

            // Notifications arrive in commit order: had the rollback sent one, it would come first.
            second.execution().createBatch(Principal.supervisor("s_oz", "ws_2"),
                    new CreateBatchRequest("b_9", "ws_2", null, STOPS, null));
            assertThat(next(pgc)).isEqualTo(pg.schema() + "|ws_2");
        }
    }

    // --- helpers -------------------------------------------------------------------------------

    /** The feed's reader protocol over the naive log: remember the last value seen, ask for what comes after it. */
    private final class NaiveReader {
        final List<String> seen = new ArrayList<>();
        long cursor;

        void read() throws SQLException {
            for (String[] row : naiveRows(cursor)) {
                seen.add(row[1]);
                cursor = Long.parseLong(row[0]);
            }
        }
    }

    /** The next notification's payload, waiting for it as long as it takes (the test's own timeout aside). */
    private static String next(PGConnection pgc) throws SQLException {
        while (true) {
            PGNotification[] got = pgc.getNotifications(10_000);
            if (got != null && got.length > 0) {
                assertThat(got).hasSize(1);
                assertThat(got[0].getName()).isEqualTo("fleetgate_changes");
                return got[0].getParameter();
            }
        }
    }

    private static List<Change> all(Fleetgate on, Principal who) {
        List<Change> out = new ArrayList<>();
        String cursor = null;
        while (true) {
            ChangePage page = on.changes().changes(who, cursor, 1000);
            if (page.changes().isEmpty()) {
                return out;
            }
            out.addAll(page.changes());
            cursor = page.cursor();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(1, TimeUnit.MINUTES)) {
                throw new IllegalStateException("the other transaction never got there");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Widens the window between a change's nextval and its transaction's commit: a deferred
     * constraint trigger on each source table the writers touch, named to fire right after V14's
     * (triggers of one row fire in name order), sleeps up to 5 ms. With V14's lock the other
     * writers of the workspace wait it out; without it they would commit later seqs first, and the
     * readers would skip the earlier ones (this test then fails: checked by removing the lock).
     */
    private void pauseAfterEachChange() throws SQLException {
        try (Connection c = pg.ownerDataSource().getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE FUNCTION pause_after_change() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                    + " PERFORM pg_sleep(random() * 0.005); RETURN NULL; END $$");
            for (String table : List.of("driver_events", "delivery_batches")) {
                st.execute("CREATE CONSTRAINT TRIGGER changes_from_" + table + "_zz_pause AFTER INSERT OR UPDATE ON "
                        + table + " DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION pause_after_change()");
            }
        }
    }

    /**
     * The naive log: a plain sequence whose value is taken as the batch row is written (an
     * immediate AFTER trigger, no lock), in the writing transaction, so values commit in any order.
     */
    private void naiveLog() throws SQLException {
        try (Connection c = pg.ownerDataSource().getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE naive_changes (seq BIGSERIAL PRIMARY KEY, entity_id TEXT NOT NULL)");
            st.execute("CREATE FUNCTION naive_record() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER"
                    + " SET search_path = " + pg.schema() + " AS $$ BEGIN"
                    + " INSERT INTO naive_changes (entity_id) VALUES (NEW.id); RETURN NULL; END $$");
            st.execute("CREATE TRIGGER naive_record AFTER INSERT ON delivery_batches"
                    + " FOR EACH ROW EXECUTE FUNCTION naive_record()");
            st.execute("GRANT SELECT ON naive_changes TO fleetgate_runtime");
        }
    }

    private List<String[]> naiveRows(long after) throws SQLException {
        try (Connection c = DriverManager.getConnection(pg.schemaUrl(), PostgresFixture.runtimeUser(),
                PostgresFixture.runtimePassword());
             PreparedStatement st = c.prepareStatement("SELECT seq, entity_id FROM naive_changes WHERE seq > ? ORDER BY seq")) {
            st.setLong(1, after);
            List<String[]> out = new ArrayList<>();
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    out.add(new String[] {Long.toString(rs.getLong(1)), rs.getString(2)});
                }
            }
            return out;
        }
    }

    private List<String> naiveAll() throws SQLException {
        List<String> out = new ArrayList<>();
        for (String[] row : naiveRows(0)) {
            out.add(row[1]);
        }
        return out;
    }
}
