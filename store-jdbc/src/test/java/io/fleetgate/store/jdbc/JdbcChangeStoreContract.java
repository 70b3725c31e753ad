package io.fleetgate.store.jdbc;

import io.fleetgate.access.Workspace;
import io.fleetgate.execution.Batch;
import io.fleetgate.execution.DriverEvent;
import io.fleetgate.execution.DriverEventType;
import io.fleetgate.execution.DriverStatus;
import io.fleetgate.execution.Stop;
import io.fleetgate.spi.EventLog.BatchChange;
import io.fleetgate.spi.ChangeLog;
import io.fleetgate.supervisor.Change;
import io.fleetgate.supervisor.ChangeKind;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * The change feed's migration (V14, U14) over data stored before it, on each database (thin
 * subclasses): V14 applies over rows of every source table without touching them and records
 * nothing for them (no backfill: the feed starts at V14); the next writes are recorded; U14 keeps
 * every source row, and V14 again starts an empty feed.
 */
abstract class JdbcChangeStoreContract {
    static final Instant T0 = Instant.parse("2026-12-07T09:00:00.123456Z");

    /** @return the dialect under test */
    protected abstract Dialect dialect();

    @Test
    void migrateWhenDataStoredBeforeV14ThenNothingBackfilledNextWritesRecordedAndUndoKeepsTheRows() throws Exception {
        try (EmptyDatabases databases = new EmptyDatabases(dialect())) {
            EmptyDatabases.Db db = databases.create();
            assertThat(db.runner().migrate(13)).endsWith(13);
            DataSource ds = db.store().dataSource();
            db.store().workspaces().upsertWorkspace(new Workspace("ws_1", "North"));
            Batch b1 = batch("b_1", 1);
            assertThat(db.store().batches().insertBatch(b1)).isTrue();
            Batch moved = new Batch("b_1", "ws_1", "d_ana", DriverStatus.EN_ROUTE, null, T0, null, Map.of(), 2,
                    b1.stops(), List.of(), T0, T0.plusSeconds(5));
            assertThat(db.store().eventLog().commit(List.of(new BatchChange(moved, 1)),
                    List.of(event("ev-1", 2)), List.of())).isTrue();
            String before = dump(ds);

            assertThat(db.runner().migrate()).containsExactlyElementsOf(UndoContract.versionsAfter(13));
            assertThat(dump(ds)).as("V14 (and what follows) changes no source row").isEqualTo(before);
            ChangeLog log = db.store().changes();
            assertThat(log.findChanges("ws_1", null, 0, 100)).as("no backfill").isEmpty();
            assertThat(log.head("ws_1", null)).isZero();

            assertThat(db.store().batches().insertBatch(batch("b_2", 0))).isTrue();
            List<Change> after = log.findChanges("ws_1", null, 0, 100);
            assertThat(after).extracting(Change::kind, Change::entityId, Change::at)
                    .containsExactly(tuple(ChangeKind.BATCH, "b_2", T0));
            String withB2 = dump(ds);

            UndoContract.undoDownTo(db, 14);
            assertThat(dump(ds)).as("U14 keeps every source row").isEqualTo(withB2);
            assertThat(db.store().migrationStatus().pending()).containsExactlyElementsOf(UndoContract.filesFrom(14));
            assertThat(db.runner().migrate()).as("V14 again, after U14")
                    .containsExactlyElementsOf(UndoContract.versionsAfter(13));
            assertThat(log.findChanges("ws_1", null, 0, 100)).as("the feed starts again, empty").isEmpty();
            assertThat(db.store().batches().insertBatch(batch("b_3", 0))).isTrue();
            assertThat(log.findChanges("ws_1", null, 0, 100)).extracting(Change::entityId).containsExactly("b_3");
        }
    }

    private static Batch batch(String id, long version) {
        return new Batch(id, "ws_1", "d_ana", DriverStatus.INACTIVE, null, null, null, Map.of(), version,
                List.of(Stop.of(30.27, -97.74, 100)), List.of(), T0, T0);
    }

    private static DriverEvent event(String id, long version) {
        return new DriverEvent(id, "b_1", "ws_1", "d_ana", "d_ana", "sess_1", DriverEventType.ROUTE_STARTED,
                DriverStatus.INACTIVE, DriverStatus.EN_ROUTE, version, T0, T0.plusSeconds(1), null, null, null, null,
                Map.of(), null, "0".repeat(64), false, List.of(), null);
    }

    private static String dump(DataSource ds) throws SQLException {
        StringBuilder out = new StringBuilder();
        for (String table : List.of("workspaces", "delivery_batches", "batch_stops", "driver_events")) {
            List<String> lines = new ArrayList<>();
            for (List<String> row : PostgresFixture.asSystem(ds, c -> PostgresFixture.rows(c, "SELECT * FROM " + table))) {
                lines.add(String.valueOf(row));
            }
            Collections.sort(lines);
            out.append(table).append(lines).append('\n');
        }
        return out.toString();
    }
}
