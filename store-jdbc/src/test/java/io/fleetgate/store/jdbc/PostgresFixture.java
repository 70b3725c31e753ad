package io.fleetgate.store.jdbc;

import io.fleetgate.Principal;
import io.fleetgate.access.AccessService;
import io.fleetgate.access.Membership;
import io.fleetgate.access.Role;
import io.fleetgate.access.Workspace;
import io.fleetgate.spi.FleetgateStore;
import io.fleetgate.testkit.StoreFixture;
import io.fleetgate.testkit.TestFleetgates;
import io.fleetgate.testkit.TestPostgres;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.sql.DataSource;

/**
 * A fresh PostgreSQL schema per test on the server given by the system properties
 * {@code fleetgate.test.pg.url}, {@code .user}, {@code .password} (the owner, which migrates) and
 * {@code .runtime.user}, {@code .runtime.password} (the role the stores run as); scripts/test
 * provisions them. Without them the test fails, saying how to provide them: PostgreSQL tests never
 * skip.
 *
 * <p>The tables holding drivers' data have row-level security (migrations V5 and V8): a raw
 * statement on a connection that set no verified principal sees none of their rows. Tests that
 * read or write them with plain JDBC do it through {@link #asSystem}, which acts as the library's
 * system principal for one transaction, with a context signed by the schema's key (read over an
 * owner connection, as the store does).
 */
final class PostgresFixture implements StoreFixture {
    private final String schema = "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    private final JdbcStore store;
    private final List<JdbcStore> others = new ArrayList<>();

    PostgresFixture() {
        execute("CREATE SCHEMA " + schema);
        store = open();
    }

    /**
     * {@return the server's URL for raw JDBC: direct, also in scripts/test's pass through PgBouncer
     * (a test's own connection needs its session, e.g. for currentSchema)}
     */
    static String url() {
        return TestPostgres.directUrl();
    }

    /** {@return the pooler setting the stores are built with: TRANSACTION in the PgBouncer pass} */
    static Pooler pooler() {
        return Pooler.parse("fleetgate.test.pg.pooler", TestPostgres.pooler());
    }

    static String user() {
        return TestPostgres.user();
    }

    static String password() {
        return TestPostgres.password();
    }

    static String runtimeUser() {
        return TestPostgres.runtimeUser();
    }

    static String runtimePassword() {
        return TestPostgres.runtimePassword();
    }

