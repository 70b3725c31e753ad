package io.fleetgate.examples.http;

import org.eclipse.jetty.io.Connection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Keeps connections from being held open by clients that send slowly or not at all, and caps how
 * many are open.
 *
 * <p>Jetty's own idle timeout closes a connection only when nothing arrives for a while, so a
 * byte a second keeps it open for ever. Here every connection has a deadline for what it is
 * doing, checked every {@value #SWEEP_MS} ms, and is closed when the deadline passes:
 * <ul>
 *   <li>opened, or bytes of a next request arrived: the request line and headers must be complete
 *       within the header timeout;</li>
 *   <li>headers complete: the whole body must have arrived within the body timeout;</li>
 *   <li>body read, the request running on a request thread: no deadline (the store's own timeouts
 *       bound it);</li>
 *   <li>answered: the next request must begin within the idle timeout.</li>
 * </ul>
 * A connection over the cap is closed as soon as it is accepted, before anything is read from
 * it, so the connections already open are served as before. This runs on the server's real time
 * (timeouts are about sockets, not about the rules, which use the injected clock). Thread-safe.
 */
final class ConnectionGuard implements Connection.Listener, AutoCloseable {
    /** How often deadlines are checked. */
    static final long SWEEP_MS = 100;

    private static final Logger LOG = LoggerFactory.getLogger("io.fleetgate.examples.http");

    private enum Phase { HEADERS, BODY, WORKING, IDLE }

    /** What one connection is doing and until when it may. Guarded by itself. */
    private static final class Tracked {
        Phase phase = Phase.HEADERS;
        long deadline;
        long bytesWhenIdle;

        Tracked(long deadline) {
            this.deadline = deadline;
        }
    }

    private final HttpLimits limits;
    private final Map<Connection, Tracked> open = new ConcurrentHashMap<>();
    private final AtomicInteger count = new AtomicInteger();
    private final AtomicInteger refused = new AtomicInteger();
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger timedOut = new AtomicInteger();
    private final ScheduledExecutorService sweeper;

    ConnectionGuard(HttpLimits limits) {
        this.limits = limits;
        this.sweeper = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread t = new Thread(task, "fleetgate-http-deadlines");
            t.setDaemon(true);
            return t;
        });
        sweeper.scheduleWithFixedDelay(this::sweep, SWEEP_MS, SWEEP_MS, TimeUnit.MILLISECONDS);
    }

    @Override
    public void onOpened(Connection connection) {
        if (count.incrementAndGet() > limits.maxConnections()) {
            refused.incrementAndGet();
            connection.getEndPoint().close();
            return;
        }
        open.put(connection, new Tracked(System.nanoTime() + limits.headerTimeout().toNanos()));
        accepted.incrementAndGet();
    }

    @Override
    public void onClosed(Connection connection) {
        open.remove(connection);
        count.decrementAndGet();
    }

    /** @param connection its request's headers are complete: the body's deadline starts */
    void bodyStarted(Connection connection) {
        set(connection, Phase.BODY, System.nanoTime() + limits.bodyTimeout().toNanos());
    }

    /** @param connection its request's body is read: no deadline while the request runs */
    void working(Connection connection) {
        set(connection, Phase.WORKING, Long.MAX_VALUE);
    }

    /** @param connection its request is answered: the next must begin within the idle timeout */
    void answered(Connection connection) {
        Tracked t = open.get(connection);
        if (t != null) {
            synchronized (t) {
                t.bytesWhenIdle = connection.getBytesIn();
                t.deadline = System.nanoTime() + limits.idleTimeout().toNanos();
                t.phase = Phase.IDLE;
            }
        }
    }

    private void set(Connection connection, Phase phase, long deadline) {
        Tracked t = open.get(connection);
        if (t != null) {
            synchronized (t) {
                t.deadline = deadline;
                t.phase = phase;
            }
        }
    }

    private void sweep() {
        try {
            long now = System.nanoTime();
            open.forEach((connection, t) -> {
                boolean expired;
                synchronized (t) {
                    if (t.phase == Phase.IDLE && connection.getBytesIn() > t.bytesWhenIdle) {
                        t.deadline = Math.min(t.deadline, now + limits.headerTimeout().toNanos());
                        t.phase = Phase.HEADERS;
                    }
                    expired = t.phase != Phase.WORKING && now - t.deadline > 0;
                }
                if (expired) {
                    timedOut.incrementAndGet();
                    open.remove(connection);
                    connection.getEndPoint().close();
                }
            });
        } catch (RuntimeException e) {
            LOG.atWarn().setMessage("http_deadline_sweep_failed").setCause(e).log();
        }
    }

    /** {@return connections open now (refused ones included until they are closed)} */
    int openConnections() {
        return count.get();
    }

    /** {@return connections whose request is being worked on (body read, not yet answered)} */
    int workingConnections() {
        int n = 0;
        for (Tracked t : open.values()) {
            synchronized (t) {
                n += t.phase == Phase.WORKING ? 1 : 0;
            }
        }
        return n;
    }

    /** {@return connections accepted under the cap, since start (closed ones included)} */
    int acceptedConnections() {
        return accepted.get();
    }

    /** {@return connections closed because they were over the cap, since start} */
    int refusedConnections() {
        return refused.get();
    }

    /** {@return connections closed because a deadline passed, since start} */
    int timedOutConnections() {
        return timedOut.get();
    }

    @Override
    public void close() {
        sweeper.shutdownNow();
    }
}
