package io.fleetgate.store.jdbc;

import io.fleetgate.contract.AccessServiceContract;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import javax.sql.DataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link AccessServiceContract} on {@link JdbcStore}, plus what only a database can show: its
 * check and foreign key refusing a hand-made membership. On each database by a thin subclass.
 */
abstract class JdbcAccessServiceContract extends AccessServiceContract {

    @Test
    void databaseWhenRoleOutsideTheListInsertedByHandThenRefused() {
        DataSource ds = ((JdbcStore) store()).dataSource();
        assertThatThrownBy(() -> JdbcAssertions.execute(ds,
                "INSERT INTO workspace_members (user_id, workspace_id, role) VALUES ('u_x', 'ws_1', 'OWNER')"))
                .isInstanceOf(SQLException.class);
        assertThatThrownBy(() -> JdbcAssertions.execute(ds,
                "INSERT INTO workspace_members (user_id, workspace_id, role) VALUES ('u_x', 'ws_404', 'MEMBER')"))
                .isInstanceOf(SQLException.class);
        assertThat(directory.findMemberships("u_x")).isEmpty();
    }
}
