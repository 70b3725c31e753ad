package io.fleetgate.internal;

import io.fleetgate.ErrorCode;
import io.fleetgate.FleetgateException;
import io.fleetgate.FleetgateStore;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * How the services retry a decision that lost a race with another call (a compare-and-set that
 * found the row changed): a few times optimistically, pausing a jittered moment in between, and
 * then in line, under the store's lock on what is decided ({@link FleetgateStore#exclusively}),
 * where no other waiting call can overtake it. Stateless.
 */
public final class Contention {
    /** Attempts in all before a call gives up with {@code STORE_UNAVAILABLE}. */
    static final int ATTEMPTS = 16;
    /** Lost races after which a call waits in line. */
    static final int OPTIMISTIC_ATTEMPTS = 3;

    private Contention() {
    }

    /**
     * {@return the first attempt's result that is not {@code null}}
     *
     * @param store   the store whose lock the later attempts take
     * @param keys    what the decision is about, e.g. {@code "batch:" + id}; asked for only when needed
     * @param attempt one decision and its write: the result, or {@code null} if it lost a race
     * @param what    what kept racing, for the error ("the batch", "logins for d_1")
     * @param <T>     the result
     * @throws FleetgateException {@code STORE_UNAVAILABLE} after 16 lost attempts
     */
    public static <T> T decide(FleetgateStore store, Supplier<Collection<String>> keys, Supplier<T> attempt,
                               String what) {
        for (int i = 0; i < ATTEMPTS; i++) {
            T done = i < OPTIMISTIC_ATTEMPTS ? attempt.get() : store.exclusively(keys.get(), attempt);
            if (done != null) {
                return done;
            }
            if (i < OPTIMISTIC_ATTEMPTS) {
                pause(i);
            }
        }
        throw new FleetgateException(ErrorCode.STORE_UNAVAILABLE, what + " kept changing under concurrent updates; retry");
    }

    /**
     * Waits a jittered moment that grows with {@code attempt}, at most 100 ms.
     *
     * @param attempt how many attempts were lost so far, from 0
     */
    public static void pause(int attempt) {
        long max = Math.min(100, 2L << attempt);
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(max + 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FleetgateException(ErrorCode.STORE_UNAVAILABLE, "interrupted while retrying", Map.of(), e);
        }
    }
}
