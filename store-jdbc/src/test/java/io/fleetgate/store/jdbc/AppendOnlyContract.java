package io.fleetgate.store.jdbc;

import io.fleetgate.contract.ExecutionRepos;
import io.fleetgate.execution.Batch;
import io.fleetgate.execution.DriverEvent;
import io.fleetgate.execution.DriverEventType;
import io.fleetgate.execution.DriverStatus;
import io.fleetgate.execution.QuarantinedEvent;
import io.fleetgate.execution.ReviewItem;
import io.fleetgate.execution.ReviewRecord;
import io.fleetgate.position.Fix;
import io.fleetgate.position.FixMark;
import io.fleetgate.position.RecordedFix;
import io.fleetgate.spi.EventLog.BatchChange;
import io.fleetgate.store.jdbc.internal.SqlDialect;
import io.fleetgate.testkit.StoreContract;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static io.fleetgate.contract.ExecutionStoreContract.T0;
import static io.fleetgate.contract.ExecutionStoreContract.WS;
import static io.fleetgate.contract.ExecutionStoreContract.event;
import static io.fleetgate.contract.ExecutionStoreContract.newBatch;
import static io.fleetgate.contract.ExecutionStoreContract.quarantined;
import static io.fleetgate.contract.ExecutionStoreContract.step;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The append-only tables ({@code driver_events}, {@code quarantined_events}, {@code event_reviews},
 * and {@code driver_fixes}, V12, which only the purge deletes from) hold against every write form a
 * connection outside the library could use to overwrite a row:
 * on SQLite {@code INSERT OR REPLACE}, {@code REPLACE INTO}, {@code INSERT … ON CONFLICT DO UPDATE}
 * (with and without a conflict target) and {@code UPDATE OR REPLACE}; on PostgreSQL
 * {@code INSERT … ON CONFLICT DO UPDATE} and {@code MERGE … UPDATE / DELETE}. Each is tried once
 * with a forged row that shares the primary key and once for each other unique key alone. Each is
 * refused or changes nothing, and the stored rows stay identical down to their physical identity
 * (SQLite's {@code rowid}, PostgreSQL's {@code ctid} and {@code xmin}; {@code driver_fixes} is a
 * WITHOUT ROWID table on SQLite, its rows compared by content). {@code MERGE … DELETE} is not tried
 * on {@code driver_fixes}: deleting a fix is the purge, which the system may do. The library's own
 * idempotent inserts still answer as before. On each database (thin subclasses).
 */
abstract class AppendOnlyContract extends StoreContract {
    private ExecutionRepos repo;
    private QuarantinedEvent refusal;
    private ReviewRecord review;

    /**
     * {@return the connections to the store's database, not the library's, to try every form on:
     * on SQLite a plain JDBC connection to the file (default pragmas: recursive triggers off,
     * foreign keys off); on PostgreSQL one bound by row-level security as the system principal and
     * one as the tables' owner with row-level security not forced (the triggers alone)}
     */
    protected abstract List<Foreign> foreignConnections();

    /**
     * One way in.
     *
     * @param name   what it is, for messages
     * @param open   opens it (a transaction begun, if {@code commit} says how it ends)
     * @param commit whether its transaction is committed at the end ({@code false}: rolled back);
     *               {@code null} for a connection in auto-commit mode
     */
    protected record Foreign(String name, Open open, Boolean commit) {
    }

    /** Opens a connection. */
    @FunctionalInterface
    protected interface Open {
        /**
         * @return the connection
         * @throws SQLException if it cannot be opened
         */
        Connection open() throws SQLException;
    }

