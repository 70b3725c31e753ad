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
 * A fresh schema on the PostgreSQL server given by the system properties (in scripts/test's second
 * pass the host reaches it through PgBouncer, see {@link TestPostgres})
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

    /** Raw JDBC goes straight to the server, also in scripts/test's pass through PgBouncer. */
    private static Connection connect() throws SQLException {
        return DriverManager.getConnection(TestPostgres.directUrl(), TestPostgres.user(), TestPostgres.password());
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
        ServeOptions options = new ServeOptions(0, url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema,
                TestPostgres.runtimeUser(), TestPostgres.runtimePassword(), null, TestPostgres.user(), TestPostgres.password());
        if (!TestPostgres.throughTransactionPooler()) {
            return options;
        }
        // scripts/test's PgBouncer pass: the host as FLEETGATE_PG_POOLER=transaction and
        // FLEETGATE_PG_LISTEN_URL set it up, listening for the change feed straight on the server
        String direct = TestPostgres.directUrl();
        return options.withPgPooler(io.fleetgate.store.jdbc.Pooler.TRANSACTION,
                direct + (direct.contains("?") ? "&" : "?") + "currentSchema=" + schema);
    }

    /**
     * Every table's rows, as the library's system principal sees them: the tables under row-level
     * security are read by the runtime role with the system principal bound (the owner, whose
     * policies are forced too, would see none of their rows and the dump would prove nothing),
     * the rest as the owner. One transaction, rolled back.
     */
    @Override
    public String dumpTables() throws SQLException {
        String direct = TestPostgres.directUrl();
        String url = direct + (direct.contains("?") ? "&" : "?") + "currentSchema=" + schema;
        try (Connection owner = DriverManager.getConnection(url, TestPostgres.user(), TestPostgres.password());
             Connection runtime = DriverManager.getConnection(url, TestPostgres.runtimeUser(),
                     TestPostgres.runtimePassword())) {
            List<String> asSystem = new ArrayList<>();
            List<String> asOwner = new ArrayList<>();
            try (var st = owner.prepareStatement("SELECT table_name, has_table_privilege(?, table_schema || '.'"
                    + " || quote_ident(table_name), 'SELECT') FROM information_schema.tables"
                    + " WHERE table_schema = ? AND table_type = 'BASE TABLE'")) {
                st.setString(1, TestPostgres.runtimeUser());
                st.setString(2, schema);
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        (rs.getBoolean(2) ? asSystem : asOwner).add(schema + "." + rs.getString(1));
                    }
                }
            }
            if (asSystem.isEmpty()) {
                return TestDatabase.dump(owner, asOwner);
            }
            runtime.setAutoCommit(false);
            try {
                io.fleetgate.store.jdbc.PostgresContextKey.read(owner)
                        .bind(runtime, io.fleetgate.Principal.system(), java.time.Instant.now());
                return TestDatabase.dump(runtime, asSystem) + TestDatabase.dump(owner, asOwner);
            } finally {
                runtime.rollback();
            }
        }
    }

    @Override
    public void drop() {
        if (created) {
            execute("DROP SCHEMA " + schema + " CASCADE");
        }
    }
}
