package io.fleetgate.store.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.fleetgate.FleetgateStore;
import io.fleetgate.access.WorkspaceDirectory;
import io.fleetgate.execution.ExecutionRepository;
import io.fleetgate.exclusive.ExclusiveSessionRepository;
import io.fleetgate.exclusive.PlaceDirectory;
import io.fleetgate.session.CredentialRepository;
import io.fleetgate.session.SessionRepository;
import io.fleetgate.store.jdbc.internal.JdbcCredentialRepository;
import io.fleetgate.store.jdbc.internal.JdbcExclusiveSessionRepository;
import io.fleetgate.store.jdbc.internal.JdbcExecutionRepository;
import io.fleetgate.store.jdbc.internal.JdbcPlaceDirectory;
import io.fleetgate.store.jdbc.internal.JdbcSessionRepository;
import io.fleetgate.store.jdbc.internal.JdbcWorkspaceDirectory;
import io.fleetgate.store.jdbc.internal.MigrationRunner;
import io.fleetgate.store.jdbc.internal.SqlDialect;
import io.fleetgate.store.jdbc.internal.SqliteFiles;
import io.fleetgate.store.jdbc.internal.Tx;
import org.jdbi.v3.core.Jdbi;

import javax.sql.DataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * A {@link FleetgateStore} on PostgreSQL or SQLite.
 *
 * <p>Give it a host's {@link DataSource} (the store never closes it), or let it build a HikariCP
 * pool with {@link #sqlite(Path)} / {@link #postgres(String, String, String)} (closed by
 * {@link #close()}). On build it applies its migrations unless told not to; several instances may
 * start at once.
 *
 * <p>SQLite pools are set up for several writer threads: WAL journal, {@code busy_timeout=5000},
 * foreign keys on, and IMMEDIATE transactions (a read-then-write transaction that starts DEFERRED
 * fails with {@code SQLITE_BUSY} under contention whatever the timeout). {@code synchronous=FULL}
 * by default so an acknowledged write survives power loss; see {@link SqliteDurability}. A host
 * bringing its own SQLite {@code DataSource} must configure the same.
 *
 * <p>Thread-safe; share one per database per process.
 */
public final class JdbcStore implements FleetgateStore, AutoCloseable {
    private final DataSource dataSource;
    private final HikariDataSource ownedPool;
    private final Dialect dialect;
    private final MigrationRunner migrations;
    private final Tx tx;
    private final PlaceDirectory places;
    private final ExclusiveSessionRepository exclusiveSessions;
    private final WorkspaceDirectory workspaces;
    private final ExecutionRepository execution;
    private final CredentialRepository credentials;
    private final SessionRepository sessions;

    private JdbcStore(Builder b, DataSource dataSource, HikariDataSource ownedPool, Dialect dialect) {
        this.dataSource = dataSource;
        this.ownedPool = ownedPool;
        this.dialect = dialect;
        SqlDialect sql = SqlDialect.of(dialect);
        Jdbi jdbi = Jdbi.create(dataSource);
        this.tx = new Tx(jdbi, sql);
        this.migrations = new MigrationRunner(jdbi, sql, b.clock);
        this.places = new JdbcPlaceDirectory(tx);
        this.exclusiveSessions = new JdbcExclusiveSessionRepository(tx);
        this.workspaces = new JdbcWorkspaceDirectory(tx);
        this.execution = new JdbcExecutionRepository(tx);
        this.credentials = new JdbcCredentialRepository(tx);
        this.sessions = new JdbcSessionRepository(tx);
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
     * A store on PostgreSQL, with its own pool, migrated.
     *
     * @param jdbcUrl  e.g. {@code jdbc:postgresql://127.0.0.1:5432/fleetgate}
     * @param user     the role to connect as
     * @param password its password
     * @return the store; close it when done
     */
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
    public ExecutionRepository execution() {
        return execution;
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

    /**
     * Applies pending migrations (done on build unless disabled).
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

    /** Closes the pool if the store built it; a host's data source is left open. */
    @Override
    public void close() {
        if (ownedPool != null) {
            ownedPool.close();
        }
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
        private int poolSize = 10;
        private Duration connectionTimeout = Duration.ofSeconds(10);
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
         * Builds a PostgreSQL pool.
         *
         * @param jdbcUrl  the JDBC URL
         * @param user     the role
         * @param password its password (may be {@code null} for trust authentication)
         * @return this builder
         */
        public Builder postgres(String jdbcUrl, String user, String password) {
            this.url = Objects.requireNonNull(jdbcUrl, "jdbcUrl");
            this.user = user;
            this.password = password;
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
         *                               PostgreSQL URL was given, or migration fails
         */
        public JdbcStore build() {
            int given = (dataSource != null ? 1 : 0) + (sqliteFile != null ? 1 : 0) + (url != null ? 1 : 0);
            if (given != 1) {
                throw new IllegalStateException("give exactly one of dataSource, sqlite(file) and postgres(url, …)");
            }
            HikariDataSource pool = null;
            DataSource ds = dataSource;
            Dialect d;
            if (sqliteFile != null) {
                SqliteFiles.prepare(sqliteFile);
                ds = pool = sqlitePool();
                d = Dialect.SQLITE;
            } else if (url != null) {
                ds = pool = postgresPool();
                d = Dialect.POSTGRES;
            } else {
                d = detect(ds);
            }
            try {
                JdbcStore store = new JdbcStore(this, ds, pool, d);
                if (migrate) {
                    store.migrations.migrate();
                }
                return store;
            } catch (RuntimeException e) {
                if (pool != null) {
                    pool.close();
                }
                throw e;
            }
        }

        private HikariDataSource sqlitePool() {
            HikariConfig c = new HikariConfig();
            c.setPoolName("fleetgate-sqlite");
            // Opening a connection switches the file to WAL, which needs a moment of exclusive access:
            // when several stores open one file at once, keep trying for a while instead of failing.
            c.setInitializationFailTimeout(10_000);
            c.setDriverClassName("org.sqlite.JDBC");
            c.setJdbcUrl("jdbc:sqlite:" + sqliteFile.toAbsolutePath());
            c.setMaximumPoolSize(poolSize);
            c.setConnectionTimeout(connectionTimeout.toMillis());
            // Pragmas go in as driver properties: sqlite-jdbc applies each on every new connection.
            c.addDataSourceProperty("journal_mode", "WAL");
            c.addDataSourceProperty("synchronous", durability.name());
            c.addDataSourceProperty("busy_timeout", "5000");
            c.addDataSourceProperty("foreign_keys", "true");
            c.addDataSourceProperty("transaction_mode", "IMMEDIATE");
            return new HikariDataSource(c);
        }

        private HikariDataSource postgresPool() {
            HikariConfig c = new HikariConfig();
            c.setPoolName("fleetgate-postgres");
            c.setDriverClassName("org.postgresql.Driver");
            c.setJdbcUrl(url);
            c.setUsername(user);
            c.setPassword(password);
            c.setMaximumPoolSize(poolSize);
            c.setConnectionTimeout(connectionTimeout.toMillis());
            return new HikariDataSource(c);
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