    @BeforeEach
    void seed() {
        JdbcStore jdbc = (JdbcStore) store();
        repo = ExecutionRepos.of(jdbc);
        jdbc.workspaces().upsertWorkspace(new io.fleetgate.access.Workspace(WS, "Depot North"));
        Batch b0 = newBatch("b_1", "d_ana");
        repo.batches().insertBatch(b0);
        Batch b1 = step(b0, DriverStatus.ACTIVE, null, T0);
        Batch b2 = step(b1, DriverStatus.EN_ROUTE, null, T0.plusSeconds(1));
        refusal = quarantined("ev_q", "b_1", WS, "{\"n\":1}", T0);
        assertThat(repo.log().commit(List.of(new BatchChange(b2, 0)),
                List.of(event("ev_1", b1, DriverEventType.DRIVER_LOGGED_IN, DriverStatus.INACTIVE, T0),
                        event("ev_2", b2, DriverEventType.ROUTE_STARTED, DriverStatus.ACTIVE, T0.plusSeconds(1))),
                List.of(refusal, quarantined("ev_q2", "b_1", WS, "{\"n\":2}", T0)))).isTrue();
        review = new ReviewRecord("r_1", WS, refusal.id(), ReviewItem.Kind.QUARANTINED, null, "s_sam", "looked at it",
                T0.plusSeconds(60));
        assertThat(repo.reviews().insertReview(review)).isTrue();
        assertThat(jdbc.positions().insertFixes(List.of(
                new RecordedFix("d_ana", WS, "b_1", new Fix(T0, io.fleetgate.geo.Coordinate.of(30.27, -97.74), 5.0, 3.5,
                        90.0), Set.of(FixMark.SPEED), T0.plusSeconds(5)),
                new RecordedFix("d_ana", WS, "b_1", Fix.of(T0.plusSeconds(10), 30.271, -97.74, null), Set.of(),
                        T0.plusSeconds(15))))).isEmpty();
    }

    private boolean sqlite() {
        return ((JdbcStore) store()).dialect() == Dialect.SQLITE;
    }

    @Test
    void databaseWhenDriverEventOverwrittenByAnyWriteFormThenRefusedOrUnchanged() throws Exception {
        // PostgreSQL (V16): the log is partitioned by recorded_at, so its unique indexes hold it too
        // (the claims in driver_event_ids decide; PostgresAppendOnlyTest tries those).
        List<String> month = sqlite() ? List.of() : List.of("recorded_at");
        List<String> sender = new ArrayList<>(List.of("workspace_id", "actor_id", "event_id"));
        List<String> version = new ArrayList<>(List.of("batch_id", "batch_version"));
        sender.addAll(month);
        version.addAll(month);
        assertEveryFormRefusedOrUnchanged("driver_events", "reason", "event_id = 'ev_1'", List.of(
                new Variant("(" + String.join(", ", sender) + ")", sender, ""),
                new Variant("(" + String.join(", ", version) + ")", version, "event_id = 'ev_forged'")));
    }

    @Test
    void databaseWhenQuarantinedEventOverwrittenByAnyWriteFormThenRefusedOrUnchanged() throws Exception {
        List<Variant> variants = new ArrayList<>(List.of(
                new Variant("the primary key", List.of("id"), ""),
                new Variant("(content_hash, event_id)", List.of("content_hash", "(COALESCE(event_id, ''))"),
                        "id = 'q_forged'" + (sqlite() ? ", seq = seq + 1000" : ""))));
        if (sqlite()) {
            // On PostgreSQL seq is an identity column without a unique constraint.
            variants.add(new Variant("seq", List.of("seq"), "id = 'q_forged', content_hash = 'forged'"));
        }
        assertEveryFormRefusedOrUnchanged("quarantined_events", "reason", "id = '" + refusal.id() + "'", variants);
    }

    @Test
    void databaseWhenReviewOverwrittenByAnyWriteFormThenRefusedOrUnchanged() throws Exception {
        assertEveryFormRefusedOrUnchanged("event_reviews", "note", "id = 'r_1'", List.of(
                new Variant("the primary key", List.of("id"), ""),
                new Variant("(workspace_id, item_kind, item_sender_id, item_id)",
                        List.of("workspace_id", "item_kind", "item_sender_id", "item_id"), "id = 'r_forged'")));
    }

    @Test
    void databaseWhenFixOverwrittenByAnyWriteFormThenRefusedOrUnchanged() throws Exception {
        assertEveryFormRefusedOrUnchanged("driver_fixes", "batch_id", "recorded_at = (SELECT MIN(recorded_at) FROM "
                + "driver_fixes)", List.of(new Variant("the primary key", List.of("driver_id", "recorded_at"), "")));
    }

