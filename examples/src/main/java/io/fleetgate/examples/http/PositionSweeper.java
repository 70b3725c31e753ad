package io.fleetgate.examples.http;

import io.fleetgate.Principal;
import io.fleetgate.error.FleetgateException;
import io.fleetgate.execution.PositionService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The position stream's chores for one host, as the system principal, on one daemon thread
 * ({@code fleetgate-positions}) started and stopped with the host: every {@code period} a
 * {@linkplain PositionService#sweep sweep} (QUIET alerts for drivers on route gone silent,
 * arrivals the stored fixes now confirm), and at most once an {@linkplain #PURGE_EVERY hour} the
 * {@linkplain PositionService#purge purge} of fixes older than {@code FIX_RETENTION_D} (the first
 * with the first sweep). Nothing of it is reachable over HTTP.
 *
 * <p>The period is measured on the JVM's own timer; what the sweep and the purge decide (who is
 * silent, what is old) is measured on the library's clock, the one the host was given. Several
 * hosts on one database may each run it: the library makes that safe. A sweep that fails (the
 * database unreachable) is logged ({@code positions_sweep_failed}) and the next one runs as
 * planned. Thread-safe.
 */
final class PositionSweeper implements AutoCloseable {
    /** The time between two sweeps when the options do not say. */
    static final Duration DEFAULT_PERIOD = Duration.ofSeconds(30);
    /** The least time between two purges. */
    static final Duration PURGE_EVERY = Duration.ofHours(1);

    private static final Logger LOG = LoggerFactory.getLogger("io.fleetgate.examples.http");

    private final PositionService positions;
    private final ScheduledExecutorService timer;
    private final AtomicLong sweeps = new AtomicLong();
    private long lastPurge;
    private boolean purged;

    private PositionSweeper(PositionService positions, ScheduledExecutorService timer) {
        this.positions = positions;
        this.timer = timer;
    }

    /**
     * @param positions the service
     * @param period    the time between the end of one sweep and the start of the next; zero for
     *                  none (the sweeper then does nothing)
     * @return the running sweeper, its first sweep one period from now
     */
    static PositionSweeper start(PositionService positions, Duration period) {
        if (period.isZero()) {
            return new PositionSweeper(positions, null);
        }
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread t = new Thread(task, "fleetgate-positions");
            t.setDaemon(true);
            return t;
        });
        PositionSweeper sweeper = new PositionSweeper(positions, timer);
        long nanos = period.toNanos();
        timer.scheduleWithFixedDelay(sweeper::run, nanos, nanos, TimeUnit.NANOSECONDS);
        return sweeper;
    }

    /** @return how many sweeps have run to the end (failed ones not counted), for tests */
    long sweeps() {
        return sweeps.get();
    }

    /** One tick: the sweep, then the purge when it is due. Never throws but for fatal errors. */
    private void run() {
        try {
            positions.sweep(Principal.system());
            sweeps.incrementAndGet();
            long now = System.nanoTime();
            if (!purged || now - lastPurge >= PURGE_EVERY.toNanos()) {
                positions.purge(Principal.system());
                purged = true;
                lastPurge = now;
            }
        } catch (FleetgateException e) {
            // the store down, for one: said once per tick, the next tick tries again
            LOG.atWarn().setMessage("positions_sweep_failed").addKeyValue("error", e.code().name())
                    .addKeyValue("message", e.getMessage()).log();
        } catch (RuntimeException bug) {
            LOG.atError().setMessage("positions_sweep_failed").setCause(bug).log();
        }
    }

    /** Stops the timer, letting a sweep under way finish (up to five seconds). Idempotent. */
    @Override
    public void close() {
        if (timer == null) {
            return;
        }
        timer.shutdown();
        try {
            if (!timer.awaitTermination(5, TimeUnit.SECONDS)) {
                timer.shutdownNow();
            }
        } catch (InterruptedException e) {
            timer.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
