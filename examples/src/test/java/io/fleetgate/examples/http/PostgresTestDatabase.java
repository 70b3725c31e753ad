package io.fleetgate.examples.http;

import io.fleetgate.testkit.TestPostgres;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A fresh schema on the PostgreSQL server given by the system properties
 * {@code fleetgate.test.pg.url}, {@code .user} and {@code .password} (the owner) and
 * {@code .runtime.user}, {@code .runtime.password} (the role the host's store runs as);
 * scripts/test provisions them. Created on first use. Without them every use fails saying how to
 * provide a server: a suite on it is never skipped.
 */
final class PostgresTestDatabase implements TestDatabase {
    private final String schema = "http_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    private boolean created;

    static String url() {
        return TestPostgres.url();
    }

    private static Connection connect() throws SQLException {
        return DriverManager.getConnection(TestPostgres.url(), TestPostgres.user(), TestPostgres.password());
    }

    private static void execute(String sql) {
        try (Connection c = connect(); Statement st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot run " + sql + ": " + e.getMessage(), e);
        }
    }

    @Override
    public ServeOptions options() {
        if (!created) {
            execute("CREATE SCHEMA " + schema);
            created = true;
        }
        String url = url();
        return new ServeOptions(0, url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema,
                TestPostgres.runtimeUser(), TestPostgres.runtimePassword(), null, TestPostgres.user(), TestPostgres.password());
    }

    @Override
    public String dumpTables() throws SQLException {
        try (Connection c = connect()) {
            List<String> tables = new ArrayList<>();
            try (var st = c.prepareStatement("SELECT table_name FROM information_schema.tables "
                    + "WHERE table_schema = ? AND table_type = 'BASE TABLE'")) {
                st.setString(1, schema);
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        tables.add(schema + "." + rs.getString(1));
                    }
                }
            }
            return TestDatabase.dump(c, tables);
        }
    }

    @Override
    public void drop() {
        if (created) {
            execute("DROP SCHEMA " + schema + " CASCADE");
        }
    }
}
