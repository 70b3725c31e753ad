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
import io.fleetgate.store.jdbc.internal.PinnedSchema;
import io.fleetgate.store.jdbc.internal.PoolerCheck;
import io.fleetgate.store.jdbc.internal.Partitions;
import io.fleetgate.store.jdbc.internal.SqlFiles;
import io.fleetgate.store.jdbc.internal.Pools;
import io.fleetgate.store.jdbc.internal.PostgresDialect;
import io.fleetgate.store.jdbc.internal.PostgresRoles;
import io.fleetgate.store.jdbc.internal.SqlDialect;
import io.fleetgate.store.jdbc.internal.SqliteFiles;
import io.fleetgate.store.jdbc.internal.Tx;
import io.fleetgate.store.jdbc.internal.Values;
import io.fleetgate.Principal;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
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
 * <p><b>PostgreSQL behind a pooler.</b> Behind PgBouncer in transaction mode say so with
 * {@link Builder#pooler(Pooler) pooler(Pooler.TRANSACTION)}: no statement is prepared on the
 * server, the URL's {@code currentSchema} is set per transaction, and the change feed listens on a
 * direct {@link Builder#listenUrl(String) listenUrl} or polls. The build checks the setting against
 * the connection: one that goes through a pooler while the setting says {@link Pooler#NONE} is
 * refused, naming the fix.
 *
 * <p><b>PostgreSQL: a partitioned log.</b> Since migration V16 the event log ({@code driver_events})
 * and the position stream ({@code driver_fixes}) are partitioned by month of {@code recorded_at}.
 * The store makes sure of the current month's partitions and the next {@value #PARTITIONS_AHEAD}
 * months' when it builds ({@link #ensurePartitionsAhead(int)}), and of any other month's the first
 * time it inserts a row of it (a phone offline across a month's end, a late sync, a clock ahead):
 * a missing partition is made, never an error. Retention detaches old months
 * ({@link #detachPartitionsBefore(YearMonth)}). See docs/scale-out.md, "Partitioned event log".
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
    private final HikariDataSource ownedListenPool;
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
    /** Months after the current one whose partitions {@link Builder#build()} makes sure of. */
    public static final int PARTITIONS_AHEAD = 2;

    private final Partitions partitions;
    private final SqlDialect sql;
    private final Jdbi owner;
    private final Clock clock;

    private JdbcStore(Builder b, DataSource dataSource, HikariDataSource ownedPool, DataSource ownerDataSource,
                      HikariDataSource ownedOwnerPool, HikariDataSource ownedListenPool, DataSource replica,
                      HikariDataSource ownedReplicaPool, Dialect dialect) {
        this.dataSource = dataSource;
        this.ownedPool = ownedPool;
        this.ownedOwnerPool = ownedOwnerPool;
        this.ownedListenPool = ownedListenPool;
        this.replica = replica;
        this.ownedReplicaPool = ownedReplicaPool;
        this.dialect = dialect;
        this.roles = dialect == Dialect.POSTGRES ? new PostgresRoles(ownerDataSource, dataSource) : null;
        SqlDialect sql = dialect == Dialect.POSTGRES
                ? new PostgresDialect(roles::contextKey, b.contextClock) : SqlDialect.of(dialect);
        this.sql = sql;
        this.clock = b.clock;
        this.tx = new Tx(Values.install(Jdbi.create(dataSource), sql), sql,
                replica == null ? null : Values.install(Jdbi.create(replica), sql));
        this.owner = Jdbi.create(ownerDataSource);
        this.migrations = new MigrationRunner(owner, SqlDialect.of(dialect), b.clock);
        this.partitions = dialect == Dialect.POSTGRES ? Partitions.of(tx) : Partitions.none();
        this.places = new JdbcPlaceDirectory(tx);
        this.exclusiveSessions = new JdbcExclusiveSessionRepository(tx);
        this.workspaces = new JdbcWorkspaceDirectory(tx);
        this.batches = new JdbcBatchRepository(tx);
        this.eventLog = new JdbcEventLog(tx, partitions);
        this.reviews = new JdbcReviewQueue(tx);
        this.credentials = new JdbcCredentialRepository(tx);
        this.sessions = new JdbcSessionRepository(tx);
        this.positions = new JdbcPositionLog(tx, partitions);
        // behind a transaction pooler LISTEN needs a direct connection; without one the watch polls
        DataSource listen = b.pooler == Pooler.TRANSACTION ? ownedListenPool : dataSource;
        this.changeWatch = ChangeWatch.of(dataSource, tx, listen, b.changePollInterval.toMillis());
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
     * Makes sure the event log and the position stream have their monthly partitions from the
     * current month (by the {@linkplain Builder#clock(Clock) store's clock}, UTC) to {@code ahead}
     * months after it (PostgreSQL, migration V16; nothing on SQLite). {@link Builder#build()} does
     * this with {@value #PARTITIONS_AHEAD} months ahead after migrating; a host may call it from a
     * daily job so that no insert ever waits for a partition to be made. Inserts never need it to
     * succeed: a month without its partition gets one the first time a row of it is inserted.
     *
     * @param ahead how many months after the current one, 0 to 3 (the database makes partitions
     *              for months up to 3 ahead of its own clock only)
     * @throws IllegalArgumentException naming {@code ahead} when out of range
     */
    public void ensurePartitionsAhead(int ahead) {
        if (ahead < 0 || ahead > 3) {
            throw new IllegalArgumentException("ahead must be between 0 and 3 months, got " + ahead);
        }
        YearMonth current = YearMonth.from(clock.instant().atOffset(ZoneOffset.UTC));
        List<YearMonth> months = new ArrayList<>();
        for (int i = 0; i <= ahead; i++) {
            months.add(current.plusMonths(i));
        }
        partitions.ensureMonths(Partitions.EVENTS, months);
        partitions.ensureMonths(Partitions.FIXES, months);
    }

    /**
     * Retention (PostgreSQL, migration V16): detaches every monthly partition of the event log
     * ({@code driver_events}) and the position stream ({@code driver_fixes}) that holds months
     * before {@code before}, and returns the detached tables' names, e.g.
     * {@code driver_events_y2025m01_detached}. The rows of a detached month are no longer visible
     * to the library (batch logs, event pages, review queue, fixes); the table stays in the schema,
     * owned by the owner, with row-level security lifted so that the owner can archive it (e.g.
     * {@code pg_dump -t}) and then drop it: archiving is left to the host. What stays: each event's
     * id claim ({@code driver_event_ids}), so a phone resending an event of a detached month still
     * gets it answered as a duplicate and never appends it again; the rows of the
     * {@code DEFAULT} partitions (months a clock far off sent, see docs/scale-out.md); the change
     * feed's entries until its own purge.
     *
     * <p><b>Live batches.</b> A month is detached only when none of its events belongs to a batch
     * still in progress ({@code ACTIVE}, {@code EN_ROUTE}, {@code AT_STOP}, {@code DELAYED} or
     * {@code SUSPENDED}): detaching would cut the log the batch's history is read from. Otherwise
     * the whole call is refused and nothing is detached; complete or cancel those batches first.
     * A late row for a detached month later gets a new, empty partition of that month.
     *
     * <p>Runs over the owner's connection (only the owner may detach), in one transaction, bound
     * to the system principal. {@code ALTER TABLE … DETACH PARTITION} takes an {@code ACCESS
     * EXCLUSIVE} lock on the parent table while it runs: call it at a quiet hour. On SQLite, which
     * has no partitions, it detaches nothing and returns an empty list (purge fixes with
     * {@link io.fleetgate.spi.PositionLog#purgeFixes}).
     *
     * @param before the first month kept; at most the current month by the store's clock
     * @return the detached tables' names, events first, oldest first
     * @throws IllegalArgumentException naming {@code before} when it is after the current month
     * @throws IllegalStateException    when a month to detach holds events of a batch in progress
     *                                  (naming the month, how many batches and one of them), or the
     *                                  database refuses
     */
    public List<String> detachPartitionsBefore(YearMonth before) {
        Objects.requireNonNull(before, "before");
        YearMonth current = YearMonth.from(clock.instant().atOffset(ZoneOffset.UTC));
        if (before.isAfter(current)) {
            throw new IllegalArgumentException("before must not be after the current month " + current + ", got "
                    + before);
        }
        if (dialect != Dialect.POSTGRES) {
            return List.of();
        }
        String detach = SqlFiles.statement(sql, "partitions/detach_before");
        List<String> detached;
        try {
            detached = owner.inTransaction(h -> {
                sql.bindPrincipal(h, Principal.system());
                List<String> out = new ArrayList<>();
                for (String table : List.of(Partitions.EVENTS, Partitions.FIXES)) {
                    out.addAll(h.createQuery(detach).bind("parent", table).bind("cut", before.atDay(1).toString())
                            .mapTo(String.class).list());
                }
                return out;
            });
        } catch (JdbiException e) {
            Throwable cause = e.getCause() instanceof SQLException s ? s : e;
            throw new IllegalStateException("partitions before " + before + " were not detached: "
                    + cause.getMessage(), e);
        } finally {
            partitions.forgetBefore(before);
        }
        return detached;
    }

    /**
     * Stops the change feed's watch (on PostgreSQL its listening connection goes back to the pool)
     * and closes the pools the store built (the listening one of {@link Builder#listenUrl} too); a
     * host's data sources are left open.
     */
    @Override
    public void close() {
        changeWatch.close();
        Pools.close(ownedListenPool, ownedPool, ownedOwnerPool, ownedReplicaPool);
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
        private Pooler pooler = Pooler.NONE;
        private String listenUrl;
        private Duration changePollInterval = Duration.ofSeconds(1);

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
         * What sits between the store and PostgreSQL; see {@link Pooler} for exactly what each
         * setting changes. {@link Pooler#NONE} by default, and checked at build: a connection that
         * goes through a pooler while this says {@code NONE} fails the build, naming the fix.
         * {@link Pooler#TRANSACTION} (PgBouncer {@code pool_mode = transaction}): the store's own
         * pools prepare no statement on the server ({@code prepareThreshold=0}), pin the URL's
         * {@code currentSchema} per transaction instead of per session, and the change feed listens
         * on {@link #listenUrl(String)} or else polls every {@link #changePollInterval(Duration)}.
         *
         * @param pooler the pooler in between
         * @return this builder
         * @throws NullPointerException naming {@code pooler}
         */
        public Builder pooler(Pooler pooler) {
            this.pooler = Objects.requireNonNull(pooler, "pooler");
            return this;
        }

        /**
         * Behind a transaction pooler ({@link Pooler#TRANSACTION}) with {@link #postgres(String)}: a
         * URL that reaches the PostgreSQL server directly (not through the pooler), on which one
         * connection, as the runtime role, {@code LISTEN}s for the change feed, so that a commit on
         * any host wakes this one's readers at once. Without it the feed's watch polls (see
         * {@link #changePollInterval(Duration)}).
         *
         * @param jdbcUrl the direct JDBC URL, e.g. {@code jdbc:postgresql://db:5432/fleetgate}
         * @return this builder
         * @throws NullPointerException naming {@code jdbcUrl}
         */
        public Builder listenUrl(String jdbcUrl) {
            this.listenUrl = Objects.requireNonNull(jdbcUrl, "jdbcUrl");
            return this;
        }

        /**
         * Behind a transaction pooler without a {@link #listenUrl(String)}: how often the change
         * feed's watch tells every watcher that any workspace's feed may have grown, so that each
         * reader looks at its feed's head; a commit reaches a reader within this much time plus the
         * reader's read. Unused otherwise.
         *
         * @param interval 50 ms to 60 s (default 1 s)
         * @return this builder
         * @throws IllegalArgumentException naming {@code changePollInterval} when out of range
         */
        public Builder changePollInterval(Duration interval) {
            Objects.requireNonNull(interval, "changePollInterval");
            if (interval.compareTo(Duration.ofMillis(50)) < 0 || interval.compareTo(Duration.ofSeconds(60)) > 0) {
                throw new IllegalArgumentException("changePollInterval must be between 50 ms and 60 s, got " + interval);
            }
            this.changePollInterval = interval;
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
         *                               PostgreSQL URL was given, the {@link #pooler(Pooler)} setting
         *                               does not fit the connection, the PostgreSQL server takes no
         *                               writes (a standby, or read-only sessions: the message names
         *                               the fix), or migration fails
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
            if (listenUrl != null && (url == null || pooler != Pooler.TRANSACTION)) {
                throw new IllegalStateException("listenUrl(…) goes with postgres(url) and pooler(Pooler.TRANSACTION): "
                        + "without a transaction pooler the store listens on its own pool");
            }
            if (pooler != Pooler.NONE && sqliteFile != null) {
                throw new IllegalStateException("pooler(…) is for PostgreSQL; SQLite has no pooler");
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
            HikariDataSource listenPool = null;
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
                    boolean transaction = pooler == Pooler.TRANSACTION;
                    PooledUrl pooled = PooledUrl.of(url, transaction);
                    pool = Pools.postgres("fleetgate-postgres", pooled.url(), user, password, poolSize, connectionTimeout,
                            true, metrics, transaction);
                    ds = pooled.pin(pool);
                    if (ownerGiven) {
                        ownerPool = Pools.postgres("fleetgate-postgres-owner", pooled.url(), ownerUser, ownerPassword, 2,
                                connectionTimeout, false, metrics, transaction);
                        owner = pooled.pin(ownerPool);
                    }
                    if (listenUrl != null) {
                        listenPool = Pools.postgres("fleetgate-postgres-listen", listenUrl, user, password, 1,
                                connectionTimeout, false, metrics);
                    }
                    d = Dialect.POSTGRES;
                } else {
                    d = detect(ds);
                }
                if (d == Dialect.SQLITE && owner != null) {
                    throw new IllegalStateException("an owner is for PostgreSQL; SQLite has no roles");
                }
                if (d == Dialect.SQLITE && pooler != Pooler.NONE) {
                    throw new IllegalStateException("pooler(…) is for PostgreSQL; SQLite has no pooler");
                }
                if (d == Dialect.POSTGRES) {
                    // before anything else runs: through a pooler the wrong setting fails half-way otherwise
                    PoolerCheck.check(ds, pooler, "runtime");
                    if (owner != null && owner != ds) {
                        PoolerCheck.check(owner, pooler, "owner");
                    }
                    if (listenPool != null) {
                        PoolerCheck.checkDirect(listenPool);
                    }
                }
                if (d == Dialect.SQLITE && replicaDataSource != null) {
                    throw new IllegalStateException("a replica is for PostgreSQL; SQLite has none");
                }
                DataSource replica = replicaDataSource;
                if (replicaUrl != null) {
                    // behind a transaction pooler the replica's URL is treated as the primary's
                    boolean transaction = pooler == Pooler.TRANSACTION;
                    PooledUrl pooled = PooledUrl.of(replicaUrl, transaction);
                    replicaPool = Pools.postgres("fleetgate-postgres-replica", pooled.url(), user, password, poolSize,
                            connectionTimeout, true, metrics, transaction);
                    replica = pooled.pin(replicaPool);
                }
                JdbcStore store = new JdbcStore(this, ds, pool, owner == null ? ds : owner, ownerPool, listenPool,
                        replica, replicaPool, d);
                if (d == Dialect.POSTGRES) {
                    store.roles.checkWritable();
                    store.roles.checkRuntimeRole(allowPrivilegedRuntime);
                }
                if (migrate) {
                    store.migrations.migrate();
                    if (d == Dialect.POSTGRES) {
                        store.roles.contextKey();
                        store.ensurePartitionsAhead(PARTITIONS_AHEAD);
                    }
                }
                return store;
            } catch (RuntimeException e) {
                Pools.close(listenPool, pool, ownerPool, replicaPool);
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

    /**
     * A PostgreSQL URL as a pool connects with it: behind a transaction pooler without
     * {@code currentSchema} (set per transaction instead, {@link PinnedSchema}) and refused when it
     * asks for server-side prepared statements; otherwise as given. The primary's and the
     * replica's URLs go through the same rules.
     */
    private record PooledUrl(String url, String searchPath) {
        static PooledUrl of(String url, boolean transaction) {
            if (!transaction) {
                return new PooledUrl(url, null);
            }
            PinnedSchema.Url parsed = PinnedSchema.Url.parse(url);
            String threshold = parsed.parameters().get("prepareThreshold");
            if (threshold != null && !threshold.strip().equals("0")) {
                throw new IllegalStateException("the URL sets prepareThreshold to other than 0, but behind a "
                        + "transaction pooler (Pooler.TRANSACTION) statements must not be prepared on the "
                        + "server: drop prepareThreshold from the URL (the store sets 0)");
            }
            String searchPath = parsed.parameters().get("currentSchema");
            return new PooledUrl(searchPath == null ? url : parsed.without("currentSchema"), searchPath);
        }

        /** {@return the pool, setting the URL's schema at the start of every transaction when it had one} */
        javax.sql.DataSource pin(javax.sql.DataSource pool) {
            return searchPath == null ? pool : PinnedSchema.wrap(pool, searchPath);
        }
    }
}
