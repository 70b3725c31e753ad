package io.fleetgate.store.jdbc;

import io.fleetgate.access.Workspace;
import io.fleetgate.execution.Batch;
import io.fleetgate.execution.DriverEvent;
import io.fleetgate.execution.DriverEventType;
import io.fleetgate.execution.DriverStatus;
import io.fleetgate.execution.ReviewItem;
import io.fleetgate.geo.Coordinate;
import io.fleetgate.position.Fix;
import io.fleetgate.position.RecordedFix;
import io.fleetgate.spi.EventLog.BatchChange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;

import static io.fleetgate.contract.ExecutionStoreContract.WS;
import static io.fleetgate.contract.ExecutionStoreContract.event;
import static io.fleetgate.contract.ExecutionStoreContract.newBatch;
import static io.fleetgate.contract.ExecutionStoreContract.step;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The partitioned event log and position stream on PostgreSQL (migration V16, issue #19 item 4):
 * the migration of unpartitioned tables with rows across several months and its undo; a month
 * without its partition made on the first insert (two stores at once included), a month outside
 * the window kept in the DEFAULT partition; replays of an event id with another recorded_at
 * refused as before; partitions closed to the runtime role and append-only for the owner;
 * retention by detaching months, and its rule for batches in progress.
 */
class PostgresPartitionTest {
    private PostgresFixture pg;
    private JdbcStore store;
    private YearMonth current;

    @BeforeEach
    void open() {
        pg = new PostgresFixture();
        store = pg.store();
        current = YearMonth.now(ZoneOffset.UTC);
        store.workspaces().upsertWorkspace(new Workspace(WS, "Depot North"));
    }

    @AfterEach
    void close() {
        pg.close();
    }

    // --- the migration ---------------------------------------------------------------------------

    @Test
    void migrateWhenRowsSpanSeveralMonthsThenEachIsKeptInItsMonthAndUndoKeepsThemAll() throws Exception {
        try (EmptyDatabases databases = new EmptyDatabases(Dialect.POSTGRES)) {
            EmptyDatabases.Db db = databases.create();
            db.runner().migrate(14);
            JdbcStore old = db.store();
            DataSource ds = old.dataSource();
            old.workspaces().upsertWorkspace(new Workspace(WS, "Depot North"));
            Batch b = newBatch("b_1", "d_ana");
            assertThat(old.batches().insertBatch(b)).isTrue();
            List<Instant> times = List.of(Instant.parse("2026-03-15T08:00:00Z"), Instant.parse("2026-07-01T00:00:00Z"),
                    Instant.parse("2026-06-30T23:59:59.999999Z"), Instant.parse("2026-11-22T10:00:00.123456Z"));
            List<DriverStatus> statuses = List.of(DriverStatus.ACTIVE, DriverStatus.EN_ROUTE, DriverStatus.DELAYED,
                    DriverStatus.EN_ROUTE);
            List<DriverEventType> types = List.of(DriverEventType.DRIVER_LOGGED_IN, DriverEventType.ROUTE_STARTED,
                    DriverEventType.DELAY_REPORTED, DriverEventType.ROUTE_RESUMED);
            for (int i = 0; i < times.size(); i++) {
                Batch next = step(b, statuses.get(i), null, times.get(i));
                assertThat(old.eventLog().commit(List.of(new BatchChange(next, b.version())),
                        List.of(event("ev_" + (i + 1), next, types.get(i), b.status(), times.get(i))), List.of()))
                        .isTrue();
                b = next;
            }
            List<RecordedFix> fixes = new ArrayList<>();
            for (Instant t : times) {
                fixes.add(fix("d_ana", t));
            }
            fixes.add(fix("d_ana", Instant.parse("2031-01-01T00:00:00Z")));
            assertThat(old.positions().insertFixes(fixes)).isEmpty();
            String events = rows(ds, "SELECT * FROM driver_events ORDER BY event_id");
            String fixRows = rows(ds, "SELECT * FROM driver_fixes ORDER BY recorded_at");

            assertThat(db.runner().migrate()).isEqualTo(UndoContract.versionsAfter(14));

            assertThat(relkind(ds, "driver_events")).isEqualTo("p");
            assertThat(relkind(ds, "driver_fixes")).isEqualTo("p");
            assertThat(rows(ds, "SELECT * FROM driver_events ORDER BY event_id")).isEqualTo(events);
            assertThat(rows(ds, "SELECT * FROM driver_fixes ORDER BY recorded_at")).isEqualTo(fixRows);
            assertThat(rows(ds, "SELECT event_id, tableoid::regclass FROM driver_events ORDER BY event_id"))
                    .isEqualTo("[ev_1, driver_events_y2026m03]\n[ev_2, driver_events_y2026m07]\n"
                            + "[ev_3, driver_events_y2026m06]\n[ev_4, driver_events_y2026m11]\n");
            assertThat(rows(ds, "SELECT tableoid::regclass::text, count(*) FROM driver_fixes GROUP BY 1 ORDER BY 1"))
                    .isEqualTo("[driver_fixes_y2026m03, 1]\n[driver_fixes_y2026m06, 1]\n[driver_fixes_y2026m07, 1]\n"
                            + "[driver_fixes_y2026m11, 1]\n[driver_fixes_y2031m01, 1]\n");
            assertThat(partitions(ds, "driver_events")).contains("driver_events_default", name("driver_events", current),
                    name("driver_events", current.plusMonths(2)));
            assertThat(rows(ds, "SELECT event_id, batch_version, recorded_at FROM driver_event_ids ORDER BY event_id"))
                    .isEqualTo(rows(ds, "SELECT event_id, batch_version, recorded_at FROM driver_events ORDER BY event_id"));

            // The claim decides a replay with another recorded_at, in another month's partition.
            DriverEvent replay = event("ev_1", step(b, DriverStatus.DELAYED, null, times.get(3)),
                    DriverEventType.DELAY_REPORTED, DriverStatus.EN_ROUTE, Instant.parse("2026-09-09T09:09:09Z"));
            assertThat(old.eventLog().commit(List.of(), List.of(replay), List.of())).isFalse();
            assertThat(rows(ds, "SELECT * FROM driver_events ORDER BY event_id")).isEqualTo(events);

            UndoContract.undoDownTo(db, 16);   // the later versions first, as an operator would
            assertThat(relkind(ds, "driver_events")).isEqualTo("r");
            assertThat(relkind(ds, "driver_fixes")).isEqualTo("r");
            assertThat(rows(ds, "SELECT * FROM driver_events ORDER BY event_id")).as("U16 keeps every event")
                    .isEqualTo(events);
            assertThat(rows(ds, "SELECT * FROM driver_fixes ORDER BY recorded_at")).as("U16 keeps every fix")
                    .isEqualTo(fixRows);

            assertThat(db.runner().migrate()).isEqualTo(UndoContract.versionsAfter(15));
            assertThat(rows(ds, "SELECT * FROM driver_events ORDER BY event_id")).isEqualTo(events);
            assertThat(old.eventLog().findLog("b_1")).extracting(DriverEvent::eventId)
                    .containsExactly("ev_1", "ev_2", "ev_3", "ev_4");
        }
    }

    // --- partitions made on demand ------------------------------------------------------------------

    @Test
    void commitWhenEventsFallInMonthsWithoutAPartitionThenEachGetsOneOrTheDefaultAndNothingFails() throws Exception {
        DataSource ds = store.dataSource();
        YearMonth back = current.minusMonths(5);
        YearMonth far = current.minusMonths(30);
        assertThat(partitions(pg.ownerDataSource(), "driver_events")).doesNotContain(name("driver_events", back));
        Batch b0 = newBatch("b_1", "d_ana");
        assertThat(store.batches().insertBatch(b0)).isTrue();
        Batch b1 = step(b0, DriverStatus.ACTIVE, null, at(back));
        Batch b2 = step(b1, DriverStatus.EN_ROUTE, null, at(far));

        assertThat(store.eventLog().commit(List.of(new BatchChange(b1, 0)),
                List.of(event("ev_back", b1, DriverEventType.DRIVER_LOGGED_IN, DriverStatus.INACTIVE, at(back))),
                List.of())).isTrue();
        assertThat(store.eventLog().commit(List.of(new BatchChange(b2, 1)),
                List.of(event("ev_far", b2, DriverEventType.ROUTE_STARTED, DriverStatus.ACTIVE, at(far))),
                List.of())).isTrue();
        assertThat(store.positions().insertFixes(List.of(fix("d_ana", at(back.minusMonths(1))),
                fix("d_ana", Instant.parse("2999-05-05T05:05:05Z"))))).isEmpty();

        assertThat(rows(ds, "SELECT event_id, tableoid::regclass FROM driver_events ORDER BY event_id"))
                .isEqualTo("[ev_back, " + name("driver_events", back) + "]\n[ev_far, driver_events_default]\n");
        assertThat(partitions(pg.ownerDataSource(), "driver_events")).contains(name("driver_events", back))
                .doesNotContain(name("driver_events", far));
        assertThat(rows(ds, "SELECT tableoid::regclass FROM driver_fixes ORDER BY recorded_at"))
                .isEqualTo("[" + name("driver_fixes", back.minusMonths(1)) + "]\n[driver_fixes_default]\n");
        assertThat(store.eventLog().findLog("b_1")).extracting(DriverEvent::eventId).containsExactly("ev_back", "ev_far");
    }

    @Test
    void commitWhenTwoStoresMakeTheSameMonthAtOnceThenBothSucceedAndTheMonthHasOnePartition() throws Exception {
        JdbcStore other = (JdbcStore) pg.secondInstance();
        assertThat(store.batches().insertBatch(newBatch("b_1", "d_ana"))).isTrue();
        assertThat(store.batches().insertBatch(newBatch("b_2", "d_ben"))).isTrue();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 4; round++) {
                YearMonth month = current.minusMonths(6 + round);
                Instant at = at(month);
                CountDownLatch go = new CountDownLatch(1);
                List<Future<Boolean>> both = new ArrayList<>();
                int r = round;
                for (JdbcStore s : List.of(store, other)) {
                    String batchId = s == store ? "b_1" : "b_2";
                    both.add(pool.submit(() -> {
                        Batch b = s.batches().findBatch(batchId).orElseThrow();
                        Batch next = step(b, r % 2 == 0 ? DriverStatus.ACTIVE : DriverStatus.INACTIVE, null, at);
                        go.await();
                        return s.eventLog().commit(List.of(new BatchChange(next, b.version())),
                                List.of(event(batchId + "_ev_" + r, next, DriverEventType.DRIVER_LOGGED_IN, b.status(), at)),
                                List.of());
                    }));
                }
                go.countDown();
                for (Future<Boolean> f : both) {
                    assertThat(f.get(60, TimeUnit.SECONDS)).as("round %d", round).isTrue();
                }
                assertThat(partitions(pg.ownerDataSource(), "driver_events")).filteredOn(n -> n.equals(name("driver_events", month)))
                        .hasSize(1);
                assertThat(rows(store.dataSource(), "SELECT DISTINCT tableoid::regclass FROM driver_events WHERE event_id LIKE '%_ev_"
                        + round + "'")).isEqualTo("[" + name("driver_events", month) + "]\n");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    // --- replays --------------------------------------------------------------------------------

    @Test
    void commitWhenAnEventIsResentWithAnotherRecordedAtInAnotherMonthThenItIdIsTakenAsBefore() throws Exception {
        Batch b0 = newBatch("b_1", "d_ana");
        assertThat(store.batches().insertBatch(b0)).isTrue();
        Batch b1 = step(b0, DriverStatus.ACTIVE, null, at(current));
        DriverEvent first = event("ev_1", b1, DriverEventType.DRIVER_LOGGED_IN, DriverStatus.INACTIVE, at(current));
        assertThat(store.eventLog().commit(List.of(new BatchChange(b1, 0)), List.of(first), List.of())).isTrue();
        String before = pg.snapshot();

        for (YearMonth other : List.of(current.minusMonths(3), current.plusMonths(1), current.minusMonths(40))) {
            Batch b2 = step(b1, DriverStatus.EN_ROUTE, null, at(other));
            DriverEvent again = event("ev_1", b2, DriverEventType.ROUTE_STARTED, DriverStatus.ACTIVE, at(other));
            assertThat(store.eventLog().commit(List.of(new BatchChange(b2, 1)), List.of(again), List.of()))
                    .as("ev_1 again, recorded in %s", other).isFalse();
            assertThat(store.eventLog().commit(List.of(), List.of(again), List.of()))
                    .as("ev_1 again without a batch change, recorded in %s", other).isFalse();
        }
        assertThat(store.eventLog().findEventHashes(WS, "d_ana", List.of("ev_1"))).containsEntry("ev_1", first.contentHash());
        assertThat(store.batches().findBatch("b_1").orElseThrow().version()).isEqualTo(1);
        assertThat(rows(pg.ownerDataSource(), "SELECT count(*) FROM " + name("driver_events", current.minusMonths(3))))
                .as("the other month's partition was made, and holds nothing").isEqualTo("[0]\n");
        // the partitions made meanwhile hold no row: the data is as it was
        assertThat(pg.snapshot()).isEqualTo(before);
    }

    // --- who may touch a partition --------------------------------------------------------------------

    @Test
    void runtimeRoleWhenItNamesAPartitionOrTheClaimsThenPermissionDenied() throws Exception {
        seedCurrentMonth();
        List<String> tables = List.of(name("driver_events", current), "driver_events_default",
                name("driver_fixes", current), "driver_fixes_default");
        try (Connection c = DriverManager.getConnection(pg.schemaUrl(), PostgresFixture.runtimeUser(),
                PostgresFixture.runtimePassword())) {
            PostgresFixture.inTransaction(c, "system", "system", "", x -> {
                assertThat(PostgresFixture.rows(x, "SELECT count(*) FROM driver_events")).as("through the parent")
                        .containsExactly(List.of("1"));
                return null;
            });
            for (String table : tables) {
                for (String sql : List.of("SELECT * FROM " + table, "INSERT INTO " + table + " SELECT * FROM " + table,
                        "DELETE FROM " + table, "TRUNCATE " + table)) {
                    assertThatThrownBy(() -> PostgresFixture.inTransaction(c, "system", "system", "",
                            x -> execute(x, sql))).as(sql)
                            .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("42501"))
                            .hasMessageContaining("permission denied for table " + table);
                }
            }
            for (String sql : List.of("INSERT INTO driver_event_ids SELECT * FROM driver_event_ids",
                    "UPDATE driver_event_ids SET content_hash = content_hash", "DELETE FROM driver_event_ids",
                    "TRUNCATE driver_event_ids", "SELECT fleetgate_partition_create('driver_events', DATE '2026-01-01')",
                    "SELECT * FROM fleetgate_partition_detach_before('driver_events', DATE '2030-01-01')")) {
                assertThatThrownBy(() -> PostgresFixture.inTransaction(c, "system", "system", "",
                        x -> execute(x, sql))).as(sql)
                        .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("42501"));
            }
        }
    }

    @Test
    void ownerWhenItChangesAPartitionOrAClaimDirectlyThenTheAppendOnlyTriggersRefuse() throws Exception {
        seedCurrentMonth();
        String before = pg.snapshot();
        String events = name("driver_events", current);
        String fixes = name("driver_fixes", current);
        List<String> refused = List.of(
                "UPDATE " + events + " SET reason = 'tampered'", "DELETE FROM " + events, "TRUNCATE " + events,
                "TRUNCATE driver_events_default",
                "UPDATE " + fixes + " SET batch_id = 'tampered'", "TRUNCATE " + fixes, "TRUNCATE driver_fixes_default",
                "UPDATE driver_event_ids SET content_hash = 'tampered'", "DELETE FROM driver_event_ids",
                "TRUNCATE driver_event_ids");
        for (String sql : refused) {
            assertThatThrownBy(() -> PostgresFixture.withoutForcedRowSecurity(pg.ownerDataSource(),
                    List.of(events, fixes, "driver_event_ids", "driver_events_default", "driver_fixes_default"),
                    c -> execute(c, sql))).as(sql)
                    .isInstanceOf(SQLException.class).hasMessageContaining("is append-only");
        }
        assertThat(pg.snapshot()).isEqualTo(before);
    }

    // --- retention ---------------------------------------------------------------------------------

    @Test
    void detachWhenTheMonthsBeforeHoldFinishedBatchesOnlyThenTheyLeaveTheLogAndALateRowGetsANewPartition()
            throws Exception {
        YearMonth m4 = current.minusMonths(4);
        YearMonth m3 = current.minusMonths(3);
        Batch done = newBatch("b_done", "d_ana");
        assertThat(store.batches().insertBatch(done)).isTrue();
        Batch d1 = step(done, DriverStatus.EN_ROUTE, null, at(m4));
        Batch d2 = step(d1, DriverStatus.COMPLETED, null, at(m3));
        assertThat(store.eventLog().commit(List.of(new BatchChange(d2, 0)), List.of(
                event("ev_d1", d1, DriverEventType.ROUTE_STARTED, DriverStatus.INACTIVE, at(m4)),
                flagged(event("ev_d2", d2, DriverEventType.ROUTE_COMPLETED, DriverStatus.EN_ROUTE, at(m3)))), List.of()))
                .isTrue();
        Batch live = newBatch("b_live", "d_ben");
        assertThat(store.batches().insertBatch(live)).isTrue();
        Batch l1 = step(live, DriverStatus.EN_ROUTE, null, at(current.minusMonths(1)));
        assertThat(store.eventLog().commit(List.of(new BatchChange(l1, 0)), List.of(
                flagged(event("ev_l1", l1, DriverEventType.ROUTE_STARTED, DriverStatus.INACTIVE, at(current.minusMonths(1))))),
                List.of())).isTrue();
        assertThat(store.positions().insertFixes(List.of(fix("d_ana", at(m4))))).isEmpty();
        assertThat(store.reviews().findReviewQueue(WS, null, null, 10)).extracting(ReviewItem::id)
                .containsExactlyInAnyOrder("ev_d2", "ev_l1");

        List<String> detached = store.detachPartitionsBefore(current.minusMonths(2));

        // V18: the detached month's flagged event leaves the review queue with it (its open item too)
        assertThat(store.reviews().findReviewQueue(WS, null, null, 10)).extracting(ReviewItem::id)
                .containsExactly("ev_l1");
        assertThat(rows(pg.ownerDataSource(), "SELECT item_id FROM open_review_items")).isEqualTo("[ev_l1]\n");

        assertThat(detached).containsExactly(name("driver_events", m4) + "_detached",
                name("driver_events", m3) + "_detached", name("driver_fixes", m4) + "_detached");
        assertThat(store.eventLog().findLog("b_done")).isEmpty();
        assertThat(store.eventLog().findLog("b_live")).extracting(DriverEvent::eventId).containsExactly("ev_l1");
        assertThat(store.positions().findFixes("d_ana", at(m4).minusSeconds(1), at(m4).plusSeconds(1), 10)).isEmpty();
        assertThat(store.eventLog().findEventHashes(WS, "d_ana", List.of("ev_d1", "ev_d2")))
                .as("the claims stay: a resent event is still known").containsOnlyKeys("ev_d1", "ev_d2");
        DataSource owner = pg.ownerDataSource();
        assertThat(rows(owner, "SELECT count(*) FROM " + name("driver_events", m4) + "_detached"))
                .as("the owner archives a detached month").isEqualTo("[1]\n");
        assertThat(partitions(owner, "driver_events")).doesNotContain(name("driver_events", m4), name("driver_events", m3));

        // A late event of a detached month: the month gets a new, empty partition.
        Batch l2 = step(l1, DriverStatus.DELAYED, null, at(m4));
        assertThat(store.eventLog().commit(List.of(new BatchChange(l2, 1)), List.of(
                event("ev_l2", l2, DriverEventType.DELAY_REPORTED, DriverStatus.EN_ROUTE, at(m4))), List.of())).isTrue();
        assertThat(rows(store.dataSource(), "SELECT event_id, tableoid::regclass FROM driver_events WHERE event_id = 'ev_l2'"))
                .isEqualTo("[ev_l2, " + name("driver_events", m4) + "]\n");
        // And a second detach of that month renames around the first.
        Batch l3 = step(l2, DriverStatus.COMPLETED, null, at(current));
        assertThat(store.eventLog().commit(List.of(new BatchChange(l3, 2)), List.of(
                event("ev_l3", l3, DriverEventType.ROUTE_COMPLETED, DriverStatus.DELAYED, at(current))), List.of()))
                .isTrue();
        assertThat(store.detachPartitionsBefore(current.minusMonths(2)))
                .containsExactly(name("driver_events", m4) + "_detached_2");
    }

    @Test
    void detachWhenAMonthHoldsEventsOfABatchInProgressThenRefusedAndNothingDetached() throws Exception {
        YearMonth m3 = current.minusMonths(3);
        Batch live = newBatch("b_live", "d_ben");
        assertThat(store.batches().insertBatch(live)).isTrue();
        Batch l1 = step(live, DriverStatus.EN_ROUTE, null, at(m3));
        assertThat(store.eventLog().commit(List.of(new BatchChange(l1, 0)), List.of(
                event("ev_l1", l1, DriverEventType.ROUTE_STARTED, DriverStatus.INACTIVE, at(m3))), List.of())).isTrue();
        assertThat(store.positions().insertFixes(List.of(fix("d_ben", at(current.minusMonths(4)))))).isEmpty();
        List<String> before = partitions(pg.ownerDataSource(), "driver_events");

        assertThatThrownBy(() -> store.detachPartitionsBefore(current))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(m3.toString()).hasMessageContaining("b_live").hasMessageContaining("in progress");

        assertThat(partitions(pg.ownerDataSource(), "driver_events")).isEqualTo(before);
        assertThat(partitions(pg.ownerDataSource(), "driver_fixes")).as("nothing detached, fixes neither")
                .contains(name("driver_fixes", current.minusMonths(4)));
        assertThat(store.eventLog().findLog("b_live")).extracting(DriverEvent::eventId).containsExactly("ev_l1");
    }

    @Test
    void detachWhenBeforeIsAfterTheCurrentMonthThenRefusedByName() {
        assertThatThrownBy(() -> store.detachPartitionsBefore(current.plusMonths(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("before");
        assertThatThrownBy(() -> store.ensurePartitionsAhead(4))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ahead");
    }

    // --- helpers ---------------------------------------------------------------------------------

    private void seedCurrentMonth() {
        Batch b0 = newBatch("b_1", "d_ana");
        assertThat(store.batches().insertBatch(b0)).isTrue();
        Batch b1 = step(b0, DriverStatus.ACTIVE, null, at(current));
        assertThat(store.eventLog().commit(List.of(new BatchChange(b1, 0)),
                List.of(event("ev_1", b1, DriverEventType.DRIVER_LOGGED_IN, DriverStatus.INACTIVE, at(current))),
                List.of())).isTrue();
        assertThat(store.positions().insertFixes(List.of(fix("d_ana", at(current))))).isEmpty();
    }

    /** {@return an instant in the month: its 10th day, 10:00 UTC} */
    private static Instant at(YearMonth month) {
        return month.atDay(10).atTime(10, 0).toInstant(ZoneOffset.UTC);
    }

    private static String name(String table, YearMonth m) {
        return String.format("%s_y%04dm%02d", table, m.getYear(), m.getMonthValue());
    }

    private static RecordedFix fix(String driverId, Instant at) {
        return new RecordedFix(driverId, WS, "b_1", new Fix(at, Coordinate.of(30.27, -97.74), 5.0, null, null), Set.of(),
                at.plusSeconds(1));
    }

    private static String rows(DataSource ds, String sql) throws SQLException {
        StringBuilder out = new StringBuilder();
        for (List<String> row : PostgresFixture.asSystem(ds, c -> PostgresFixture.rows(c, sql))) {
            out.append(row).append('\n');
        }
        return out.toString();
    }

    private static String relkind(DataSource ds, String table) throws SQLException {
        return PostgresFixture.asSystem(ds, c -> PostgresFixture.rows(c,
                "SELECT relkind FROM pg_class WHERE oid = '" + table + "'::regclass")).get(0).get(0);
    }

    private static List<String> partitions(DataSource ds, String parent) throws SQLException {
        List<String> out = new ArrayList<>();
        for (List<String> row : PostgresFixture.asSystem(ds, c -> PostgresFixture.rows(c,
                "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                        + "WHERE i.inhparent = '" + parent + "'::regclass ORDER BY 1"))) {
            out.add(row.get(0));
        }
        return out;
    }

    private static boolean execute(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement()) {
            return st.execute(sql);
        }
    }

    /** {@code e} flagged for review. */
    private static DriverEvent flagged(DriverEvent e) {
        return new DriverEvent(e.eventId(), e.batchId(), e.workspaceId(), e.driverId(), e.actorId(), e.sessionId(),
                e.type(), e.previousStatus(), e.status(), e.batchVersion(), e.recordedAt(), e.syncedAt(), e.lat(),
                e.lng(), e.accuracyMeters(), e.stopIndex(), e.payload(), e.reason(), e.contentHash(), true,
                List.of("OUTSIDE_GEOFENCE: 1 km"), e.stopId());
    }
}