    @Test
    void storeWhenIdempotentWritesRepeatedThenStillAnswerAsBeforeAndKeepOneRow() throws Exception {
        String before = fixture().snapshot();
        Batch b2 = repo.batches().findBatch("b_1").orElseThrow();

        // The same refused event resent is kept once, and the commit still succeeds.
        assertThat(repo.log().commit(List.of(), List.of(), List.of(quarantined("ev_q", "b_1", WS, "{\"n\":1}", T0))))
                .isTrue();
        // A second review of an item keeps the first.
        assertThat(repo.reviews().insertReview(new ReviewRecord("r_2", WS, refusal.id(), ReviewItem.Kind.QUARANTINED, null,
                "s_other", "again", T0.plusSeconds(90)))).isFalse();
        // An event id already in the log: the commit is refused as a whole, nothing written.
        Batch b3 = step(b2, DriverStatus.DELAYED, null, T0.plusSeconds(2));
        assertThat(repo.log().commit(List.of(new BatchChange(b3, b2.version())),
                List.of(event("ev_1", b3, DriverEventType.DELAY_REPORTED, DriverStatus.EN_ROUTE, T0.plusSeconds(2))),
                List.of())).isFalse();
        assertThat(fixture().snapshot()).isEqualTo(before);

        // A new row is still appended.
        assertThat(repo.log().commit(List.of(new BatchChange(b3, b2.version())),
                List.of(event("ev_3", b3, DriverEventType.DELAY_REPORTED, DriverStatus.EN_ROUTE, T0.plusSeconds(2))),
                List.of(quarantined("ev_q3", "b_1", WS, "{\"n\":3}", T0)))).isTrue();
        assertThat(repo.log().findLog("b_1")).extracting(DriverEvent::eventId).containsExactly("ev_1", "ev_2", "ev_3");
        assertThat(repo.reviews().findQuarantined("b_1")).hasSize(3);
    }

