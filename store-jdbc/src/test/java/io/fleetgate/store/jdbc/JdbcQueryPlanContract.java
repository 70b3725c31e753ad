package io.fleetgate.store.jdbc;

import io.fleetgate.store.jdbc.internal.SqlDialect;
import io.fleetgate.store.jdbc.internal.SqlFiles;
import io.fleetgate.testkit.StoreContract;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Comparator;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The plans of the statements whose cost must not grow with the rows a database has gathered
 * (issue #19, item 5), on each database (thin subclasses): the shipped statement, as the store
 * runs it, read on a table shaped like a filled one. A plan is the only place where "reads what is
 * due, not everything ever stored" shows before the data is large.
 */
abstract class JdbcQueryPlanContract extends StoreContract {
    /** The sweep's instant: every finished session expired before it, every ACTIVE one after it. */
    static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");
    /** When every ACTIVE session expires: they were all activated an hour before the sweep. */
    static final Instant ACTIVE_EXPIRY = NOW.plusSeconds(11 * 3_600);
    /** Sessions shaped as the volume benchmark's fill shapes them: one finished per driver, one in five active. */
    static final int FINISHED = 3_000;
    static final int ACTIVE = 600;

    /** @return the dialect of the store under test */
    protected final Dialect dialect() {
        return ((JdbcStore) store()).dialect();
    }

    /**
     * Makes the database's statistics current, as a running server's autovacuum would (PostgreSQL:
     * {@code ANALYZE} needs the tables' owner); nothing on SQLite, which the store never analyses.
     *
     * @param table the table
     * @throws SQLException if it fails
     */
    protected abstract void analyze(String table) throws SQLException;

    /**
     * @param sql        a statement with named parameters ({@code :name}), as the store runs it
     * @param parameters each parameter's value as an SQL literal
     * @return its plan, one line per node: the plan the store's prepared statement settles on
     *         (PostgreSQL: the generic plan, which a prepared statement switches to after five
     *         executions, {@code EXPLAIN (ANALYZE, BUFFERS)} as the system principal; SQLite:
     *         {@code EXPLAIN QUERY PLAN}, which never knows the values)
     * @throws SQLException if it fails
     */
    protected abstract List<String> plan(String sql, Map<String, String> parameters) throws SQLException;

    @Test
    void expireDueWhenThousandsOfSessionsFinishedThenThePlanReadsOnlyActiveOnesOnThePartialIndex() throws Exception {
        JdbcAssertions.execute(ds(), "INSERT INTO chargers (id, lat, lng) VALUES ('c_1', 30.27, -97.74)");
        JdbcAssertions.execute(ds(), "INSERT INTO merchants (id, name) VALUES ('m_1', 'Depot')");
        // every finished session's expiry long past, every ACTIVE one's ahead: what a filled database holds.
        // With V1's indexes alone the planner walks ix_exclusive_sessions_expires in order and drops
        // every finished session by filter, reckoning ACTIVE rows spread over all expiry times.
        insertSessions("COMPLETED", FINISHED, NOW.minusSeconds(30 * 86_400), NOW.minusSeconds(3_600));
        insertSessions("ACTIVE", ACTIVE, ACTIVE_EXPIRY, ACTIVE_EXPIRY);
        analyze("exclusive_sessions");

        String plan = String.join("\n", plan(SqlFiles.statement(SqlDialect.of(dialect()), "exclusive/expire_due"),
                Map.of("now", literal(NOW), "limit", "100")));

        // the due sessions on the partial index, no finished one read and dropped; the rows updated
        // one by one by key, never a hash of every ACTIVE session or a scan of the table
        assertThat(plan).as("expire_due's plan").contains("ix_exclusive_sessions_active_expires")
                .doesNotContain("Rows Removed by Filter").doesNotContain("Hash").doesNotContain("SCAN exclusive_sessions");
        // and the statement still does its work: nothing is due, then the ACTIVE ones are, oldest first
        assertThat(store().exclusiveSessions().expireDue(NOW, 100)).isEmpty();
        assertThat(store().exclusiveSessions().expireDue(ACTIVE_EXPIRY, 7)).hasSize(7)
                .allSatisfy(s -> assertThat(s.status()).isEqualTo(io.fleetgate.exclusive.ExclusiveSessionStatus.EXPIRED));
    }

    /** Sessions of one status, drivers {@code <status>-<i>}, their expiries spread over [from, to) (all at {@code from} when equal). */
    private void insertSessions(String status, int n, Instant from, Instant to) throws SQLException {
        long span = (to.getEpochSecond() - from.getEpochSecond()) / n;
        StringBuilder values = new StringBuilder();
        for (int i = 0; i < n; i++) {
            Instant expires = from.plusSeconds(span * i);
            Instant activated = expires.minusSeconds(1_800);
            values.append(i == 0 ? "" : ", ").append("('").append(status).append('-').append(i).append("', '")
                    .append(status).append("-drv-").append(i).append("', 'm_1', 'c_1', '").append(status).append("', ")
                    .append(literal(activated)).append(", ").append(literal(expires)).append(", ")
                    .append("COMPLETED".equals(status) ? literal(activated.plusSeconds(600)) : "NULL").append(", ")
                    .append(literal(activated)).append(", ").append(literal(activated))
                    .append(", 30.27, -97.74, 5.0, 3.5)");
        }
        JdbcAssertions.execute(ds(), "INSERT INTO exclusive_sessions (id, driver_id, merchant_id, charger_id, status,"
                + " activated_at, expires_at, completed_at, created_at, updated_at, activation_lat, activation_lng,"
                + " activation_accuracy_m, activation_distance_to_charger_m) VALUES " + values);
    }

    /**
     * @param parameters named parameters
     * @return their names, longest first: replacing {@code :limit} before a {@code :lim} keeps the
     *         shorter name from matching inside the longer
     */
    protected static List<String> longestFirst(Map<String, String> parameters) {
        return parameters.keySet().stream().sorted(Comparator.comparing(String::length).reversed()).toList();
    }

    protected javax.sql.DataSource ds() {
        return ((JdbcStore) store()).dataSource();
    }

    private String literal(Instant at) {
        return JdbcAssertions.literal(dialect(), at);
    }
}
