package io.fleetgate.store.jdbc;

import io.fleetgate.testkit.StoreFixture;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

class SqliteSecurityAuditTest extends JdbcSecurityAuditContract {
    @Override
    protected StoreFixture newFixture() {
        return new SqliteFixture();
    }

    @Override
    protected void executeAsSystem(Connection c, String sql) throws SQLException {
        execute(c, sql);
    }

    @Override
    protected List<String> tamperings() {
        return List.of("UPDATE security_audit SET actor_id = 'x' WHERE id = 'a1'",
                "DELETE FROM security_audit WHERE id = 'a1'",
                "DELETE FROM security_audit",
                "INSERT OR REPLACE INTO security_audit (id, workspace_id, actor_id, action, user_id, at) "
                        + "VALUES ('a1', 'ws_1', 'x', 'login_unlocked', 'd_ana', 1)",
                "REPLACE INTO security_audit (id, workspace_id, actor_id, action, user_id, at) "
                        + "VALUES ('a1', 'ws_1', 'x', 'login_unlocked', 'd_ana', 1)",
                "INSERT INTO security_audit (id, workspace_id, actor_id, action, user_id, at) "
                        + "VALUES ('a1', 'ws_1', 'x', 'login_unlocked', 'd_ana', 1) "
                        + "ON CONFLICT (id) DO UPDATE SET actor_id = 'x'");
    }
}