    /**
     * Reads the key anew each time: undoing V8 and applying it again makes a new one.
     *
     * @param c a connection on a schema (any role)
     * @return the key of its current schema, read as the owner; {@code null} when the schema has no
     *         migration V8 yet
     * @throws SQLException if it cannot be read
     */
    static PostgresContextKey key(Connection c) throws SQLException {
        String schema;
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT current_schema()")) {
            rs.next();
            schema = rs.getString(1);
        }
        String base = url();
        try (Connection owner = DriverManager.getConnection(base + (base.contains("?") ? "&" : "?")
                + "currentSchema=" + schema, user(), password())) {
            return PostgresContextKey.read(owner);
        } catch (SQLException e) {
            if ("42P01".equals(e.getSQLState())) {
                return null;
            }
            throw e;
        }
    }

    /**
     * @param role        {@code system}, {@code driver}, {@code supervisor} or {@code member}
     * @param userId      the acting user
     * @param workspaceId the workspace, or {@code ""}
     * @return that principal
     */
    static Principal principal(String role, String userId, String workspaceId) {
        return switch (role) {
            case "system" -> Principal.system();
            case "driver" -> Principal.driver(userId);
            case "supervisor" -> Principal.supervisor(userId, workspaceId);
            case "member" -> new Principal.Member(userId, workspaceId);
            default -> throw new IllegalArgumentException("no such role " + role);
        };
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
     * first sets a signed {@code fleetgate.context} naming the system with {@code set_config(…, true)},
     * so the row-level security policies let it see and change every row, and nothing is left on the
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
     * Runs work in one transaction of {@code c} that first sets the signed context the row-level
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
                PostgresContextKey key = key(c);
                if (key != null) {
                    key.bind(c, principal(role, userId, workspaceId), Instant.now());
                } else {
                    // a schema between V5 and V8: its policies still read V5's three settings
                    try (var st = c.prepareStatement("SELECT set_config('fleetgate.role', ?, true), "
                            + "set_config('fleetgate.user_id', ?, true), set_config('fleetgate.workspace_id', ?, true)")) {
                        st.setString(1, role);
                        st.setString(2, userId);
                        st.setString(3, workspaceId);
                        st.executeQuery().close();
                    }
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
     * itself (constraints, triggers). (The runtime role the store runs as may not do this: see
     * PostgresCompromisedConnectionTest.)
     *
     * @param ds     the schema, reached as the tables' owner ({@link #ownerDataSource()})
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

    /**
     * Asserts that a hand-made change to an append-only table is refused on PostgreSQL by every
     * layer in turn: the runtime role the store runs as has no UPDATE, DELETE or TRUNCATE on it
     * (migration V8); the owner, bound by row-level security, changes no row (no UPDATE or DELETE
     * policy); and with the policies lifted for the owner (rolled back) the append-only trigger
     * refuses the statement, as it refuses the owner's TRUNCATE.
     *
     * @param fixture the PostgreSQL fixture
     * @param tables  the tables to lift row-level security from
     * @param sql     an UPDATE, DELETE or TRUNCATE
     * @throws SQLException if something else fails
     */
    static void assertAppendOnly(StoreFixture fixture, List<String> tables, String sql) throws SQLException {
        PostgresFixture pg = (PostgresFixture) fixture;
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> asSystem(pg.store().dataSource(), c -> update(c, sql)))
                .as("the runtime role: %s", sql)
                .isInstanceOfSatisfying(SQLException.class, e -> org.assertj.core.api.Assertions.assertThat(e.getSQLState())
                        .isEqualTo("42501"))
                .hasMessageContaining("permission denied for table");
        DataSource owner = pg.ownerDataSource();
        if (sql.startsWith("TRUNCATE")) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> asSystem(owner, c -> update(c, sql)))
                    .as("the owner: %s", sql).isInstanceOf(SQLException.class).hasMessageContaining("is append-only");
            return;
        }
        int changed = asSystem(owner, c -> update(c, sql));
        org.assertj.core.api.Assertions.assertThat(changed)
                .as("rows %s changes for the owner under row-level security", sql).isZero();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> withoutForcedRowSecurity(owner, tables, c -> update(c, sql)))
                .as(sql).isInstanceOf(SQLException.class).hasMessageContaining("is append-only");
    }

    private static int update(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement()) {
            return st.executeUpdate(sql);
        }
    }

    /**
     * A context in the store's format ({@code v1|role|issued-at millis|hex user|hex workspace|hmac}),
     * written from the outside as an attacker would, with an HMAC-SHA256 under a key of the caller's
     * choosing.
     *
     * @param someKey   the key to sign with
     * @param role      the role claimed
     * @param user      the user claimed
     * @param workspace the workspace claimed
     * @param issuedAt  the issue time claimed
     * @return the context text
     */
    static String forgeContext(byte[] someKey, String role, String user, String workspace, Instant issuedAt) {
        HexFormat hex = HexFormat.of();
        String payload = "v1|" + role + "|" + issuedAt.toEpochMilli() + "|"
                + hex.formatHex(user.getBytes(StandardCharsets.UTF_8)) + "|"
                + hex.formatHex(workspace.getBytes(StandardCharsets.UTF_8));
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(someKey, "HmacSHA256"));
            return payload + "|" + hex.formatHex(mac.doFinal(payload.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Seeds what the row-level security tests share: workspaces {@code ws_1} (North) and
     * {@code ws_2} (South), {@code d_ana} a driver of ws_1, {@code d_ben} a driver of both.
     *
     * @param store the store
     * @return the access service that seeded them, for more
     */
    static AccessService twoWorkspaces(JdbcStore store) {
        Principal system = Principal.system();
        AccessService access = TestFleetgates.on(store, java.time.Clock.systemUTC()).access();
        access.upsertWorkspace(system, new Workspace("ws_1", "North"));
        access.upsertWorkspace(system, new Workspace("ws_2", "South"));
        access.addMember(system, new Membership("d_ana", "ws_1", Role.DRIVER));
        access.addMember(system, new Membership("d_ben", "ws_1", Role.DRIVER));
        access.addMember(system, new Membership("d_ben", "ws_2", Role.DRIVER));
        return access;
    }

    /**
     * @param c   a connection
     * @param sql a query
     * @return every row of its result, each column as text
     * @throws SQLException if the query fails
     */
    static List<List<String>> rows(Connection c, String sql) throws SQLException {
        List<List<String>> rows = new ArrayList<>();
        try (Statement st = c.createStatement(); java.sql.ResultSet rs = st.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> row = new ArrayList<>(n);
                for (int i = 1; i <= n; i++) {
                    row.add(rs.getString(i));
                }
                rows.add(row);
            }
        }
        return rows;
    }

    static boolean isPostgres(Connection c) throws SQLException {
        return "PostgreSQL".equals(c.getMetaData().getDatabaseProductName());
    }

    /** {@return the schema's URL for raw JDBC: direct (see {@link #url()})} */
    String schemaUrl() {
        String url = url();
        return url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    /** {@return the schema's URL for the stores: through PgBouncer in scripts/test's second pass} */
    String storeUrl() {
        String url = TestPostgres.url();
        return url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    String schema() {
        return schema;
    }

    JdbcStore open() {
        return builder().poolSize(20).build();
    }

    /**
     * @return a builder for a store on this schema: migrating as the owner, running as the runtime
     *         role; in the PgBouncer pass through it, set for a transaction pooler and listening for
     *         the change feed on a direct connection
     */
    JdbcStore.Builder builder() {
        JdbcStore.Builder b = JdbcStore.builder().postgres(storeUrl()).owner(user(), password())
                .runtime(runtimeUser(), runtimePassword()).pooler(pooler());
        return pooler() == Pooler.TRANSACTION ? b.listenUrl(schemaUrl()) : b;
    }

    /** @return connections to this schema as its owner (each one opened anew) */
    DataSource ownerDataSource() {
        return new OwnerDataSource(schemaUrl());
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

    /** Connections as the owner from DriverManager; enough for a test's few raw statements. */
    private record OwnerDataSource(String url) implements DataSource {
        @Override
        public Connection getConnection() throws SQLException {
            return DriverManager.getConnection(url, user(), password());
        }

        @Override
        public Connection getConnection(String username, String password) throws SQLException {
            return DriverManager.getConnection(url, username, password);
        }

        @Override
        public java.io.PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(java.io.PrintWriter out) {
        }

        @Override
        public void setLoginTimeout(int seconds) {
        }

        @Override
        public int getLoginTimeout() {
            return 0;
        }

        @Override
        public java.util.logging.Logger getParentLogger() {
            return java.util.logging.Logger.getGlobal();
        }

        @Override
        public <T> T unwrap(Class<T> iface) throws SQLException {
            throw new SQLException("not a wrapper");
        }

        @Override
        public boolean isWrapperFor(Class<?> iface) {
            return false;
        }
    }
}
