package io.fleetgate.store.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.MetricsTrackerFactory;
import io.fleetgate.spi.BatchRepository;
import io.fleetgate.spi.CredentialRepository;
import io.fleetgate.spi.EventLog;
import io.fleetgate.spi.ExclusiveSessionRepository;
import io.fleetgate.spi.FleetgateStore;
import io.fleetgate.spi.PlaceDirectory;
import io.fleetgate.spi.ChangeLog;
import io.fleetgate.spi.PositionLog;
import io.fleetgate.spi.ReviewQueue;
import io.fleetgate.spi.SessionRepository;
import io.fleetgate.spi.WorkspaceDirectory;
import io.fleetgate.store.jdbc.internal.JdbcCredentialRepository;
import io.fleetgate.store.jdbc.internal.JdbcExclusiveSessionRepository;
import io.fleetgate.store.jdbc.internal.JdbcBatchRepository;
import io.fleetgate.store.jdbc.internal.JdbcEventLog;
import io.fleetgate.store.jdbc.internal.JdbcReviewQueue;
import io.fleetgate.store.jdbc.internal.JdbcPlaceDirectory;
import io.fleetgate.store.jdbc.internal.ChangeWatch;
import io.fleetgate.store.jdbc.internal.JdbcChangeLog;
import io.fleetgate.store.jdbc.internal.JdbcPositionLog;
import io.fleetgate.store.jdbc.internal.JdbcSessionRepository;
import io.fleetgate.store.jdbc.internal.JdbcWorkspaceDirectory;
import io.fleetgate.store.jdbc.internal.MigrationRunner;
import io.fleetgate.store.jdbc.internal.Pools;
import io.fleetgate.store.jdbc.internal.PostgresDialect;
import io.fleetgate.store.jdbc.internal.PostgresRoles;
import io.fleetgate.store.jdbc.internal.SqlDialect;
import io.fleetgate.store.jdbc.internal.SqliteFiles;
import io.fleetgate.store.jdbc.internal.Tx;
import io.fleetgate.store.jdbc.internal.Values;
import org.jdbi.v3.core.Jdbi;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * A {@link FleetgateStore} on PostgreSQL or SQLite.
 *
 * <p>Give it a host's {@link DataSource} (the store never closes it), or let it build a HikariCP
 * pool with {@link #sqlite(Path)} / {@link Builder#postgres(String)} (closed by {@link #close()}).
 * On build it applies its migrations unless told not to; several instances may start at once.
 *
 * <p><b>PostgreSQL: two roles.</b> The migrations run as the schema's owner
 * ({@link Builder#owner(String, String)} or {@link Builder#ownerDataSource(DataSource)}); the store
 * runs as a role that owns nothing and was granted the group role {@code fleetgate_runtime}
 * (migration V8 grants it exactly the DML the library runs). Over the owner's connection the store
 * also reads, once, the context key that makes each transaction's principal unforgeable
 * ({@link PostgresContextKey}), and keeps it in memory only. It refuses to run as the owner, a
 * member of it, a superuser or a {@code BYPASSRLS} role unless told
 * {@link Builder#allowPrivilegedRuntime(boolean) allowPrivilegedRuntime(true)}: such a role can
 * read the key or lift row-level security, so the database would no longer bind it.
 *
 * <pre>{@code
 * JdbcStore store = JdbcStore.builder().postgres("jdbc:postgresql://db:5432/fleetgate")
 *         .owner("fleetgate", ownerPassword)          // migrates, and reads the context key
 *         .runtime("fleetgate_app", runtimePassword)  // member of fleetgate_runtime
 *         .build();
 * }</pre>
 *
 * <p>SQLite pools are set up for several writer threads: WAL journal, {@code busy_timeout=5000},
 * foreign keys on, and IMMEDIATE transactions (a read-then-write transaction that starts DEFERRED
 * fails with {@code SQLITE_BUSY} under contention whatever the timeout). {@code synchronous=FULL}
 * by default so an acknowledged write survives power loss; see {@link SqliteDurability}. A host
 * bringing its own SQLite {@code DataSource} must configure the same.
 *
 * <p><b>PostgreSQL failover.</b> With a primary and streaming standbys, name every node and let
 * the driver pick the primary: {@code jdbc:postgresql://db1:5432,db2:5432/fleetgate?targetServerType=primary}.
 * While the primary is gone, and until a standby is promoted, every call is answered
 * {@code STORE_UNAVAILABLE} (nothing done) within the {@linkplain Builder#connectionTimeout
 * connection timeout}; a connection that was lost, or that reached a read-only server (SQLSTATE
 * class 08, 57P01–57P03, 25006), is closed and the next one opened on the new primary. With
 * synchronous replication ({@code synchronous_commit = on} and the standby in
 * {@code synchronous_standby_names}) no acknowledged write is lost; see docs/reliability.md. A
 * server that takes no writes (a standby given alone, read-only sessions) is refused at build.
 *
 * <p>Thread-safe; share one per database per process.
 */
public final class JdbcStore implements FleetgateStore, AutoCloseable {
    private final DataSource dataSource;
    private final HikariDataSource ownedPool;
    private final HikariDataSource ownedOwnerPool;
    private final HikariDataSource ownedReplicaPool;
    private final DataSource replica;
    private final PostgresRoles roles;
    private final Dialect dialect;
    private final MigrationRunner migrations;
    private final Tx tx;
    private final PlaceDirectory places;
    private final ExclusiveSessionRepository exclusiveSessions;
    private final WorkspaceDirectory workspaces;
    private final BatchRepository batches;
    private final EventLog eventLog;
    private final ReviewQueue reviews;
    private final CredentialRepository credentials;
    private final SessionRepository sessions;
    private final PositionLog positions;
    private final ChangeLog changes;
    private final ChangeWatch changeWatch;

    private JdbcStore(Builder b, DataSource dataSource, HikariDataSource ownedPool, DataSource ownerDataSource,
                      HikariDataSource ownedOwnerPool, DataSource replica, HikariDataSource ownedReplicaPool,
                      Dialect dialect) {
        this.dataSource = dataSource;
        this.ownedPool = ownedPool;
        this.ownedOwnerPool = ownedOwnerPool;
        this.replica = replica;
        this.ownedReplicaPool = ownedReplicaPool;
        this.dialect = dialect;
        this.roles = dialect == Dialect.POSTGRES ? new PostgresRoles(ownerDataSource, dataSource) : null;
        SqlDialect sql = dialect == Dialect.POSTGRES
                ? new PostgresDialect(roles::contextKey, b.contextClock) : SqlDialect.of(dialect);
        this.tx = new Tx(Values.install(Jdbi.create(dataSource), sql), sql,
                replica == null ? null : Values.install(Jdbi.create(replica), sql));
        this.migrations = new MigrationRunner(Jdbi.create(ownerDataSource), SqlDialect.of(dialect), b.clock);
        this.places = new JdbcPlaceDirectory(tx);
        this.exclusiveSessions = new JdbcExclusiveSessionRepository(tx);
        this.workspaces = new JdbcWorkspaceDirectory(tx);
        this.batches = new JdbcBatchRepository(tx);
        this.eventLog = new JdbcEventLog(tx);
        this.reviews = new JdbcReviewQueue(tx);
        this.credentials = new JdbcCredentialRepository(tx);
        this.sessions = new JdbcSessionRepository(tx);
        this.positions = new JdbcPositionLog(tx);
        this.changeWatch = ChangeWatch.of(dataSource, tx);
        this.changes = new JdbcChangeLog(tx, changeWatch);
    }

    /**
     * A store on an SQLite file (created if missing, with mode {@code 0600}), with its own pool, migrated.
     *
     * @param file the database file
     * @return the store; close it when done
     */
    public static JdbcStore sqlite(Path file) {
        return builder().sqlite(file).build();
    }

    /**
     * A store on PostgreSQL that connects as one role for migrations and at run time: that role is
     * the owner, so since migration V8 this is refused (the store will not run as the owner; see
     * {@link Builder#allowPrivilegedRuntime(boolean)}). Use
     * {@code builder().postgres(url).owner(…).runtime(…)}.
     *
     * @param jdbcUrl  e.g. {@code jdbc:postgresql://127.0.0.1:5432/fleetgate}
     * @param user     the role to connect as
     * @param password its password
     * @return never: build fails unless {@code user} is neither the owner nor privileged, and then
     *         it fails because no one can migrate or read the context key
     * @deprecated one role cannot both own the schema and be bound by its row-level security; give
     *             both credentials to the {@link #builder()}
     */
    @Deprecated(since = "0.9")
    public static JdbcStore postgres(String jdbcUrl, String user, String password) {
        return builder().postgres(jdbcUrl, user, password).build();
    }

    /** {@return a builder} */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public PlaceDirectory places() {
        return places;
    }

    @Override
    public ExclusiveSessionRepository exclusiveSessions() {
        return exclusiveSessions;
    }

    @Override
    public WorkspaceDirectory workspaces() {
        return workspaces;
    }

    @Override
    public BatchRepository batches() {
        return batches;
    }

    @Override
    public EventLog eventLog() {
        return eventLog;
    }

    @Override
    public ReviewQueue reviews() {
        return reviews;
    }

    @Override
    public CredentialRepository credentials() {
        return credentials;
    }

    @Override
    public SessionRepository sessions() {
        return sessions;
    }

    /**
     * {@inheritDoc}
     *
     * <p>Tables {@code driver_fixes}, {@code driver_presence} and {@code position_alerts}
     * (migration V12). Fixes are inserted in one statement per call on PostgreSQL (one array per
     * column) and one JDBC batch on SQLite.
     */
    @Override
    public PositionLog positions() {
        return positions;
    }

    /** {@return the change feed's log (V14): written by database triggers, read and purged here} */
    @Override
    public ChangeLog changes() {
        return changes;
    }

    /**
     * {@inheritDoc}
     *
     * <p>One transaction; on PostgreSQL it takes a transaction-scoped advisory lock per key
     * ({@code pg_advisory_xact_lock} of the key's 64-bit hash), on SQLite the IMMEDIATE
     * transaction already excludes every other writer.
     */
    @Override
    public <T> T exclusively(Collection<String> keys, Supplier<T> body) {
        return tx.exclusively(keys, body);
    }

    /** {@return the database kind} */
    public Dialect dialect() {
        return dialect;
    }

    /** {@return the data source in use (the host's, or the store's own pool)} */
    public DataSource dataSource() {
        return dataSource;
    }

    /** {@return the replica's data source ({@link Builder#replica(DataSource)}), or {@code null} for none} */
    public DataSource replicaDataSource() {
        return replica;
    }

    /**
     * Applies pending migrations (done on build unless disabled), as the owner on PostgreSQL.
     *
     * @return the file names now applied and pending
     * @throws IllegalStateException if an applied migration file changed since
     */
    public MigrationStatus migrate() {
        migrations.migrate();
        return migrations.status();
    }

    /** {@return which migrations the database has} */
    public MigrationStatus migrationStatus() {
        return migrations.status();
    }

    /**
     * Stops the change feed's watch (on PostgreSQL its listening connection goes back to the pool)
     * and closes the pools the store built; a host's data sources are left open.
     */
    @Override
    public void close() {
        changeWatch.close();
        Pools.close(ownedPool, ownedOwnerPool, ownedReplicaPool);
    }

    /** Builds a {@link JdbcStore}; not thread-safe. */
    public static final class Builder {
        private DataSource dataSource;
        private Dialect dialect;
        private Path sqliteFile;
        private SqliteDurability durability = SqliteDurability.FULL;
        private String url;
        private String user;
        private String password;
        private String ownerUser;
        private String ownerPassword;
        private boolean ownerGiven;
        private DataSource ownerDataSource;
        private DataSource replicaDataSource;
        private String replicaUrl;
        private boolean allowPrivilegedRuntime;
        private Clock contextClock = Clock.systemUTC();
        private int poolSize = 10;
        private Duration connectionTimeout = Duration.ofSeconds(10);
        private MetricsTrackerFactory metrics;
        private boolean migrate = true;
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        /**
         * Uses a host's data source; its dialect is read from the connection's metadata.
         *
         * @param dataSource the host's pool; never closed by the store
         * @return this builder
         */
        public Builder dataSource(DataSource dataSource) {
            this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
            return this;
        }

        /**
         * Builds an SQLite pool on a file. A missing file is created readable and writable by its
         * owner only ({@code 0600}), before SQLite opens it; SQLite gives its {@code -wal} and
         * {@code -shm} files the same mode. An existing file keeps its mode, with a warning logged
         * if its group or others may read or write it. (On a file system without POSIX
         * permissions a warning says the mode could not be set.)
         *
         * @param file the database file, created if missing
         * @return this builder
         */
        public Builder sqlite(Path file) {
            this.sqliteFile = Objects.requireNonNull(file, "file");
            return this;
        }

        /**
         * {@return this builder}
         *
         * @param durability SQLite's {@code synchronous} level; {@link SqliteDurability#FULL} by default
         */
        public Builder sqliteDurability(SqliteDurability durability) {
            this.durability = Objects.requireNonNull(durability, "durability");
            return this;
        }

        /**
         * Builds PostgreSQL pools on this URL: one as the {@linkplain #runtime runtime role}, and a
         * small one as the {@linkplain #owner owner}.
         *
         * @param jdbcUrl the JDBC URL
         * @return this builder
         */
        public Builder postgres(String jdbcUrl) {
            this.url = Objects.requireNonNull(jdbcUrl, "jdbcUrl");
            return this;
        }

        /**
         * As {@link #postgres(String)} with {@link #runtime(String, String)}. Without
         * {@link #owner(String, String)} this role also migrates and reads the context key, that
         * is, it is the owner: refused unless {@link #allowPrivilegedRuntime(boolean)}.
         *
         * @param jdbcUrl  the JDBC URL
         * @param user     the runtime role
         * @param password its password (may be {@code null} for trust authentication)
         * @return this builder
         */
        public Builder postgres(String jdbcUrl, String user, String password) {
            return postgres(jdbcUrl).runtime(user, password);
        }

        /**
         * The role the store runs as on PostgreSQL: one that owns nothing, is neither superuser
         * nor {@code BYPASSRLS}, and is a member of {@code fleetgate_runtime}.
         *
         * @param user     the login role
         * @param password its password (may be {@code null} for trust authentication)
         * @return this builder
         */
        public Builder runtime(String user, String password) {
            this.user = user;
            this.password = password;
            return this;
        }

        /**
         * The schema's owner on PostgreSQL, for the store's own pool ({@link #postgres(String)}):
         * the store runs the migrations and reads the context key over it (a pool of at most two
         * connections, opened when needed), never a service call.
         *
         * @param user     the owner
         * @param password its password (may be {@code null} for trust authentication)
         * @return this builder
         */
        public Builder owner(String user, String password) {
            this.ownerUser = user;
            this.ownerPassword = password;
            this.ownerGiven = true;
            return this;
        }

        /**
         * The schema's owner on PostgreSQL, for a host's {@link #dataSource(DataSource)}: used as
         * {@link #owner(String, String)} is, and never closed by the store.
         *
         * @param dataSource connections as the owner
         * @return this builder
         */
        public Builder ownerDataSource(DataSource dataSource) {
            this.ownerDataSource = Objects.requireNonNull(dataSource, "dataSource");
            return this;
        }

        /**
         * A PostgreSQL replica (a streaming standby of the primary) for the reads that may lag: the
         * status board, the review queue, a batch's event pages and the change feed's pages. Every
         * write, every read a rule decides on (sign-in, who may act, a batch's state before an
         * event), the change feed's cursor checks and its head stay on the primary; a feed page the
         * replica cannot fill comes from the primary too, so a stream never skips a change nor
         * waits on the replica. If the replica cannot be reached, those reads go to the primary.
         * What is read there lags the primary by the replica's replay lag
         * ({@code pg_stat_replication.replay_lag}); see docs/reliability.md. Connects as the
         * {@linkplain #runtime runtime role}, which the replica has as the primary does; never
         * closed by the store.
         *
         * @param dataSource connections to the replica, as the runtime role
         * @return this builder
         */
        public Builder replica(DataSource dataSource) {
            this.replicaDataSource = Objects.requireNonNull(dataSource, "dataSource");
            return this;
        }

        /**
         * As {@link #replica(DataSource)}, with a pool the store builds on this URL as the runtime
         * role (the same size and connection timeout as the primary's; closed by {@link #close()}).
         *
         * @param jdbcUrl the replica's JDBC URL, e.g. {@code jdbc:postgresql://db2:5432/fleetgate}
         * @return this builder
         */
        public Builder replica(String jdbcUrl) {
            this.replicaUrl = Objects.requireNonNull(jdbcUrl, "jdbcUrl");
            return this;
        }

        /**
         * Lets the store run on PostgreSQL as a role row-level security does not bind: the owner
         * (or a member of it: also when no owner is given, the runtime role migrates and so is the
         * owner), a superuser, or a {@code BYPASSRLS} role. Such a role can read the context key
         * or lift the policies, so the database no longer limits what a statement on the
         * library's connection sees: only the library's own checks remain.
         *
         * @param allow whether to accept it (default false: build fails, naming this flag)
         * @return this builder
         */
        public Builder allowPrivilegedRuntime(boolean allow) {
            this.allowPrivilegedRuntime = allow;
            return this;
        }

        /**
         * {@return this builder}
         *
         * @param clock the source of each PostgreSQL transaction's issued-at instant (default the
         *              system clock); the database accepts a context issued within 60 seconds of
         *              its own clock only, so this must be a real clock outside tests of that
         */
        public Builder contextClock(Clock clock) {
            this.contextClock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * {@return this builder}
         *
         * @param size the most connections the store's own pool opens, 1 to 200 (default 10)
         * @throws IllegalArgumentException naming {@code poolSize} when out of range
         */
        public Builder poolSize(int size) {
            if (size < 1 || size > 200) {
                throw new IllegalArgumentException("poolSize must be between 1 and 200, got " + size);
            }
            this.poolSize = size;
            return this;
        }

        /**
         * How long a call waits for a connection from the store's own pool before it is answered
         * {@code STORE_UNAVAILABLE}: while the database is down, every call waits this long.
         *
         * @param timeout 250 ms to 10 minutes (default 10 s)
         * @return this builder
         * @throws IllegalArgumentException naming {@code connectionTimeout} when out of range
         */
        public Builder connectionTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "connectionTimeout");
            if (timeout.compareTo(Duration.ofMillis(250)) < 0 || timeout.compareTo(Duration.ofMinutes(10)) > 0) {
                throw new IllegalArgumentException("connectionTimeout must be between 250 ms and 10 minutes, got " + timeout);
            }
            this.connectionTimeout = timeout;
            return this;
        }

        /**
         * Reports the store's own pools' metrics (connections active, idle, pending, timeouts,
         * acquire and usage times) through HikariCP's own SPI, e.g. {@code new
         * MicrometerMetricsTrackerFactory(registry)}; the store itself depends on no metrics
         * library. Each pool is tagged with its name: {@code fleetgate-sqlite},
         * {@code fleetgate-postgres}, {@code fleetgate-postgres-owner}. Not used with a host's own
         * {@link #dataSource(DataSource)}: configure that pool directly.
         *
         * @param factory makes the pools' trackers
         * @return this builder
         * @throws NullPointerException naming {@code factory}
         */
        public Builder metricsTrackerFactory(MetricsTrackerFactory factory) {
            this.metrics = Objects.requireNonNull(factory, "factory");
            return this;
        }

        /**
         * {@return this builder}
         *
         * @param migrate whether {@link #build()} applies pending migrations (default true)
         */
        public Builder migrate(boolean migrate) {
            this.migrate = migrate;
            return this;
        }

        /**
         * {@return this builder}
         *
         * @param clock the source of the store's own timestamps (migration history)
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * {@return the store, migrated unless disabled}
         *
         * @throws IllegalStateException if not exactly one of data source, SQLite file and
         *                               PostgreSQL URL was given, the PostgreSQL server takes no
         *                               writes (a standby, or read-only sessions: the message
         *                               names the fix), or migration fails
         */
        public JdbcStore build() {
            int given = (dataSource != null ? 1 : 0) + (sqliteFile != null ? 1 : 0) + (url != null ? 1 : 0);
            if (given != 1) {
                throw new IllegalStateException("give exactly one of dataSource, sqlite(file) and postgres(url, …)");
            }
            if (ownerGiven && url == null) {
                throw new IllegalStateException("owner(user, password) goes with postgres(url); with a dataSource, "
                        + "give ownerDataSource(…)");
            }
            if (ownerDataSource != null && dataSource == null) {
                throw new IllegalStateException("ownerDataSource(…) goes with dataSource(…); with postgres(url), "
                        + "give owner(user, password)");
            }
            if (replicaDataSource != null && replicaUrl != null) {
                throw new IllegalStateException("give one of replica(dataSource) and replica(url)");
            }
            if (replicaUrl != null && url == null) {
                throw new IllegalStateException("replica(url) goes with postgres(url); with a dataSource, give "
                        + "replica(dataSource)");
            }
            HikariDataSource pool = null;
            HikariDataSource ownerPool = null;
            HikariDataSource replicaPool = null;
            DataSource ds = dataSource;
            DataSource owner = ownerDataSource;
            Dialect d;
            try {
                if (sqliteFile != null) {
                    SqliteFiles.prepare(sqliteFile);
                    ds = pool = Pools.sqlite(sqliteFile, durability.name(), poolSize, connectionTimeout, metrics);
                    d = Dialect.SQLITE;
                } else if (url != null) {
                    ds = pool = Pools.postgres("fleetgate-postgres", url, user, password, poolSize, connectionTimeout, true,
                            metrics);
                    if (ownerGiven) {
                        owner = ownerPool = Pools.postgres("fleetgate-postgres-owner", url, ownerUser, ownerPassword, 2,
                                connectionTimeout, false, metrics);
                    }
                    d = Dialect.POSTGRES;
                } else {
                    d = detect(ds);
                }
                if (d == Dialect.SQLITE && owner != null) {
                    throw new IllegalStateException("an owner is for PostgreSQL; SQLite has no roles");
                }
                if (d == Dialect.SQLITE && replicaDataSource != null) {
                    throw new IllegalStateException("a replica is for PostgreSQL; SQLite has none");
                }
                DataSource replica = replicaDataSource;
                if (replicaUrl != null) {
                    replica = replicaPool = Pools.postgres("fleetgate-postgres-replica", replicaUrl, user, password,
                            poolSize, connectionTimeout, true, metrics);
                }
                JdbcStore store = new JdbcStore(this, ds, pool, owner == null ? ds : owner, ownerPool, replica,
                        replicaPool, d);
                if (d == Dialect.POSTGRES) {
                    store.roles.checkWritable();
                    store.roles.checkRuntimeRole(allowPrivilegedRuntime);
                }
                if (migrate) {
                    store.migrations.migrate();
                    if (d == Dialect.POSTGRES) {
                        store.roles.contextKey();
                    }
                }
                return store;
            } catch (RuntimeException e) {
                Pools.close(pool, ownerPool, replicaPool);
                throw e;
            }
        }

        private static Dialect detect(DataSource ds) {
            try (Connection c = ds.getConnection()) {
                String product = c.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
                if (product.contains("postgres")) {
                    return Dialect.POSTGRES;
                }
                if (product.contains("sqlite")) {
                    return Dialect.SQLITE;
                }
                throw new IllegalStateException("unsupported database: " + product);
            } catch (SQLException e) {
                throw new IllegalStateException("cannot connect to read the database kind: " + e.getMessage(), e);
            }
        }
    }
}
