package io.fleetgate.examples.http;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The HTTP contract on PostgreSQL: a fresh schema per test on the server given by the system
 * properties {@code fleetgate.test.pg.url}, {@code .user} and {@code .password} (scripts/test
 * provisions one). Without them every test fails saying how to provide a server: never skipped.
 */
class PostgresHttpApiTest extends HttpApiContract {
    private final String schema = "http_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    private boolean created;

    static String url() {
        String url = System.getProperty("fleetgate.test.pg.url", "");
        if (url.isBlank()) {
            throw new IllegalStateException("PostgreSQL tests need a server. Run scripts/test (it provisions a "
                    + "throwaway one), or pass -Dfleetgate.test.pg.url=jdbc:postgresql://HOST:PORT/DB "
                    + "-Dfleetgate.test.pg.user=U -Dfleetgate.test.pg.password=P to mvn.");
        }
        return url;
    }

    private static Connection connect() throws SQLException {
        return DriverManager.getConnection(url(), System.getProperty("fleetgate.test.pg.user"),
                System.getProperty("fleetgate.test.pg.password"));
    }

    private static void execute(String sql) {
        try (Connection c = connect(); Statement st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot run " + sql + ": " + e.getMessage(), e);
        }
    }

    @Override
    ServeOptions database() {
        if (!created) {
            execute("CREATE SCHEMA " + schema);
            created = true;
        }
        String url = url();
        return new ServeOptions(0, url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema,
                System.getProperty("fleetgate.test.pg.user"), System.getProperty("fleetgate.test.pg.password"), null);
    }

    @Override
    String dumpTables() throws Exception {
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
            return dump(c, tables);
        }
    }

    @Override
    void dropDatabase() {
        if (created) {
            execute("DROP SCHEMA " + schema + " CASCADE");
        }
    }
}
