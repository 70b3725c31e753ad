package io.fleetgate.store.jdbc;

import io.fleetgate.access.Workspace;
import io.fleetgate.execution.Batch;
import io.fleetgate.execution.DriverEvent;
import io.fleetgate.execution.DriverEventType;
import io.fleetgate.execution.DriverStatus;
import io.fleetgate.execution.EventEncoding;
import io.fleetgate.execution.ProofKind;
import io.fleetgate.execution.ProofRequirement;
import io.fleetgate.execution.Stop;
import io.fleetgate.execution.StopProgress;
import io.fleetgate.execution.StopStatus;
import io.fleetgate.execution.TimeWindow;
import io.fleetgate.geo.Coordinate;
import io.fleetgate.spi.EventLog.BatchChange;
import io.fleetgate.testkit.StoreContract;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

import static io.fleetgate.store.jdbc.JdbcAssertions.execute;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Stops as first-class work on the JDBC store (issue #16, migration V11), on each database (thin
 * subclasses): a batch stored before V11 reads back with its stops named by position and its
 * progress derived, and U11 keeps its rows; stop ids, windows, proof requirements, code hashes,
 * stop progress and removed stops round-trip exactly; a plan change rewrites the batch's stop rows
 * in the commit of its compare-and-set and nowhere else; an event's stop id round-trips.
 */
abstract class JdbcStopStoreContract extends StoreContract {
    /** Microsecond precision, as the databases keep instants. */
    static final Instant T0 = Instant.parse("2026-12-07T09:00:00.123456Z");
    static final String WS = "ws_1";
    /** A lower-case hex SHA-256, as {@link Stop#codeHash()} wants. */
    static final String CODE_HASH = EventEncoding.sha256("4711");

    /** @return the dialect of the store under test */
    protected final Dialect dialect() {
        return ((JdbcStore) store()).dialect();
    }

    @BeforeEach
    void seedWorkspace() {
        store().workspaces().upsertWorkspace(new Workspace(WS, "Depot North"));
    }

    // --- V11 over a batch stored before it ---------------------------------------------------

    @Test
    void migrateWhenBatchStoredBeforeV11ThenStopsNamedByIndexProgressDerivedAndUndoKeepsTheRows() throws Exception {
        try (EmptyDatabases databases = new EmptyDatabases(dialect())) {
            EmptyDatabases.Db db = databases.create();
            assertThat(db.runner().migrate(10)).endsWith(10);
            DataSource ds = db.store().dataSource();
            // A batch as the library wrote it before V11: three stops, the driver at the first.
            execute(ds, "INSERT INTO workspaces (id, name) VALUES ('ws_1', 'North')");
            execute(ds, "INSERT INTO delivery_batches (id, workspace_id, driver_id, driver_status, current_stop_index, "
                    + "actual_start_time, execution_metadata, visited_stops, version, created_at, updated_at) "
                    + "VALUES ('b_1', 'ws_1', 'd_ana', 'AT_STOP', 0, " + instant(T0) + ", '{}', '[0]', 3, "
                    + instant(T0) + ", " + instant(T0.plusSeconds(60)) + ")");
            execute(ds, "INSERT INTO batch_stops (batch_id, stop_index, lat, lng, radius_m) VALUES "
                    + "('b_1', 0, 30.2672, -97.7431, 100), ('b_1', 1, 30.2682, -97.7431, 50.5), ('b_1', 2, 30.27, -97.74, 75)");
            Batch expected = new Batch("b_1", "ws_1", "d_ana", DriverStatus.AT_STOP, 0, T0, null, Map.of(), 3,
                    List.of(Stop.of(30.2672, -97.7431, 100), Stop.of(30.2682, -97.7431, 50.5), Stop.of(30.27, -97.74, 75)),
                    List.of(0), T0, T0.plusSeconds(60));

            assertThat(db.runner().migrate(11)).containsExactly(11);
            // The store reads the schema of its last migration (V12 adds the corridor and polygons).
            assertThat(db.runner().migrate()).containsExactlyElementsOf(UndoContract.versionsAfter(11));

            Batch read = db.store().batches().findBatch("b_1").orElseThrow();
            assertThat(read).isEqualTo(expected);
            assertThat(read.stops()).extracting(Stop::id).containsExactly("stop-0", "stop-1", "stop-2");
            assertThat(read.progressOf("stop-0").status()).as("visited, and the driver is there").isEqualTo(StopStatus.ARRIVED);
            assertThat(read.progressOf("stop-1").status()).isEqualTo(StopStatus.PENDING);
            assertThat(read.progressOf("stop-2").status()).isEqualTo(StopStatus.PENDING);
            assertThat(rows(ds, "SELECT stop_index, stop_id FROM batch_stops ORDER BY stop_index"))
                    .containsExactly(List.of("0", "stop-0"), List.of("1", "stop-1"), List.of("2", "stop-2"));
            assertThat(rows(ds, "SELECT COUNT(*) FROM delivery_batches WHERE stop_progress IS NULL AND removed_stops IS NULL"))
                    .as("NULL: derive the progress").containsExactly(List.of("1"));

            UndoContract.undoDownTo(db, 11);
            assertThat(rows(ds, "SELECT COUNT(*) FROM batch_stops")).containsExactly(List.of("3"));
            assertThat(rows(ds, "SELECT id, driver_status, visited_stops FROM delivery_batches"))
                    .containsExactly(List.of("b_1", "AT_STOP", "[0]"));
            assertThat(db.store().migrationStatus().pending()).containsExactlyElementsOf(UndoContract.filesFrom(11));

            assertThat(db.runner().migrate(11)).as("V11 again, after U11").containsExactly(11);
            assertThat(db.runner().migrate()).containsExactlyElementsOf(UndoContract.versionsAfter(11));
            assertThat(db.store().batches().findBatch("b_1")).contains(expected);
        }
    }

