package io.fleetgate.store.jdbc;

import io.fleetgate.FleetgateStore;
import io.fleetgate.testing.StoreFixture;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A fresh PostgreSQL schema per test on the server given by the system properties
 * {@code fleetgate.test.pg.url}, {@code .user} and {@code .password} (scripts/test provisions
 * one). Without them the test fails, saying how to provide a server: PostgreSQL tests never skip.
 */
final class PostgresFixture implements StoreFixture {
    private final String schema = "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    private final JdbcStore store;
    private final List<JdbcStore> others = new ArrayList<>();

    PostgresFixture() {
        execute("CREATE SCHEMA " + schema);
        store = open();
    }

    static String url() {
        String url = System.getProperty("fleetgate.test.pg.url", "");
        if (url.isBlank()) {
            throw new IllegalStateException("PostgreSQL tests need a server. Run scripts/test (it provisions a "
                    + "throwaway one), or pass -Dfleetgate.test.pg.url=jdbc:postgresql://HOST:PORT/DB "
                    + "-Dfleetgate.test.pg.user=U -Dfleetgate.test.pg.password=P to mvn.");
        }
        return url;
    }

    static String user() {
        return System.getProperty("fleetgate.test.pg.user");
    }

    static String password() {
        return System.getProperty("fleetgate.test.pg.password");
    }

    String schemaUrl() {
        String url = url();
        return url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    String schema() {
        return schema;
    }

    JdbcStore open() {
        return JdbcStore.builder().postgres(schemaUrl(), user(), password()).poolSize(20).build();
    }

    static void execute(String sql) {
        try (Connection c = DriverManager.getConnection(url(), user(), password());
             Statement st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot run " + sql + ": " + e.getMessage(), e);
        }
    }

    @Override
    public JdbcStore store() {
        return store;
    }

    @Override
    public FleetgateStore secondInstance() {
        JdbcStore other = open();
        others.add(other);
        return other;
    }

    @Override
    public String snapshot() {
        return TableDump.dump(store.dataSource(), Dialect.POSTGRES);
    }

    @Override
    public void close() {
        others.forEach(JdbcStore::close);
        store.close();
        execute("DROP SCHEMA " + schema + " CASCADE");
    }
}
