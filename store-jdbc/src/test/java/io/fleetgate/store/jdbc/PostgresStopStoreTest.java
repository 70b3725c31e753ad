package io.fleetgate.store.jdbc;

import io.fleetgate.Principal;
import io.fleetgate.access.Workspace;
import io.fleetgate.execution.Batch;
import io.fleetgate.internal.AccessContext;
import io.fleetgate.spi.EventLog.BatchChange;
import io.fleetgate.testkit.StoreFixture;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import javax.sql.DataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link JdbcStopStoreContract} on PostgreSQL, plus who may rewrite a batch's stops (migration
 * V11): the runtime role may DELETE from batch_stops (never UPDATE it), and the FOR DELETE policy
 * lets only the system or a supervisor of the batch's workspace delete: a driver, a member or a
 * supervisor of another workspace deletes no row, whether by hand or through a plan change.
 */
class PostgresStopStoreTest extends JdbcStopStoreContract {
    private static final String DELETE_B1 = "DELETE FROM batch_stops WHERE batch_id = 'b_1'";

    @Override
    protected StoreFixture newFixture() {
        return new PostgresFixture();
    }

    @Test
    void deleteStopsWhenDriverMemberOrSupervisorOfAnotherWorkspaceThenNoRowGoes() throws SQLException {
        store().workspaces().upsertWorkspace(new Workspace("ws_2", "South"));
        store().batches().insertBatch(fullBatch());
        DataSource ds = runtime();
        String before = fixture().snapshot();

        for (List<String> p : List.of(List.of("driver", "d_ana", ""), List.of("driver", "d_ben", ""),
                List.of("member", "u_mia", WS), List.of("supervisor", "s_oz", "ws_2"))) {
            for (String sql : List.of(DELETE_B1, "DELETE FROM batch_stops")) {
                assertThat(rolledBack(ds, p.get(0), p.get(1), p.get(2), sql)).as("%s: %s", p, sql).isZero();
            }
        }
        assertThat(fixture().snapshot()).isEqualTo(before);

        // The control: the batch's own supervisor and the system may (each rolled back here).
        assertThat(rolledBack(ds, "supervisor", "s_sam", WS, DELETE_B1)).isEqualTo(3);
        assertThat(rolledBack(ds, "system", "system", "", "DELETE FROM batch_stops")).isEqualTo(3);
        assertThat(fixture().snapshot()).isEqualTo(before);
    }

    @Test
    void updateStopsWhenEvenTheSystemThenPermissionDenied() throws SQLException {
        store().batches().insertBatch(fullBatch());
        String before = fixture().snapshot();

        assertThatThrownBy(() -> rolledBack(runtime(), "system", "system", "", "UPDATE batch_stops SET radius_m = 1"))
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("42501"))
                .hasMessageContaining("permission denied for table batch_stops");
        assertThat(fixture().snapshot()).isEqualTo(before);
    }

    @Test
    void commitWhenPlanChangedBySupervisorOfAnotherWorkspaceOrTheDriverThenNothingWrittenAndByItsOwnThenRewritten()
            throws SQLException {
        store().workspaces().upsertWorkspace(new Workspace("ws_2", "South"));
        Batch before = fullBatch();
        store().batches().insertBatch(before);
        Batch after = planChanged(before);
        List<BatchChange> change = List.of(new BatchChange(after, before.version(), true));
        String snapshot = fixture().snapshot();

        try (AccessContext.Scope oz = AccessContext.enter(Principal.supervisor("s_oz", "ws_2"))) {
            assertThat(store().eventLog().commit(change, List.of(event("ev_oz", after, null)), List.of()))
                    .as("the batch is invisible to them: the compare-and-set finds no row").isFalse();
        }
        try (AccessContext.Scope ana = AccessContext.enter(Principal.driver("d_ana"))) {
            // Her own batch's row may move on, but no policy of hers deletes its stops and her
            // insert of the new list is refused: the whole commit fails.
            assertThatThrownBy(() -> store().eventLog().commit(change, List.of(), List.of()))
                    .hasMessageContaining("row-level security policy for table \"batch_stops\"");
        }
        assertThat(fixture().snapshot()).isEqualTo(snapshot);

        try (AccessContext.Scope sam = AccessContext.enter(Principal.supervisor("s_sam", WS))) {
            assertThat(store().eventLog().commit(change, List.of(event("ev_sam", after, "s-d")), List.of())).isTrue();
            assertThat(store().batches().findBatch("b_1")).contains(after);
        }
        assertThat(rows(runtime(), "SELECT stop_index, stop_id FROM batch_stops ORDER BY stop_index"))
                .containsExactly(List.of("0", "s-c"), List.of("1", "s-a"), List.of("2", "s-d"));
    }

    @Test
    void migrationWhenStopsFileRunAgainThenNothingFailsOrChanges() throws Exception {
        store().batches().insertBatch(fullBatch());
        String before = fixture().snapshot();
        String catalogue = SchemaCatalogue.of(runtime());

        JdbcAssertions.rerunMigration(fixture(), "V11__stops.sql");

        assertThat(fixture().snapshot()).isEqualTo(before);
        assertThat(SchemaCatalogue.of(runtime())).isEqualTo(catalogue);
    }

    private DataSource runtime() {
        return ((JdbcStore) store()).dataSource();
    }

    /**
     * Runs one statement as the runtime role the store runs as, in a transaction bound to the
     * principal with a context signed by the schema's key (as the store binds it), and rolls it back.
     *
     * @return the rows it changed
     */
    private static int rolledBack(DataSource ds, String role, String user, String workspace, String sql)
            throws SQLException {
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            try (Statement st = c.createStatement()) {
                PostgresFixture.key(c).bind(c, PostgresFixture.principal(role, user, workspace), Instant.now());
                return st.executeUpdate(sql);
            } finally {
                c.rollback();
                c.setAutoCommit(true);
            }
        }
    }
}
