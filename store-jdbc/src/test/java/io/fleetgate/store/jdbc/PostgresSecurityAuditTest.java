package io.fleetgate.store.jdbc;

import io.fleetgate.Principal;
import io.fleetgate.internal.AccessContext;
import io.fleetgate.testkit.StoreFixture;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PostgresSecurityAuditTest extends JdbcSecurityAuditContract {
    @Override
    protected StoreFixture newFixture() {
        return new PostgresFixture();
    }

    @Override
    protected void executeAsSystem(Connection c, String sql) throws SQLException {
        PostgresFixture.inTransaction(c, "system", "system", "", x -> {
            execute(x, sql);
            return null;
        });
    }

    @Override
    protected List<String> tamperings() {
        // UPDATE and DELETE match no row for any bound role (no policy allows them): see below
        return List.of("TRUNCATE security_audit",
                "INSERT INTO security_audit (id, workspace_id, actor_id, action, user_id, at) "
                        + "VALUES ('a1', 'ws_1', 'x', 'login_unlocked', 'd_ana', now()) "
                        + "ON CONFLICT (id) DO UPDATE SET actor_id = 'x'");
    }

    @Test
    void auditRowWhenUpdatedOrDeletedThenRuntimeRoleHasNoPrivilegeAndOwnerAsSystemMatchesNoRow() throws Exception {
        store().credentials().unlock("ana", List.of(entry("a1", "ws_1", "s_sam", T0)));
        List<String> tamper = List.of("UPDATE security_audit SET actor_id = 'x' WHERE id = 'a1'",
                "DELETE FROM security_audit WHERE id = 'a1'");
        try (Connection c = jdbc().dataSource().getConnection()) { // the runtime role the store runs as
            for (String sql : tamper) {
                assertThatThrownBy(() -> PostgresFixture.inTransaction(c, "system", "system", "", x -> {
                    try (java.sql.Statement st = x.createStatement()) {
                        return st.executeUpdate(sql);
                    }
                })).as(sql).isInstanceOfSatisfying(java.sql.SQLException.class,
                        e -> assertThat(e.getSQLState()).isEqualTo("42501"));
            }
        }
        try (Connection c = ((PostgresFixture) fixture()).ownerDataSource().getConnection()) { // the owner, bound by RLS
            for (String sql : tamper) {
                int changed = PostgresFixture.inTransaction(c, "system", "system", "", x -> {
                    try (java.sql.Statement st = x.createStatement()) {
                        return st.executeUpdate(sql);
                    }
                });
                assertThat(changed).as(sql).isZero();
            }
        }
        assertThat(store().credentials().findSecurityAudit("ws_1")).containsExactly(entry("a1", "ws_1", "s_sam", T0));
    }

    @Test
    void auditWhenSupervisorOfAnotherWorkspaceThenRowLevelSecurityHidesAndRefusesTheirRows() {
        try (AccessContext.Scope s = AccessContext.enter(Principal.supervisor("s_sam", "ws_1"))) {
            store().credentials().unlock("ana", List.of(entry("a1", "ws_1", "s_sam", T0)));
        }
        try (AccessContext.Scope s = AccessContext.enter(Principal.supervisor("s_oz", "ws_2"))) {
            assertThat(store().credentials().findSecurityAudit("ws_1")).isEmpty();
            assertThatThrownBy(() -> store().credentials().unlock("ana", List.of(entry("a2", "ws_1", "s_oz", T0))))
                    .isInstanceOf(RuntimeException.class);
            assertThatThrownBy(() -> store().credentials().unlock("ana", List.of(entry("a3", "ws_2", "s_sam", T0))))
                    .as("a supervisor appends only as themselves").isInstanceOf(RuntimeException.class);
        }
        try (AccessContext.Scope s = AccessContext.enter(Principal.supervisor("s_sam", "ws_1"))) {
            assertThat(store().credentials().findSecurityAudit("ws_1")).extracting(e -> e.id()).containsExactly("a1");
        }
        assertThat(store().credentials().findSecurityAudit("ws_2")).isEmpty();
    }
}
