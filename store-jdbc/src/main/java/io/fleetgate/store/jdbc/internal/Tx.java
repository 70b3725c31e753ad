package io.fleetgate.store.jdbc.internal;

import io.fleetgate.error.ErrorCode;
import io.fleetgate.error.FleetgateException;
import io.fleetgate.error.StoreUnavailableException;
import io.fleetgate.Principal;
import io.fleetgate.internal.AccessContext;
import io.fleetgate.internal.StaleReads;
import org.jdbi.v3.core.ConnectionException;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;

import java.sql.SQLException;
import java.util.Collection;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

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
 * run in auto-commit mode.
 *
 * <p>A connection lost in the middle of a unit (a terminated backend) loses nothing: the
 * transaction never committed, so the unit runs once more on another connection. A connection
 * lost while committing leaves the outcome unknown; a unit that can tell whether its own write
 * landed ({@link #write(HandleCallback, HandleCallback)}) looks, and either returns what it wrote
 * or runs again; any other gets {@code STORE_UNAVAILABLE} saying the change may have been applied.
 *
 * <p>With a replica, a {@link #read} that the service call marked as allowed to lag
 * ({@link StaleReads}) runs there, bound to the principal as on the primary (the replica holds the
 * same policies and context key); writes, the checks after a lost commit, and every read inside an
 * exclusive section run on the primary.
 *
 * <p>{@link #exclusively} runs a caller's sequence of units as one transaction holding locks on
 * named keys, for decisions that lost too many optimistic races; each unit in it runs as the
 * principal current when it runs (the transaction is bound anew when that changes). Thread-safe.
 */
public final class Tx {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Tx.class);
    static final int ATTEMPTS = 8;
    /** Times a unit runs again on another connection after its connection died before commit. */
    static final int RERUNS_AFTER_LOST_CONNECTION = 3;

    private final Jdbi jdbi;
    /** A replica for the reads a service allows to lag ({@link StaleReads}), or {@code null}. */
    private final Jdbi replica;
    private final SqlDialect dialect;
    /** The transaction of an {@link #exclusively} call in progress on this thread, if any. */
    private final ThreadLocal<Handle> bound = new ThreadLocal<>();
    /** The principal that transaction is bound to now: a unit acting for another binds it anew. */
    private final ThreadLocal<Principal> boundAs = new ThreadLocal<>();
    /** Runs after each committed write transaction, or {@code null}. */
    private volatile Runnable afterCommit;

    /**
     * Creates the runner for one database.
     *
     * @param jdbi    the database
     * @param dialect its dialect
     */
    public Tx(Jdbi jdbi, SqlDialect dialect) {
        this(jdbi, dialect, null);
    }

    /**
     * Creates the runner for one database and a replica of it.
     *
     * @param jdbi    the database (the primary): every write, and every read not marked stale
     * @param dialect its dialect
     * @param replica a replica for the reads {@link StaleReads#allowed()}, or {@code null}
     */
    public Tx(Jdbi jdbi, SqlDialect dialect, Jdbi replica) {
        this.jdbi = jdbi;
        this.dialect = dialect;
        this.replica = replica;
    }

    /**
     * Sets what runs after each write transaction this runner commits (the SQLite change feed's
     * in-process wake-up), on the committing thread; it must return at once and not throw.
     *
     * @param hook what runs, or {@code null} for nothing
     */
    public void afterCommit(Runnable hook) {
        this.afterCommit = hook;
    }

    /** {@return the dialect of the database} */
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
        return run(work, true, false, null);
    }

    /**
     * As {@link #write(HandleCallback)}, for a unit whose caller never goes on after it fails: inside
     * {@link #exclusively} it runs without a savepoint of its own (two round trips fewer), so if it
     * fails the whole exclusive section fails with it, as it would anyway when nobody catches.
     * The position stream's writes are such units; a unit a caller may catch and recover from (an
     * event commit refused for a taken id) needs {@link #write(HandleCallback)}.
     *
     * @param work the unit; may run more than once
     * @param <T>  its result
     * @return its result
     */
    public <T> T writeOrFailAll(HandleCallback<T, RuntimeException> work) {
        Handle joined = bound.get();
        if (joined != null) {
            bindAs(joined);
            return work.withHandle(joined);
        }
        return write(work);
    }

    /**
     * As {@link #write(HandleCallback)}, for a unit that can tell afterwards whether it committed:
     * when the connection is lost while committing, {@code verify} runs on another connection and
     * returns the unit's result if its write is there, or {@code null} if not (then the unit runs
     * again).
     *
     * @param work   the unit; may run more than once
     * @param verify looks for the unit's write; {@code null} when it is not there
     * @param <T>    its result
     * @return its result
     */
    public <T> T write(HandleCallback<T, RuntimeException> work, HandleCallback<T, RuntimeException> verify) {
        return run(work, true, false, verify);
    }

    /**
     * Runs {@code body} as one transaction that first takes the dialect's lock on each key
     * ({@link SqlDialect#lockKeys}); every unit {@code body} runs through this runner joins that
     * transaction (writes each in a savepoint, so a unit that fails leaves the rest intact), and
     * the body runs again from the start if the transaction loses a retryable race.
     *
     * @param keys the keys, in any order
     * @param body the work; may run more than once
     * @param <T>  its result
     * @return its result
     */
    public <T> T exclusively(Collection<String> keys, Supplier<T> body) {
        if (bound.get() != null) {
            return body.get();
        }
        return run(h -> {
            bound.set(h);
            boundAs.set(AccessContext.current());
            try {
                return body.get();
            } finally {
                bound.remove();
                boundAs.remove();
            }
        }, true, false, null, keys.stream().sorted().distinct().toList());
    }

    /**
     * Runs {@code work} on one connection, for reads and single statements: in auto-commit mode, or
     * where the dialect {@linkplain SqlDialect#readsInTransaction() needs it} in one transaction
     * bound to the acting principal. On the replica when {@link #readsFromReplica()} (and on the
     * primary if the replica cannot be reached), else on the primary.
     *
     * @param work the unit; may run more than once
     * @param <T>  its result
     * @return its result
     */
    public <T> T read(HandleCallback<T, RuntimeException> work) {
        if (readsFromReplica()) {
            try {
                return run(replica, work, false, false, null, null);
            } catch (FleetgateException e) {
                if (e.code() != ErrorCode.STORE_UNAVAILABLE) {
                    throw e;
                }
                // the replica is out of reach: the primary answers instead
                LOG.atWarn().setMessage("replica_unavailable").addKeyValue("reason", e.getMessage()).log();
            }
        }
        return readPrimary(work);
    }

    /**
     * As {@link #read}, on the primary whatever the call allows.
     *
     * @param work the unit; may run more than once
     * @param <T>  its result
     * @return its result
     */
    public <T> T readPrimary(HandleCallback<T, RuntimeException> work) {
        return run(jdbi, work, false, false, null, null);
    }

    /**
     * {@return whether {@link #read} on this thread goes to the replica now: there is one, the
     * service call allows stale reads ({@link StaleReads}), and no exclusive section is open}
     */
    public boolean readsFromReplica() {
        return replica != null && bound.get() == null && StaleReads.allowed();
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
        return run(work, false, true, null);
    }

    private <T> T run(HandleCallback<T, RuntimeException> work, boolean transactional, boolean reference,
                      HandleCallback<T, RuntimeException> verify) {
        return run(jdbi, work, transactional, reference, verify, null);
    }

    private <T> T run(HandleCallback<T, RuntimeException> work, boolean transactional, boolean reference,
                      HandleCallback<T, RuntimeException> verify, java.util.List<String> lock) {
        return run(jdbi, work, transactional, reference, verify, lock);
    }

    /**
     * Runs a unit on {@code jdbi} (the primary, or for a stale read the replica); with
     * {@code lock}, the transaction also takes those keys' locks as it binds.
     */
    private <T> T run(Jdbi jdbi, HandleCallback<T, RuntimeException> work, boolean transactional, boolean reference,
                      HandleCallback<T, RuntimeException> verify, java.util.List<String> lock) {
        Handle joined = bound.get();
        if (joined != null) {
            bindAs(joined);
            return transactional ? inSavepoint(joined, work) : work.withHandle(joined);
        }
        boolean inTransaction = transactional || (!reference && dialect.readsInTransaction());
        boolean[] committing = {false};
        for (int attempt = 1; ; attempt++) {
            try {
                if (!inTransaction) {
                    return jdbi.withHandle(work);
                }
                committing[0] = false;
                T committed = jdbi.inTransaction(h -> {
                    if (lock == null) {
                        dialect.bindPrincipal(h, AccessContext.current());
                    } else {
                        dialect.bindAndLock(h, AccessContext.current(), lock);
                    }
                    T result = work.withHandle(h);
                    committing[0] = true;
                    return result;
                });
                if (transactional) {
                    committed();
                }
                return committed;
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
                boolean lost = e instanceof ConnectionException || (sql != null && dialect.isUnavailable(sql));
                if (!lost) {
                    throw e;
                }
                if (committing[0]) {
                    // the outcome is unknown: look for the unit's write where it can tell
                    if (verify == null) {
                        throw unavailable("the connection was lost while committing; the change may have been applied", e);
                    }
                    T found = check(verify);
                    if (found != null) {
                        committed();
                        return found;
                    }
                    // not there: nothing was applied, so the unit runs again
                } else if (!inTransaction || e instanceof ConnectionException || attempt > RERUNS_AFTER_LOST_CONNECTION) {
                    // an auto-committed statement may have been applied; no connection to be had
                    // (the database is down) or lost again and again: say so at once
                    throw unavailable("the store cannot be reached; retry later", e);
                }
                // the connection died under the unit, before its commit: nothing was applied
                if (attempt >= ATTEMPTS) {
                    throw unavailable("the store cannot be reached; retry later", e);
                }
            }
        }
    }

    private void committed() {
        Runnable hook = afterCommit;
        if (hook != null) {
            hook.run();
        }
    }

    /**
     * Runs a unit's check, a read, again on another connection as long as connections die under it
     * (which fails fast); when no connection can be had at all (the database is down, or a failover
     * still under way: that already took the pool's connection timeout) or they keep dying, says
     * that the change may have been applied, so that the caller waits no longer than one
     * connection timeout for the answer.
     */
    private <T> T check(HandleCallback<T, RuntimeException> verify) {
        for (int attempt = 1; ; attempt++) {
            try {
                return readPrimary(verify);
            } catch (FleetgateException e) {
                if (e.code() != ErrorCode.STORE_UNAVAILABLE) {
                    throw e;
                }
                if (attempt > RERUNS_AFTER_LOST_CONNECTION || e.getCause() instanceof ConnectionException) {
                    throw new StoreUnavailableException("the connection was lost while committing and the store "
                            + "cannot be reached to tell whether it was applied; the change may have been applied", e);
                }
            }
        }
    }

    /**
     * Binds the exclusive section's transaction to the principal acting now, if it is another:
     * the library's own bookkeeping inside a caller's section (a review record the system writes
     * during a driver's call) is seen by the database as the system's.
     */
    private void bindAs(Handle joined) {
        Principal acting = AccessContext.current();
        if (!acting.equals(boundAs.get())) {
            dialect.bindPrincipal(joined, acting);
            boundAs.set(acting);
        }
    }

    private static <T> T inSavepoint(Handle h, HandleCallback<T, RuntimeException> work) {
        String name = "fleetgate_unit";
        h.savepoint(name);
        T result;
        try {
            result = work.withHandle(h);
        } catch (RuntimeException e) {
            try {
                h.rollbackToSavepoint(name);
            } catch (RuntimeException rollbackFailed) {
                // the connection is gone: the whole transaction is lost, and e says why
                e.addSuppressed(rollbackFailed);
            }
            throw e;
        }
        h.releaseSavepoint(name);
        return result;
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

    /**
     * Runs {@code work}, answering a unique-constraint violation it raises (and nothing else) with
     * {@code onViolation} instead: for statements whose "already taken" is an answer, not an
     * error. A {@link FleetgateException} propagates as it is.
     *
     * @param work        the work, usually one call of this runner
     * @param onViolation the answer (or the exception) for a unique violation
     * @param <T>         the result
     * @return the work's result, or the answer
     */
    public <T> T unlessUniqueViolation(Supplier<T> work, Supplier<T> onViolation) {
        try {
            return work.get();
        } catch (FleetgateException e) {
            throw e;
        } catch (RuntimeException e) {
            if (isUniqueViolation(e)) {
                return onViolation.get();
            }
            throw e;
        }
    }

    /**
     * Thrown inside a write unit to undo it without an error: the unit's transaction (or, inside
     * {@link #exclusively}, its savepoint) rolls back and the exception reaches the caller of
     * {@link #write}, who catches it and reports a lost race. Never retried.
     */
    public static final class Undo extends RuntimeException {
        private static final long serialVersionUID = 1L;
        /** The one instance; it carries no stack trace. */
        public static final Undo INSTANCE = new Undo();

        private Undo() {
            super("unit undone", null, false, false);
        }
    }

    private static FleetgateException unavailable(String message, RuntimeException cause) {
        return new StoreUnavailableException(message, cause);
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
            throw new StoreUnavailableException("interrupted while retrying", ie);
        }
    }

}
