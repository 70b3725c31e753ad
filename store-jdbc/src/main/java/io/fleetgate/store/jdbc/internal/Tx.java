package io.fleetgate.store.jdbc.internal;

import io.fleetgate.ErrorCode;
import io.fleetgate.FleetgateException;
import io.fleetgate.internal.AccessContext;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.ConnectionException;

import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Runs units of work against the database and turns what can go wrong into fleetgate's terms.
 *
 * <p>A unit that lost a race the database reports as retryable (PostgreSQL serialization failure
 * 40001 or deadlock 40P01; SQLite BUSY or LOCKED) is run again from the start, up to
 * {@value #ATTEMPTS} times with a growing, jittered pause; every unit given to this runner must
 * therefore be safe to repeat. When the database cannot be reached, or keeps losing races, the
 * caller gets {@link ErrorCode#STORE_UNAVAILABLE}, nothing having been committed.
 *
 * <p>Where the database enforces access itself (PostgreSQL's row-level security), every unit,
 * reads included, runs in a transaction whose first statement tells the database who acts:
 * {@link AccessContext#current()}, the principal of the service call in progress on this thread,
 * or the system when there is none ({@link SqlDialect#bindPrincipal}). That costs a read two round
 * trips more than in auto-commit mode (the settings, and the commit) and a write one more (the
 * settings); the {@code BEGIN} travels with the first statement. On SQLite nothing changes: reads
 * run in auto-commit mode. Thread-safe.
 */
public final class Tx {
    static final int ATTEMPTS = 8;

    private final Jdbi jdbi;
    private final SqlDialect dialect;

    /**
     * @param jdbi    the database
     * @param dialect its dialect
     */
    public Tx(Jdbi jdbi, SqlDialect dialect) {
        this.jdbi = jdbi;
        this.dialect = dialect;
    }

    /** @return the dialect of the database */
    public SqlDialect dialect() {
        return dialect;
    }

    /**
     * Runs {@code work} in one transaction (on SQLite an IMMEDIATE one: it takes the write lock
     * at the start, so a read-then-write unit cannot fail half-way with BUSY; on PostgreSQL one
     * bound to the acting principal).
     *
     * @param work the unit; may run more than once
     * @param <T>  its result
     * @return its result
     */
    public <T> T write(HandleCallback<T, RuntimeException> work) {
        return run(work, true);
    }

    /**
     * Runs {@code work} on one connection, for reads and single statements: in auto-commit mode, or
     * where the dialect {@linkplain SqlDialect#readsInTransaction() needs it} in one transaction
     * bound to the acting principal.
     *
     * @param work the unit; may run more than once
     * @param <T>  its result
     * @return its result
     */
    public <T> T read(HandleCallback<T, RuntimeException> work) {
        return run(work, false, false);
    }

    /**
     * Runs a single read of reference data that has no row-level security (chargers, merchants)
     * in auto-commit mode on every database: no principal to bind, so one round trip, not three.
     *
     * @param work the unit; may run more than once
     * @param <T>  its result
     * @return its result
     */
    public <T> T readReference(HandleCallback<T, RuntimeException> work) {
        return run(work, false, true);
    }

    private <T> T run(HandleCallback<T, RuntimeException> work, boolean transactional) {
        return run(work, transactional, false);
    }

    private <T> T run(HandleCallback<T, RuntimeException> work, boolean transactional, boolean reference) {
        for (int attempt = 1; ; attempt++) {
            try {
                return transactional || (!reference && dialect.readsInTransaction()) ? jdbi.inTransaction(h -> {
                    dialect.bindPrincipal(h, AccessContext.current());
                    return work.withHandle(h);
                }) : jdbi.withHandle(work);
            } catch (FleetgateException e) {
                throw e;
            } catch (RuntimeException e) {
                SQLException sql = sqlCause(e);
                boolean retryable = sql != null && dialect.isRetryable(sql);
                if (retryable && attempt < ATTEMPTS) {
                    pause(attempt);
                    continue;
                }
                if (retryable) {
                    throw unavailable("the store stayed busy; retry later", e);
                }
                if (e instanceof ConnectionException || (sql != null && dialect.isUnavailable(sql))) {
                    throw unavailable("the store cannot be reached; retry later", e);
                }
                throw e;
            }
        }
    }

    /**
     * Whether an exception thrown inside a unit was a unique-constraint violation.
     *
     * @param e the exception
     * @return true for SQLSTATE 23505 or SQLite's SQLITE_CONSTRAINT_UNIQUE, nothing else
     */
    public boolean isUniqueViolation(RuntimeException e) {
        SQLException sql = sqlCause(e);
        return sql != null && dialect.isUniqueViolation(sql);
    }

    private static FleetgateException unavailable(String message, RuntimeException cause) {
        return new FleetgateException(ErrorCode.STORE_UNAVAILABLE, message, Map.of(), cause);
    }

    private static SQLException sqlCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s) {
                return s;
            }
        }
        return null;
    }

    private static void pause(int attempt) {
        long maxMillis = Math.min(200, 2L << attempt);
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(1, maxMillis + 1));
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            throw new FleetgateException(ErrorCode.STORE_UNAVAILABLE, "interrupted while retrying", Map.of(), ie);
        }
    }

}