    // --- round trips --------------------------------------------------------------------------

    @Test
    void insertBatchWhenStopsAndProgressCarryEveryFieldThenFoundEqual() throws SQLException {
        Batch b = fullBatch();

        assertThat(store().batches().insertBatch(b)).isTrue();

        assertThat(store().batches().findBatch("b_1")).contains(b);
        assertThat(store().batches().findBatches(List.of("b_1"))).containsEntry("b_1", b);
        assertThat(store().batches().findBatchesInWorkspace(WS)).containsExactly(b);
        assertThat(store().batches().findBatchesAssignedTo("d_ana")).containsExactly(b);
        assertThat(rows(ds(), "SELECT stop_index, stop_id, code_hash FROM batch_stops ORDER BY stop_index"))
                .containsExactly(Arrays.asList("0", "s-a", null), List.of("1", "s-b", CODE_HASH),
                        Arrays.asList("2", "s-c", null));
    }

    @Test
    void assignDriverWhenBatchHasProgressThenKeptInTheRowReturnedAndStored() {
        Batch b = fullBatch();
        store().batches().insertBatch(b);

        Batch assigned = store().batches().assignDriver("b_1", "d_ben", b.version(), T0.plusSeconds(500)).orElseThrow();

        Batch expected = new Batch(b.id(), b.workspaceId(), "d_ben", b.status(), b.currentStopIndex(),
                b.actualStartTime(), b.actualEndTime(), b.metadata(), b.version() + 1, b.stops(), b.visitedStops(),
                b.progress(), b.removedStops(), b.createdAt(), T0.plusSeconds(500));
        assertThat(assigned).isEqualTo(expected);
        assertThat(store().batches().findBatch("b_1")).contains(expected);
    }