    @Test
    void databaseWhenPlainInsertTakesAnotherUniqueKeyThenStillAUniqueViolation() throws Exception {
        SqlDialect dialect = SqlDialect.of(((JdbcStore) store()).dialect());
        String sql = "INSERT INTO driver_events SELECT * FROM forged";
        Foreign foreign = foreignConnections().get(foreignConnections().size() - 1);
        try (Connection c = foreign.open().open(); Statement st = c.createStatement()) {
            st.execute(forgedCopy("driver_events", "event_id = 'ev_1'"));
            st.executeUpdate("UPDATE forged SET event_id = 'ev_forged'");
            assertThatThrownBy(() -> st.executeUpdate(sql)).as(sql)
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(dialect.isUniqueViolation(e))
                            .as("%s is read as a unique violation", e.getMessage()).isTrue());
            if (foreign.commit() != null) {
                c.rollback();
            }
        }
    }

    /**
     * A forged row: the stored row selected by {@code where}, with {@code tamper} changed and
     * {@code set} applied so that it collides with the stored row on {@code key} only.
     *
     * @param name what the forged row collides on
     * @param key  the conflict target's columns (or expressions)
     * @param set  an {@code UPDATE} set list making the other unique keys fresh, or empty
     */
    protected record Variant(String name, List<String> key, String set) {
    }

    protected final void assertEveryFormRefusedOrUnchanged(String table, String tamper, String where, List<Variant> variants)
            throws Exception {
        String before = fixture().snapshot();
        for (Foreign foreign : foreignConnections()) {
            try (Connection c = foreign.open().open(); Statement st = c.createStatement()) {
                String rows = physicalRows(st, table);
                assertThat(rows).as("the seeded rows of %s", table).isNotEmpty();
                int tried = 0;
                for (Variant v : variants) {
                    st.execute(forgedCopy(table, where));
                    st.executeUpdate("UPDATE forged SET " + tamper + " = 'tampered'"
                            + (v.set().isEmpty() ? "" : ", " + v.set()));
                    for (String sql : forms(table, tamper, v)) {
                        Savepoint sp = foreign.commit() == null ? null : c.setSavepoint();
                        String outcome;
                        try {
                            outcome = "changed " + st.executeUpdate(sql);
                        } catch (SQLException e) {
                            outcome = "refused: " + e.getMessage();
                            if (sp != null) {
                                c.rollback(sp);
                            }
                        }
                        assertThat(outcome).as("%s, %s (a forged row on %s)", foreign.name(), sql, v.name())
                                .matches("(?s)changed 0|refused: .*(is append-only|row-level security).*");
                        assertThat(physicalRows(st, table)).as("%s's rows after %s, %s", table, foreign.name(), sql)
                                .isEqualTo(rows);
                        tried++;
                    }
                    st.execute("DROP TABLE forged");
                }
                assertThat(tried).isGreaterThanOrEqualTo((table.equals("driver_fixes") ? 2 : 3) * variants.size());
                if (Boolean.TRUE.equals(foreign.commit())) {
                    c.commit();
                } else if (Boolean.FALSE.equals(foreign.commit())) {
                    c.rollback();
                }
            }
            assertThat(fixture().snapshot()).as("after %s", foreign.name()).isEqualTo(before);
        }
    }

    private String forgedCopy(String table, String where) {
        return sqlite()
                ? "CREATE TEMP TABLE forged AS SELECT * FROM " + table + " WHERE " + where
                : "CREATE TEMP TABLE forged ON COMMIT DROP AS SELECT * FROM " + table + " WHERE " + where;
    }

    private List<String> forms(String table, String tamper, Variant v) {
        // A fix may be deleted (the purge): only the forms that would overwrite one are tried.
        boolean deletable = table.equals("driver_fixes");
        String key = String.join(", ", v.key());
        if (sqlite()) {
            return List.of(
                    "INSERT OR REPLACE INTO " + table + " SELECT * FROM forged",
                    "REPLACE INTO " + table + " SELECT * FROM forged",
                    "INSERT INTO " + table + " SELECT * FROM forged WHERE true ON CONFLICT (" + key + ") "
                            + "DO UPDATE SET " + tamper + " = excluded." + tamper,
                    "INSERT INTO " + table + " SELECT * FROM forged WHERE true ON CONFLICT DO UPDATE SET "
                            + tamper + " = excluded." + tamper,
                    "UPDATE OR REPLACE " + table + " SET " + tamper + " = 'tampered'",
                    "UPDATE OR REPLACE " + table + " SET " + tamper + " = (SELECT " + tamper + " FROM forged)");
        }
        String overriding = table.equals("quarantined_events") ? " OVERRIDING SYSTEM VALUE" : "";
        String on = v.key().stream()
                .map(k -> k.startsWith("(") ? "COALESCE(t.event_id, '') = COALESCE(f.event_id, '')" : "t." + k + " = f." + k)
                .reduce((a, b) -> a + " AND " + b).orElseThrow();
        List<String> forms = new ArrayList<>(List.of(
                "INSERT INTO " + table + overriding + " SELECT * FROM forged ON CONFLICT (" + key + ") "
                        + "DO UPDATE SET " + tamper + " = excluded." + tamper,
                "MERGE INTO " + table + " t USING forged f ON " + on + " WHEN MATCHED THEN UPDATE SET "
                        + tamper + " = f." + tamper));
        if (!deletable) {
            forms.add("MERGE INTO " + table + " t USING forged f ON " + on + " WHEN MATCHED THEN DELETE");
        }
        return forms;
    }

    /** Every row of the table with its physical identity (none for SQLite's WITHOUT ROWID driver_fixes), sorted. */
    private String physicalRows(Statement st, String table) throws SQLException {
        String identity = !sqlite() ? "ctid::text AS physical_ctid, xmin::text AS physical_xmin, "
                : table.equals("driver_fixes") ? "" : "rowid AS physical_rowid, ";
        List<String> rows = new ArrayList<>();
        try (ResultSet rs = st.executeQuery("SELECT " + identity + "t.* FROM " + table + " t")) {
            ResultSetMetaData md = rs.getMetaData();
            while (rs.next()) {
                StringBuilder row = new StringBuilder();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    row.append(md.getColumnName(i)).append('=').append(rs.getString(i)).append(" | ");
                }
                rows.add(row.toString());
            }
        }
        rows.sort(null);
        return String.join("\n", rows);
    }
}
