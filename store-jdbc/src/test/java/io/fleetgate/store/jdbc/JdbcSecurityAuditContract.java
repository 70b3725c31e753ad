package io.fleetgate.store.jdbc;

import io.fleetgate.contract.SecurityAuditStoreContract;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link SecurityAuditStoreContract} on {@link JdbcStore} (table {@code security_audit}, V6), plus
 * what only a database can show: it refuses to change or replace a row by hand. On each database
 * by a thin subclass.
 */
abstract class JdbcSecurityAuditContract extends SecurityAuditStoreContract {

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
}