    @Test
    void commitWhenPlanChangedThenBatchReadsBackEqualAndItsStopRowsAreExactlyTheNewList() throws SQLException {
        Batch before = fullBatch();
        store().batches().insertBatch(before);
        Batch after = planChanged(before);
        DriverEvent override = event("ev_plan", after, "s-c");

        assertThat(store().eventLog().commit(List.of(new BatchChange(after, before.version(), true)),
                List.of(override), List.of())).isTrue();

        assertThat(store().batches().findBatch("b_1")).contains(after);
        assertThat(rows(ds(), "SELECT batch_id, stop_index, stop_id FROM batch_stops ORDER BY batch_id, stop_index"))
                .containsExactly(List.of("b_1", "0", "s-c"), List.of("b_1", "1", "s-a"), List.of("b_1", "2", "s-d"));
        assertThat(store().eventLog().findLog("b_1")).containsExactly(override);
        assertThat(store().eventLog().findLog("b_1").get(0).stopId()).isEqualTo("s-c");
    }

    @Test
    void commitWhenPlanChangeLosesItsCompareAndSetThenStopsUntouched() {
        Batch before = fullBatch();
        store().batches().insertBatch(before);
        String snapshot = fixture().snapshot();
        Batch after = planChanged(before);

        assertThat(store().eventLog().commit(List.of(new BatchChange(after, before.version() - 1, true)),
                List.of(event("ev_plan", after, null)), List.of())).isFalse();

        assertThat(fixture().snapshot()).isEqualTo(snapshot);
        assertThat(store().batches().findBatch("b_1")).contains(before);
    }

    @Test
    void commitWhenStopsNotChangedThenProgressStoredAndStopRowsKept() throws SQLException {
        Batch before = fullBatch();
        store().batches().insertBatch(before);
        List<List<String>> stopRows = rows(ds(), "SELECT * FROM batch_stops ORDER BY stop_index");
        Map<String, StopProgress> progress = new HashMap<>(before.progress());
        progress.put("s-c", new StopProgress(StopStatus.SKIPPED, null, false, T0.plusSeconds(900), "CLOSED", null,
                Map.of(), false));
        Batch after = new Batch(before.id(), before.workspaceId(), before.driverId(), before.status(),
                before.currentStopIndex(), before.actualStartTime(), before.actualEndTime(), before.metadata(),
                before.version() + 1, before.stops(), before.visitedStops(), progress, List.of(), before.createdAt(),
                T0.plusSeconds(900));

        assertThat(store().eventLog().commit(List.of(new BatchChange(after, before.version())),
                List.of(event("ev_skip", after, "s-c")), List.of())).isTrue();

        assertThat(store().batches().findBatch("b_1")).contains(after);
        assertThat(rows(ds(), "SELECT * FROM batch_stops ORDER BY stop_index")).isEqualTo(stopRows);
        assertThat(rows(ds(), "SELECT COUNT(*) FROM delivery_batches WHERE removed_stops IS NULL"))
                .as("no removed stops: NULL").containsExactly(List.of("1"));
    }

    @Test
    void commitWhenEventsNameStopsOrNoneThenStopIdsRoundTrip() {
        Batch before = fullBatch();
        store().batches().insertBatch(before);
        Batch v1 = withVersion(before, before.version() + 1);
        Batch v2 = withVersion(before, before.version() + 2);
        DriverEvent named = event("ev_1", v1, "s-b");
        DriverEvent none = event("ev_2", v2, null);

        assertThat(store().eventLog().commit(List.of(new BatchChange(v2, before.version())), List.of(named, none),
                List.of())).isTrue();

        assertThat(store().eventLog().findLog("b_1")).containsExactly(named, none);
        assertThat(store().eventLog().findEvents("b_1", null, null, 10)).extracting(DriverEvent::stopId)
                .containsExactly("s-b", null);
    }

    // --- the records --------------------------------------------------------------------------

