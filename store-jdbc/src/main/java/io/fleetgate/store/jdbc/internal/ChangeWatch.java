package io.fleetgate.store.jdbc.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The change feed's wake-ups on a JDBC database ({@link io.fleetgate.spi.ChangeLog#watch}): one
 * daemon thread per store, started by the first watch, telling every watcher which workspaces'
 * feeds may have grown. On PostgreSQL the thread holds one connection of the store's pool and
 * {@code LISTEN}s ({@link PostgresChangeListener}), so commits of every host on the database wake
 * readers here; on SQLite the store's own commits poke it ({@link Tx#afterCommit}) and it reads
 * which workspaces have new changes ({@link SqliteChangeDispatcher}). Stopped by {@link #close()},
 * which the store calls before it closes its pool. Thread-safe.
 */
public abstract class ChangeWatch implements AutoCloseable {
    static final Logger LOG = LoggerFactory.getLogger(ChangeWatch.class);
    /** The longest pause between retries after a failure. */
    static final long MAX_PAUSE_MS = 5_000;

    private final List<Consumer<String>> watchers = new CopyOnWriteArrayList<>();
    private final String name;
    private Thread thread;
    private volatile boolean closed;

    ChangeWatch(String name) {
        this.name = name;
    }

    /**
     * {@return the watch for a store's database}: on SQLite the in-process dispatcher; on
     * PostgreSQL a connection of {@code listen} that {@code LISTEN}s, or, when there is none (behind
     * a transaction pooler without a direct URL), a timer telling every watcher "any workspace"
     * every {@code pollMillis}
     *
     * @param dataSource the store's pool (the listener reads the store's schema over it)
     * @param tx         the store's runner
     * @param listen     where to listen: the store's pool, a direct connection's, or {@code null}
     *                   to poll
     * @param pollMillis the polling interval when {@code listen} is {@code null}
     */
    public static ChangeWatch of(javax.sql.DataSource dataSource, Tx tx, javax.sql.DataSource listen, long pollMillis) {
        if (tx.dialect().dialect() != io.fleetgate.store.jdbc.Dialect.POSTGRES) {
            return new SqliteChangeDispatcher(tx);
        }
        return listen == null ? new PostgresChangePoller(pollMillis)
                : new PostgresChangeListener(listen, dataSource, tx.dialect());
    }

    /** Adds a watcher, starting the thread on the first; the result removes it. */
    public final synchronized io.fleetgate.spi.ChangeLog.Watch add(Consumer<String> watcher) {
        if (closed) {
            throw new IllegalStateException("the store is closed");
        }
        watchers.add(watcher);
        if (thread == null) {
            starting();
            thread = new Thread(this::run, name);
            thread.setDaemon(true);
            thread.start();
        }
        return () -> watchers.remove(watcher);
    }

    /** Tells every watcher; {@code null}: any workspace. */
    final void tell(String workspaceId) {
        for (Consumer<String> w : watchers) {
            try {
                w.accept(workspaceId);
            } catch (RuntimeException e) {
                LOG.atWarn().setMessage("change_watcher_failed").addKeyValue("exception", e.getClass().getName()).log();
            }
        }
    }

    final boolean closed() {
        return closed;
    }

    /** Runs on the caller's thread before the thread starts. */
    void starting() {
    }

    /** The thread's work, until {@link #closed()}. */
    abstract void run();

    /** Wakes the thread so it sees {@link #closed()}. */
    abstract void wakeForClose();

    @Override
    public final void close() {
        Thread t;
        synchronized (this) {
            closed = true;
            t = thread;
        }
        if (t != null) {
            wakeForClose();
            try {
                t.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        watchers.clear();
    }

    /** Sleeps {@code millis} unless interrupted (a close), for a retry's pause. */
    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
