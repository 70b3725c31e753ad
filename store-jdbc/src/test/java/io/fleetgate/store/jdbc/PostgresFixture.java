package io.fleetgate.store.jdbc;

import io.fleetgate.FleetgateStore;
import io.fleetgate.testing.StoreFixture;
import io.fleetgate.testing.TestPostgres;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A fresh PostgreSQL schema per test on the server given by the system properties
 * {@code fleetgate.test.pg.url}, {@code .user} and {@code .password} (scripts/test provisions
 * one). Without them the test fails, saying how to provide a server: PostgreSQL tests never skip.
 *
 * <p>The tables holding drivers' data have row-level security (migration V5): a raw statement on
 * a connection that set no principal sees none of their rows. Tests that read or write them with
 * plain JDBC do it through {@link #asSystem}, which acts as the library's system principal for
 * one transaction.
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
        return TestPostgres.url();
    }

    static String user() {
        return TestPostgres.user();
    }

    static String password() {
        return TestPostgres.password();
    }

    /**
     * @return a login role that is neither superuser nor BYPASSRLS and owns nothing
     *         ({@code fleetgate.test.pg.reader.user}; scripts/test creates {@code fleetgate_reader})
     */
    static String readerUser() {
        String user = System.getProperty("fleetgate.test.pg.reader.user", "");
        if (user.isBlank()) {
            throw new IllegalStateException("The row-level security tests need a second PostgreSQL login role that "
                    + "is not a superuser, has no BYPASSRLS and owns nothing. scripts/test creates one "
                    + "(fleetgate_reader) on the server it provisions; with your own server (FLEETGATE_TEST_PG_URL) "
                    + "create one, e.g. CREATE ROLE fleetgate_reader LOGIN PASSWORD 'fleetgate_reader' NOSUPERUSER "
                    + "NOBYPASSRLS, and set FLEETGATE_TEST_PG_READER_USER and FLEETGATE_TEST_PG_READER_PASSWORD "
                    + "(or pass -Dfleetgate.test.pg.reader.user=U -Dfleetgate.test.pg.reader.password=P to mvn).");
        }
        return user;
    }

    /** @return the password of {@link #readerUser()} */
    static String readerPassword() {
        return System.getProperty("fleetgate.test.pg.reader.password");
    }

    /** Work on a raw connection. */
    @FunctionalInterface
    interface SqlWork<T> {
        /**
         * @param c the connection
         * @return a result
         * @throws SQLException if a statement fails
         */
        T run(Connection c) throws SQLException;
    }

    /**
     * Runs raw JDBC work as the library's system principal. On PostgreSQL: in one transaction that
     * first sets {@code fleetgate.role = 'system'} with {@code set_config(…, true)}, so the
     * row-level security policies let it see and change every row, and nothing is left on the
     * (pooled) connection afterwards; a failure rolls it back and is rethrown. On another
     * database (SQLite: no row-level security): on the connection as it comes, in auto-commit mode.
     *
     * @param ds   the database
     * @param work the work
     * @param <T>  its result
     * @return its result
     * @throws SQLException if the work fails
     */
    static <T> T asSystem(DataSource ds, SqlWork<T> work) throws SQLException {
        try (Connection c = ds.getConnection()) {
            if (!isPostgres(c)) {
                return work.run(c);
            }
            return inTransaction(c, "system", "system", "", work);
        }
    }

    /**
     * Runs work in one transaction of {@code c} that first sets the settings the row-level
     * security policies read, as the store does; commits on success, rolls back on failure.
     *
     * @param c           a PostgreSQL connection
     * @param role        {@code system}, {@code driver}, {@code supervisor} or {@code member};
     *                    {@code null} sets nothing
     * @param userId      the acting user
     * @param workspaceId the workspace, or {@code ""}
     * @param work        the work
     * @param <T>         its result
     * @return its result
     * @throws SQLException if the work fails
     */
    static <T> T inTransaction(Connection c, String role, String userId, String workspaceId, SqlWork<T> work)
            throws SQLException {
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
            if (role != null) {
                try (PreparedStatement st = c.prepareStatement("SELECT set_config('fleetgate.role', ?, true), "
                        + "set_config('fleetgate.user_id', ?, true), set_config('fleetgate.workspace_id', ?, true)")) {
                    st.setString(1, role);
                    st.setString(2, userId);
                    st.setString(3, workspaceId);
                    st.executeQuery().close();
                }
            }
            T result = work.run(c);
            c.commit();
            return result;
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(auto);
        }
    }

    /**
     * Runs work as the tables' owner with row-level security not forced on {@code tables}, in one
     * transaction that is always rolled back (so the {@code ALTER TABLE}s never persist). The
     * owner is then not bound by the policies: what is left to refuse a statement is the schema
     * itself (constraints, triggers).
     *
     * @param ds     the store's database, reached as the tables' owner
     * @param tables the tables to lift row-level security from
     * @param work   the work
     * @param <T>    its result
     * @return its result
     * @throws SQLException if the work fails
     */
    static <T> T withoutForcedRowSecurity(DataSource ds, List<String> tables, SqlWork<T> work) throws SQLException {
        try (Connection c = ds.getConnection()) {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            try (Statement st = c.createStatement()) {
                for (String table : tables) {
                    st.execute("ALTER TABLE " + table + " NO FORCE ROW LEVEL SECURITY");
                }
                return work.run(c);
            } finally {
                c.rollback();
                c.setAutoCommit(auto);
            }
        }
    }

    static boolean isPostgres(Connection c) throws SQLException {
        return "PostgreSQL".equals(c.getMetaData().getDatabaseProductName());
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
