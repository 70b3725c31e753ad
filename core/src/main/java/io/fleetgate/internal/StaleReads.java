package io.fleetgate.internal;

import java.util.function.Supplier;

/**
 * Marks the reads of a service call that may come from a replica that lags the primary: pages and
 * lists shown to people (the status board, the review queue, a batch's event pages, the change
 * feed's pages), never a read a rule decides on (who may act, what state a batch is in before a
 * write). A store with a replica reads there while {@link #allowed()}; a store without one, and
 * every write, ignore it. Held per thread, nested calls restore the previous state; the services
 * are synchronous. Not API (see {@code package-info}).
 */
public final class StaleReads {
    private static final ThreadLocal<Boolean> ALLOWED = new ThreadLocal<>();

    private StaleReads() {
    }

    /**
     * Runs {@code reads} with stale reads allowed.
     *
     * @param reads the reads (no rule may depend on what they return)
     * @param <T>   their result
     * @return their result
     */
    public static <T> T allow(Supplier<T> reads) {
        Boolean previous = ALLOWED.get();
        ALLOWED.set(Boolean.TRUE);
        try {
            return reads.get();
        } finally {
            if (previous == null) {
                ALLOWED.remove();
            } else {
                ALLOWED.set(previous);
            }
        }
    }

    /** {@return whether the reads in progress on this thread may come from a lagging replica} */
    public static boolean allowed() {
        return ALLOWED.get() == Boolean.TRUE;
    }
}
