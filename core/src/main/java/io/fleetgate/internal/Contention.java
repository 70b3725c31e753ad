package io.fleetgate.internal;

import io.fleetgate.error.StoreUnavailableException;
import io.fleetgate.spi.FleetgateStore;

import java.util.Collection;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * How the services retry a decision that lost a race with another call (a compare-and-set that
 * found the row changed): a few times optimistically, pausing a jittered moment in between, and
 * then in line, under the store's lock on what is decided ({@link FleetgateStore#exclusively}),
 * where no other waiting call can overtake it. One per {@code Fleetgate}, shared by its services;
 * thread-safe.
 */
public final class Contention {
    /** Attempts in all before a call gives up with {@code STORE_UNAVAILABLE}. */
    static final int ATTEMPTS = 16;
    /** Lost races after which a call waits in line. */
    static final int OPTIMISTIC_ATTEMPTS = 3;

    private final FleetgateStore store;

    /**
     * Creates the retry policy of one store.
     *
     * @param store the store whose lock the later attempts of {@link #decide} take
     */
    public Contention(FleetgateStore store) {
        this.store = store;
    }

    /**
     * {@return the first attempt's result that is not {@code null}}
     *
     * @param keys    what the decision is about, e.g. {@code "batch:" + id}; asked for only when needed
     * @param attempt one decision and its write: the result, or {@code null} if it lost a race
     * @param what    what kept racing, for the error ("the batch", "logins for d_1")
     * @param <T>     the result
     * @throws StoreUnavailableException after 16 lost attempts
     */
    public <T> T decide(Supplier<Collection<String>> keys, Supplier<T> attempt, String what) {
        for (int i = 0; i < ATTEMPTS; i++) {
            T done = i < OPTIMISTIC_ATTEMPTS ? attempt.get() : store.exclusively(keys.get(), attempt);
            if (done != null) {
                return done;
            }
            if (i < OPTIMISTIC_ATTEMPTS) {
                pause(i);
            }
        }
        throw new StoreUnavailableException(what + " kept changing under concurrent updates; retry");
    }

    /**
     * {@return the first attempt's result that is not {@code null}} For a compare-and-set that
     * needs no lock to converge (a reassignment, ending a session): the attempts are the same 16,
     * paused alike, never in line.
     *
     * @param attempt one decision and its write: the result, or {@code null} if it lost a race
     * @param what    what kept racing, for the error
     * @param <T>     the result
     * @throws StoreUnavailableException after 16 lost attempts
     */
    public <T> T retry(Supplier<T> attempt, String what) {
        for (int i = 0; i < ATTEMPTS; i++) {
            T done = attempt.get();
            if (done != null) {
                return done;
            }
            pause(i);
        }
        throw new StoreUnavailableException(what + " kept changing under concurrent updates; retry");
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
            throw new StoreUnavailableException("interrupted while retrying", e);
        }
    }
}
