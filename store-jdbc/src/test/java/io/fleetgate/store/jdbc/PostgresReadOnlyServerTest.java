package io.fleetgate.store.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.fleetgate.access.Workspace;
import io.fleetgate.error.ErrorCode;
import io.fleetgate.error.FleetgateException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.logging.Logger;
import javax.sql.DataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A PostgreSQL server that takes no writes (issue #19: a standby given as the only URL, or a
 * primary demoted under the store). At build the store refuses it, naming the fix, before it
 * writes anything; a connection that turns read-only later answers a write with SQLSTATE 25006,
 * which is {@code STORE_UNAVAILABLE} (nothing applied, never another error), and the store's own
 * pool closes that connection, so the write runs again on a new one. Read-only sessions stand in
 * for a standby here (a standby's sessions are read-only too; scripts/torture's {@code failover}
 * starts a real one and checks that {@code serve} refuses it).
 */
class PostgresReadOnlyServerTest {
    private final List<AutoCloseable> closing = new ArrayList<>();
    private final List<String> schemas = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
        schemas.forEach(s -> PostgresFixture.execute("DROP SCHEMA " + s + " CASCADE"));
    }

    private String newSchema() {
        String schema = "t_ro_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        PostgresFixture.execute("CREATE SCHEMA " + schema);
        schemas.add(schema);
        return schema;
    }

    private static String url(String schema) {
        String url = PostgresFixture.url();
        return url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    @Test
    void buildRefusesAServerWhoseSessionsAreReadOnlyNamingTheFixAndWritesNothing() throws SQLException {
        String schema = newSchema();
        // every session of this URL starts read-only, as on a standby
        String readOnly = url(schema) + "&options=-c%20default_transaction_read_only%3Don";

        assertThatThrownBy(() -> JdbcStore.builder().postgres(readOnly)
                .owner(PostgresFixture.user(), PostgresFixture.password())
                .runtime(PostgresFixture.runtimeUser(), PostgresFixture.runtimePassword()).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("are read-only (transaction_read_only is on")
                .hasMessageContaining("the runtime role")
                .hasMessageContaining("targetServerType=primary")
                .hasMessageContaining("default_transaction_read_only = off");
        try (Connection c = DriverManager.getConnection(url(schema), PostgresFixture.user(), PostgresFixture.password());
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_tables WHERE schemaname = '" + schema + "'")) {
            rs.next();
            assertThat(rs.getInt(1)).as("tables created in the refused schema (no migration ran)").isZero();
        }
    }

    @Test
    void buildRefusesAReadOnlyOwnerConnectionToo() {
        String schema = newSchema();
        HikariDataSource runtime = pool(url(schema), PostgresFixture.runtimeUser(), PostgresFixture.runtimePassword());
        HikariDataSource owner = pool(url(schema) + "&options=-c%20default_transaction_read_only%3Don",
                PostgresFixture.user(), PostgresFixture.password());

        assertThatThrownBy(() -> JdbcStore.builder().dataSource(runtime).ownerDataSource(owner).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("reached as the owner")
                .hasMessageContaining("are read-only");
    }

    @Test
    void aPooledConnectionThatTurnedReadOnlyIsClosedAndTheWriteRunsAgainOnANewOne() throws SQLException {
        String schema = newSchema();
        JdbcStore store = JdbcStore.builder().postgres(url(schema))
                .owner(PostgresFixture.user(), PostgresFixture.password())
                .runtime(PostgresFixture.runtimeUser(), PostgresFixture.runtimePassword()).poolSize(1).build();
        closing.add(store);
        // the pool's one connection now starts every transaction read-only (as after a demotion)
        try (Connection c = store.dataSource().getConnection(); Statement st = c.createStatement()) {
            st.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY");
        }

        store.workspaces().upsertWorkspace(new Workspace("ws_ro", "North"));

        assertThat(store.workspaces().findWorkspace("ws_ro")).map(Workspace::name).contains("North");
        try (Connection c = store.dataSource().getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT current_setting('transaction_read_only')")) {
            rs.next();
            assertThat(rs.getString(1)).as("the pool's connection after the write").isEqualTo("off");
        }
    }

    @Test
    void aWriteOnAServerThatStaysReadOnlyIsStoreUnavailableAndAppliesNothing() {
        String schema = newSchema();
        SwitchableReadOnly runtime = new SwitchableReadOnly(
                pool(url(schema), PostgresFixture.runtimeUser(), PostgresFixture.runtimePassword()));
        HikariDataSource owner = pool(url(schema), PostgresFixture.user(), PostgresFixture.password());
        JdbcStore store = JdbcStore.builder().dataSource(runtime).ownerDataSource(owner).build();
        closing.add(store);
        store.workspaces().upsertWorkspace(new Workspace("ws_before", "Before"));

        runtime.readOnly = true;
        assertThatThrownBy(() -> store.workspaces().upsertWorkspace(new Workspace("ws_ro", "North")))
                .isInstanceOfSatisfying(FleetgateException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.STORE_UNAVAILABLE));
        assertThat(store.workspaces().findWorkspace("ws_before")).as("reads still work").isPresent();

        runtime.readOnly = false;
        assertThat(store.workspaces().findWorkspace("ws_ro")).as("the refused write").isEmpty();
        store.workspaces().upsertWorkspace(new Workspace("ws_ro", "North"));
        assertThat(store.workspaces().findWorkspace("ws_ro")).isPresent();
    }

    private HikariDataSource pool(String url, String user, String password) {
        HikariConfig c = new HikariConfig();
        c.setJdbcUrl(url);
        c.setUsername(user);
        c.setPassword(password);
        c.setMaximumPoolSize(3);
        c.setMinimumIdle(0);
        HikariDataSource ds = new HikariDataSource(c);
        closing.add(ds);
        return ds;
    }

    /**
     * A host's pool whose connections, while {@link #readOnly}, start every transaction read-only
     * (as every connection to a server that is now a standby would), and read-write again after.
     */
    private static final class SwitchableReadOnly implements DataSource {
        private final DataSource real;
        private volatile boolean readOnly;

        SwitchableReadOnly(DataSource real) {
            this.real = real;
        }

        @Override
        public Connection getConnection() throws SQLException {
            Connection c = real.getConnection();
            try (Statement st = c.createStatement()) {
                st.execute("SET SESSION CHARACTERISTICS AS TRANSACTION " + (readOnly ? "READ ONLY" : "READ WRITE"));
            }
            return c;
        }

        @Override
        public Connection getConnection(String username, String password) throws SQLException {
            throw new SQLException("not used");
        }

        @Override
        public PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(PrintWriter out) {
        }

        @Override
        public void setLoginTimeout(int seconds) {
        }

        @Override
        public int getLoginTimeout() {
            return 0;
        }

        @Override
        public Logger getParentLogger() {
            return Logger.getGlobal();
        }

        @Override
        public <T> T unwrap(Class<T> iface) throws SQLException {
            return real.unwrap(iface);
        }

        @Override
        public boolean isWrapperFor(Class<?> iface) throws SQLException {
            return real.isWrapperFor(iface);
        }
    }
}
