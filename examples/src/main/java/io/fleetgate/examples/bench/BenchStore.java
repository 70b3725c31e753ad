package io.fleetgate.examples.bench;

import io.fleetgate.examples.http.PushBench;
import io.fleetgate.store.jdbc.Dialect;
import io.fleetgate.store.jdbc.JdbcStore;
import io.fleetgate.store.jdbc.Pooler;
import io.fleetgate.store.jdbc.PostgresContextKey;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The database a benchmark run uses, and nothing else: a new SQLite file in a temp directory, or a
 * new schema on the PostgreSQL server given (via {@code currentSchema}). {@link #close()} removes
 * it, so a run leaves nothing behind. On PostgreSQL the owner creates, migrates and drops the
 * schema, and the store runs as the runtime role, as a deployment would (without a runtime role
 * the store runs as the owner, with {@code allowPrivilegedRuntime}).
 */
final class BenchStore implements AutoCloseable {
    /** The pool size of the store; both arms share the pool. */
    static final int POOL_SIZE = 10;

    private final JdbcStore store;
    private final Path tempDir;
    private final String pgUrl;
    private final String pgUser;
    private final String pgPassword;
    private final String pgSchema;
    private final String runtimeUser;
    private final String runtimePassword;
    /** Whether {@link #close()} drops the schema: not for a second store on another's schema. */
    private final boolean ownsSchema;
    private volatile PostgresContextKey contextKey;
    /** Whether {@link #close()} leaves the PostgreSQL schema in place (to look at its plans after a run). */
    private volatile boolean keep;

    private BenchStore(JdbcStore store, Path tempDir, String pgUrl, String pgUser, String pgPassword, String pgSchema,
                       String runtimeUser, String runtimePassword) {
        this(store, tempDir, pgUrl, pgUser, pgPassword, pgSchema, runtimeUser, runtimePassword, true);
    }

    private BenchStore(JdbcStore store, Path tempDir, String pgUrl, String pgUser, String pgPassword, String pgSchema,
                       String runtimeUser, String runtimePassword, boolean ownsSchema) {
        this.ownsSchema = ownsSchema;
        this.store = store;
        this.runtimeUser = runtimeUser;
        this.runtimePassword = runtimePassword;
        this.tempDir = tempDir;
        this.pgUrl = pgUrl;
        this.pgUser = pgUser;
        this.pgPassword = pgPassword;
        this.pgSchema = pgSchema;
    }

    /**
     * @return a store on a new SQLite file (WAL, synchronous=FULL: the store's defaults)
     * @throws IOException if the temp directory cannot be made
     */
    static BenchStore sqlite() throws IOException {
        Path dir = Files.createTempDirectory("fleetgate-bench");
        try {
            JdbcStore store = JdbcStore.builder().sqlite(dir.resolve("bench.db")).poolSize(POOL_SIZE).build();
            return new BenchStore(store, dir, null, null, null, null, null, null);
        } catch (RuntimeException e) {
            deleteTree(dir);
            throw e;
        }
    }

    /**
     * @param url             the server's JDBC URL
     * @param owner           the role that owns the database's schemas (it creates, migrates and drops one)
     * @param ownerPassword   its password
     * @param runtime         the role the store runs as (member of {@code fleetgate_runtime}), or
     *                        {@code null} to run as the owner
     * @param runtimePassword its password
     * @return a store on a new schema of that database, migrated
     * @throws SQLException if the schema cannot be created
     */
    static BenchStore postgres(String url, String owner, String ownerPassword, String runtime, String runtimePassword)
            throws SQLException {
        String schema = "fleetgate_bench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        execute(url, owner, ownerPassword, "CREATE SCHEMA " + schema);
        try {
            String schemaUrl = url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema;
            JdbcStore.Builder builder = JdbcStore.builder().postgres(schemaUrl).owner(owner, ownerPassword);
            builder = runtime == null ? builder.runtime(owner, ownerPassword).allowPrivilegedRuntime(true)
                    : builder.runtime(runtime, runtimePassword);
            JdbcStore store = builder.poolSize(POOL_SIZE).build();
            return new BenchStore(store, null, url, owner, ownerPassword, schema, runtime, runtimePassword);
        } catch (RuntimeException e) {
            execute(url, owner, ownerPassword, "DROP SCHEMA " + schema + " CASCADE");
            throw e;
        }
    }

    /**
     * A second store on this PostgreSQL schema, through a transaction pooler (PgBouncer
     * {@code pool_mode = transaction}) in front of the same database: set up as a host behind it
     * is ({@link Pooler#TRANSACTION}; the change feed polls, no benchmark here watches it). Closing
     * it leaves the schema to this store.
     *
     * @param pooledUrl the pooler's JDBC URL for the same database
     * @return the store
     */
    BenchStore throughPooler(String pooledUrl) {
        if (pgSchema == null || runtimeUser == null) {
            throw new IllegalStateException("the pooler benchmark needs PostgreSQL with --db-user and --db-owner-user");
        }
        JdbcStore pooled = JdbcStore.builder()
                .postgres(pooledUrl + (pooledUrl.contains("?") ? "&" : "?") + "currentSchema=" + pgSchema)
                .owner(pgUser, pgPassword).runtime(runtimeUser, runtimePassword).pooler(Pooler.TRANSACTION)
                .poolSize(POOL_SIZE).build();
        return new BenchStore(pooled, null, pgUrl, pgUser, pgPassword, pgSchema, runtimeUser, runtimePassword, false);
    }

    /**
     * @return the database as an HTTP host opens it ({@code serve --db …}): the SQLite file, or the
     *         PostgreSQL schema with the runtime role and the owner
     * @throws IllegalStateException on PostgreSQL without a runtime role apart from the owner (a
     *                               host refuses to run as the owner)
     */
    PushBench.Db hostDb() {
        if (tempDir != null) {
            return new PushBench.Db("jdbc:sqlite:" + tempDir.resolve("bench.db"), null, null, null, null, kind());
        }
        if (runtimeUser == null) {
            throw new IllegalStateException("the push benchmarks start HTTP hosts, which run as a runtime role:"
                    + " give --db-user (the runtime role) and --db-owner-user (the owner)");
        }
        return new PushBench.Db(pgUrl + (pgUrl.contains("?") ? "&" : "?") + "currentSchema=" + pgSchema, runtimeUser,
                runtimePassword, pgUser, pgPassword, kind());
    }

    /**
     * Leaves the PostgreSQL schema in place when closed (the store still closes): the caller drops it.
     *
     * @return the schema's name
     */
    String keep() {
        keep = true;
        return pgSchema;
    }

    /** @return the store */
    JdbcStore store() {
        return store;
    }

    /** @return {@code sqlite} or {@code postgres}, as RESULT lines name it */
    String kind() {
        return store.dialect() == Dialect.POSTGRES ? "postgres" : "sqlite";
    }

    /** @return whether the database is PostgreSQL */
    boolean postgres() {
        return store.dialect() == Dialect.POSTGRES;
    }

    /**
     * @return a new connection to the PostgreSQL schema as its owner; close it
     * @throws SQLException if it cannot be opened
     */
    Connection ownerConnection() throws SQLException {
        return DriverManager.getConnection(pgUrl + (pgUrl.contains("?") ? "&" : "?") + "currentSchema=" + pgSchema,
                pgUser, pgPassword);
    }

    /**
     * @return the PostgreSQL schema's context key, read once as the owner (for the baseline)
     * @throws SQLException if it cannot be read
     */
    PostgresContextKey contextKey() throws SQLException {
        if (contextKey == null) {
            try (Connection c = ownerConnection()) {
                contextKey = PostgresContextKey.read(c);
            }
        }
        return contextKey;
    }

    @Override
    public void close() throws IOException, SQLException {
        store.close();
        if (tempDir != null) {
            deleteTree(tempDir);
        }
        if (pgSchema != null && ownsSchema && !keep) {
            execute(pgUrl, pgUser, pgPassword, "DROP SCHEMA " + pgSchema + " CASCADE");
        }
    }

    private static void execute(String url, String user, String password, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, user, password); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
