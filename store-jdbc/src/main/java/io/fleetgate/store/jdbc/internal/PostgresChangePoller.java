package io.fleetgate.store.jdbc.internal;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The PostgreSQL change watch behind a transaction pooler without a direct connection to listen
 * on ({@code Pooler.TRANSACTION}, no {@code listenUrl}): {@code LISTEN} cannot work through such a
 * pooler (a notification goes to whichever client holds the server connection when it arrives), so
 * every interval the thread tells every watcher {@code null}, "any workspace", and each reader
 * looks at its feed's head. It reads nothing itself and holds no connection. A change committed
 * anywhere reaches a reader within one interval plus the reader's own read. Thread-safe.
 */
final class PostgresChangePoller extends ChangeWatch {
    private final long intervalNanos;
    private volatile Thread sleeper;

    /** @param intervalMillis the time between two tellings */
    PostgresChangePoller(long intervalMillis) {
        super("fleetgate-changes-poll");
        this.intervalNanos = TimeUnit.MILLISECONDS.toNanos(intervalMillis);
    }

    @Override
    void run() {
        sleeper = Thread.currentThread();
        long next = System.nanoTime() + intervalNanos;
        while (!closed()) {
            long left = next - System.nanoTime();
            if (left > 0) {
                LockSupport.parkNanos(this, left);
                continue;
            }
            tell(null);
            next = System.nanoTime() + intervalNanos;
        }
    }

    @Override
    void wakeForClose() {
        LockSupport.unpark(sleeper);
    }
}
