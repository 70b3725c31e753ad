package io.fleetgate.store.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import java.sql.SQLException;
import java.util.UUID;

class PostgresMigrationTest extends MigrationContract {
    private final String schema = "m_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);

    PostgresMigrationTest() {
        PostgresFixture.execute("CREATE SCHEMA " + schema);
    }

    private String url() {
        String url = PostgresFixture.url();
        return url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    /** Migration tests act on the schema as its owner (raw DDL, the history table), so the store runs as it. */
    @Override
    protected JdbcStore.Builder emptyDatabase() {
        return JdbcStore.builder().postgres(url(), PostgresFixture.user(), PostgresFixture.password())
                .allowPrivilegedRuntime(true);
    }

    @Override
    protected JdbcStore.Builder onHostPool(HikariDataSource host) {
        return JdbcStore.builder().dataSource(host).allowPrivilegedRuntime(true);
    }

    @Override
    protected HikariDataSource hostPool() {
        HikariConfig c = new HikariConfig();
        c.setJdbcUrl(url());
        c.setUsername(PostgresFixture.user());
        c.setPassword(PostgresFixture.password());
        c.setMaximumPoolSize(4);
        return new HikariDataSource(c);
    }

    @Override
    protected Dialect dialect() {
        return Dialect.POSTGRES;
    }

    @Override
    protected boolean isUniqueViolation(SQLException e) {
        return "23505".equals(e.getSQLState());
    }

    @Override
    protected void dropDatabase() {
        PostgresFixture.execute("DROP SCHEMA " + schema + " CASCADE");
    }
}
