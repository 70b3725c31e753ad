package io.fleetgate.store.jdbc;

import io.fleetgate.Principal;
import io.fleetgate.internal.AccessContext;
import io.fleetgate.session.SecurityAuditEntry;
import io.fleetgate.testkit.StoreContract;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The security audit table (V6) on each database (thin subclasses): rows are read per workspace,
 * and the database itself refuses to change or replace one.
 */
abstract class SecurityAuditStoreContract extends StoreContract {
    protected static final Instant T0 = Instant.parse("2026-11-22T10:00:00.123456Z");

    /**
     * Runs one statement as the database's most trusted application principal (the system on
     * PostgreSQL, where row-level security would otherwise hide the rows).
     *
     * @param c   a connection of the store's pool
     * @param sql the statement
     * @throws SQLException as the database answers
     */
    protected abstract void executeAsSystem(Connection c, String sql) throws SQLException;

    /** @return statements that would change or replace the audit row {@code a1} on this database */
    protected abstract List<String> tamperings();

    protected JdbcStore jdbc() {
        return (JdbcStore) store();
    }

    protected static SecurityAuditEntry entry(String id, String workspaceId, String actorId, Instant at) {
        return new SecurityAuditEntry(id, workspaceId, actorId, "login_unlocked", "d_ana", at);
    }

    @Test
    void unlockWhenAuditGivenThenRowsReadPerWorkspaceOldestFirst() {
        store().credentials().unlock("ana", List.of(entry("a2", "ws_1", "s_sam", T0.plusSeconds(1)),
                entry("b1", "ws_2", "system", T0)));
        store().credentials().unlock("ana", List.of(entry("a1", "ws_1", "system", T0)));

        assertThat(store().credentials().findSecurityAudit("ws_1")).extracting(SecurityAuditEntry::id)
                .containsExactly("a1", "a2");
        assertThat(store().credentials().findSecurityAudit("ws_1").get(1)).isEqualTo(entry("a2", "ws_1", "s_sam", T0.plusSeconds(1)));
        assertThat(store().credentials().findSecurityAudit("ws_3")).isEmpty();
    }

    @Test
    void auditRowWhenUpdatedDeletedOrReplacedByHandThenTheDatabaseRefuses() throws Exception {
        store().credentials().unlock("ana", List.of(entry("a1", "ws_1", "s_sam", T0)));
        for (String sql : tamperings()) {
            try (Connection c = jdbc().dataSource().getConnection()) {
                assertThatThrownBy(() -> executeAsSystem(c, sql)).as(sql).isInstanceOf(SQLException.class);
            }
        }
        assertThat(store().credentials().findSecurityAudit("ws_1")).containsExactly(entry("a1", "ws_1", "s_sam", T0));
    }

    static void execute(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    /**
     * @param who a principal
     * @return the scope binding the store's transactions to it
     */
    protected static AccessContext.Scope as(Principal who) {
        return AccessContext.enter(who);
    }
}