    /**
     * A batch whose stops and progress set every field: ids, windows open at either end, proof
     * requirements, a code hash; progress with instants (one to the nanosecond), early, reason,
     * note, proofs of two kinds and corrected; a stop PENDING by entry, one by absence; a removed
     * stop.
     */
    static Batch fullBatch() {
        List<Stop> stops = List.of(
                new Stop("s-a", Coordinate.of(30.2672, -97.7431), 100, new TimeWindow(T0, T0.plusSeconds(3600)),
                        List.of(new ProofRequirement(ProofKind.PHOTO, 2), ProofRequirement.of(ProofKind.SIGNATURE)), null),
                new Stop("s-b", Coordinate.of(30.2682, -97.7431), 50.5, new TimeWindow(null, T0.plusSeconds(7200)),
                        List.of(ProofRequirement.of(ProofKind.CODE)), CODE_HASH),
                new Stop("s-c", Coordinate.of(30.27, -97.74), 75, new TimeWindow(T0.plusSeconds(60), null), List.of(),
                        null));
        Map<String, StopProgress> progress = Map.of(
                "s-a", new StopProgress(StopStatus.COMPLETED, T0.plusSeconds(30).plusNanos(789), true,
                        T0.plusSeconds(90), "DELIVERED", "left with \"Ana\" – 2nd floor\n",
                        Map.of(ProofKind.PHOTO, List.of("h-photo-2", "h-photo-1"), ProofKind.SIGNATURE, List.of("h-sig")),
                        true),
                "s-b", new StopProgress(StopStatus.ARRIVED, T0.plusSeconds(120), false, null, null, null, Map.of(), false),
                "s-gone", StopProgress.pending());
        return new Batch("b_1", WS, "d_ana", DriverStatus.AT_STOP, 1, T0, null, Map.of(), 4, stops, List.of(0, 1),
                progress, List.of("s-old"), T0.minusSeconds(60), T0.plusSeconds(120));
    }

    /**
     * The batch one version on after a supervisor's plan change: s-c moved first (and its radius
     * changed), s-b removed, s-d added last.
     */
    static Batch planChanged(Batch b) {
        Stop a = b.stops().get(0);
        Stop c = b.stops().get(2);
        List<Stop> stops = List.of(
                new Stop(c.id(), c.location(), 80, c.window(), List.of(ProofRequirement.of(ProofKind.NOTE)), null),
                a,
                new Stop("s-d", Coordinate.of(30.28, -97.75), 40, null, List.of(), CODE_HASH));
        Map<String, StopProgress> progress = Map.of("s-a", b.progress().get("s-a"));
        return new Batch(b.id(), b.workspaceId(), b.driverId(), DriverStatus.EN_ROUTE, null, b.actualStartTime(),
                null, b.metadata(), b.version() + 1, stops, List.of(), progress, List.of("s-old", "s-b"),
                b.createdAt(), T0.plusSeconds(600));
    }

    static Batch withVersion(Batch b, long version) {
        return new Batch(b.id(), b.workspaceId(), b.driverId(), b.status(), b.currentStopIndex(), b.actualStartTime(),
                b.actualEndTime(), b.metadata(), version, b.stops(), b.visitedStops(), b.progress(), b.removedStops(),
                b.createdAt(), T0.plusSeconds(version));
    }

    /** A supervisor's event that produced {@code after}, naming {@code stopId} (or none). */
    static DriverEvent event(String id, Batch after, String stopId) {
        Instant at = after.updatedAt();
        return new DriverEvent(id, after.id(), after.workspaceId(), after.driverId(), "s_sam", null,
                DriverEventType.SUPERVISOR_OVERRIDE, DriverStatus.AT_STOP, after.status(), after.version(), at,
                at.plusSeconds(1), null, null, null, null, Map.of(), "plan change", EventEncoding.sha256(id), false,
                List.of(), stopId);
    }

    // --- helpers ------------------------------------------------------------------------------

    private DataSource ds() {
        return ((JdbcStore) store()).dataSource();
    }

    /** The instant as an SQL literal of the dialect's column type. */
    private String instant(Instant at) {
        return JdbcAssertions.literal(dialect(), at);
    }

    /** Every row of a raw query, each column as text (on PostgreSQL as the system principal). */
    static List<List<String>> rows(DataSource ds, String sql) throws SQLException {
        return PostgresFixture.asSystem(ds, c -> PostgresFixture.rows(c, sql));
    }
}
