package io.fleetgate.store.jdbc.internal;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.SQLExceptionOverride;
import com.zaxxer.hikari.metrics.MetricsTrackerFactory;

import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;

/**
 * The HikariCP pools a store builds for itself (a host's own {@code DataSource} is used as given).
 * Stateless and thread-safe.
 */
public final class Pools {
    /**
     * Closes a PostgreSQL connection that answered 25006 (read-only SQL transaction) instead of
     * putting it back in the pool; leaves every other decision to HikariCP.
     */
    public static final SQLExceptionOverride EVICT_READ_ONLY = new EvictReadOnly();

    private static final class EvictReadOnly implements SQLExceptionOverride {
        @java.lang.Override
        public SQLExceptionOverride.Override adjudicate(SQLException e) {
            return "25006".equals(e.getSQLState()) ? SQLExceptionOverride.Override.MUST_EVICT
                    : SQLExceptionOverride.Override.CONTINUE_EVICT;
        }
    }

    private Pools() {
    }

    /**
     * An SQLite pool set up for several writer threads: WAL journal, {@code busy_timeout=5000},
     * foreign keys on, IMMEDIATE transactions, and the given {@code synchronous} level.
     *
     * @param file        the database file
     * @param synchronous SQLite's {@code synchronous} pragma, e.g. {@code FULL}
     * @param size        the most connections
     * @param timeout     how long a caller waits for a connection
     * @param metrics     the pool's metrics tracker factory, or {@code null} for none
     * @return the pool; the caller closes it
     */
    public static HikariDataSource sqlite(Path file, String synchronous, int size, Duration timeout,
                                          MetricsTrackerFactory metrics) {
        HikariConfig c = config("fleetgate-sqlite", "org.sqlite.JDBC", "jdbc:sqlite:" + file.toAbsolutePath(), size,
                timeout, metrics);
        // Opening a connection switches the file to WAL, which needs a moment of exclusive access:
        // when several stores open one file at once, keep trying for a while instead of failing.
        c.setInitializationFailTimeout(10_000);
        // Pragmas go in as driver properties: sqlite-jdbc applies each on every new connection.
        c.addDataSourceProperty("journal_mode", "WAL");
        c.addDataSourceProperty("synchronous", synchronous);
        c.addDataSourceProperty("busy_timeout", "5000");
        c.addDataSourceProperty("foreign_keys", "true");
        c.addDataSourceProperty("transaction_mode", "IMMEDIATE");
        return new HikariDataSource(c);
    }

    /**
     * A PostgreSQL pool connecting as one role. Besides HikariCP's own rules (a connection that
     * failed with SQLSTATE class 08, 57P01, 57P02, 57P03 and a few more is closed, not reused; one
     * idle for over half a second is validated before it is handed out), a connection whose
     * statement failed with 25006 (read-only transaction: the server it reached is a standby, or
     * was demoted) is closed too ({@link #EVICT_READ_ONLY}), so the next one is opened anew, and
     * with a URL naming several hosts and {@code targetServerType=primary} reaches the primary.
     *
     * @param name     the pool's name
     * @param url      the JDBC URL
     * @param user     the role
     * @param password its password (may be {@code null})
     * @param size     the most connections
     * @param timeout  how long a caller waits for a connection
     * @param keepIdle whether idle connections are kept (not for the owner's pool: migrations and
     *                 one read of the key need none afterwards)
     * @param metrics  the pool's metrics tracker factory, or {@code null} for none
     * @return the pool; the caller closes it
     */
    public static HikariDataSource postgres(String name, String url, String user, String password, int size,
                                            Duration timeout, boolean keepIdle, MetricsTrackerFactory metrics) {
        return postgres(name, url, user, password, size, timeout, keepIdle, metrics, false);
    }

    /**
     * A PostgreSQL pool connecting as one role, maybe through a transaction pooler.
     *
     * @param name        the pool's name
     * @param url         the JDBC URL (behind a transaction pooler: without {@code currentSchema},
     *                    see {@link PinnedSchema})
     * @param user        the role
     * @param password    its password (may be {@code null})
     * @param size        the most connections
     * @param timeout     how long a caller waits for a connection
     * @param keepIdle    whether idle connections are kept
     * @param metrics     the pool's metrics tracker factory, or {@code null} for none
     * @param transaction whether a transaction pooler is in between: then the driver prepares no
     *                    statement on the server ({@code prepareThreshold=0}; a URL that says
     *                    otherwise wins over it, which the store refuses before it gets here)
     * @return the pool; the caller closes it
     */
    public static HikariDataSource postgres(String name, String url, String user, String password, int size,
                                            Duration timeout, boolean keepIdle, MetricsTrackerFactory metrics,
                                            boolean transaction) {
        HikariConfig c = config(name, "org.postgresql.Driver", url, size, timeout, metrics);
        if (transaction) {
            c.addDataSourceProperty("prepareThreshold", "0");
        }
        c.setUsername(user);
        c.setPassword(password);
        c.setExceptionOverride(EVICT_READ_ONLY);
        if (!keepIdle) {
            c.setMinimumIdle(0);
        }
        try {
            return new HikariDataSource(c);
        } catch (RuntimeException e) {
            throw refusedStartupParameter(e, transaction);
        }
    }

    /**
     * PgBouncer refuses a startup parameter it does not know ({@code unsupported startup
     * parameter: search_path} for {@code currentSchema}, {@code extra_float_digits} unless ignored):
     * the build fails saying what to set instead of with the bare refusal.
     */
    private static RuntimeException refusedStartupParameter(RuntimeException e, boolean transaction) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String message = t.getMessage();
            if (t instanceof java.sql.SQLException && message != null && message.contains("unsupported startup parameter")) {
                String fix = message.contains("extra_float_digits")
                        ? "add extra_float_digits to PgBouncer's ignore_startup_parameters (the driver always sends it)"
                        : transaction ? "drop that parameter from the URL (only currentSchema is handled per transaction)"
                        : "behind PgBouncer in transaction mode set the store's pooler to transaction "
                        + "(FLEETGATE_PG_POOLER=transaction; JdbcStore.builder().pooler(Pooler.TRANSACTION)), which "
                        + "sets the URL's currentSchema per transaction instead";
                return new IllegalStateException("the PostgreSQL connection was refused at connect (" + message.strip()
                        + "), which is how PgBouncer answers a startup parameter it does not pass on: " + fix, e);
            }
        }
        return e;
    }

    /**
     * Closes each pool that is not {@code null}.
     *
     * @param pools pools, or {@code null}s
     */
    public static void close(HikariDataSource... pools) {
        for (HikariDataSource p : pools) {
            if (p != null) {
                p.close();
            }
        }
    }

    private static HikariConfig config(String name, String driver, String url, int size, Duration timeout,
                                       MetricsTrackerFactory metrics) {
        HikariConfig c = new HikariConfig();
        if (metrics != null) {
            c.setMetricsTrackerFactory(metrics);
        }
        c.setPoolName(name);
        c.setDriverClassName(driver);
        c.setJdbcUrl(url);
        c.setMaximumPoolSize(size);
        c.setConnectionTimeout(timeout.toMillis());
        return c;
    }
}
