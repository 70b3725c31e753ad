package io.fleetgate.session;

import io.fleetgate.error.FleetgateException;
import io.fleetgate.error.TooManyAttemptsException;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Login stage 1, admit (before anything reads or writes the store): bounds the PIN hashing one
 * service instance does at once ({@code LOGIN_HASH_CONCURRENCY}) on the caller's thread: a login
 * takes a slot, or waits for one if fewer than {@code LOGIN_HASH_QUEUE} logins are already waiting,
 * or is refused at once ({@code TOO_MANY_ATTEMPTS} with reason {@code login_busy} and
 * {@code retry_after_s} 1), writing nothing. No thread of its own, so nothing to shut down.
 * Thread-safe.
 */
final class HashingLimit {
    private final Semaphore slots;
    private final int queue;
    private final AtomicInteger waiting = new AtomicInteger();

    HashingLimit(int concurrency, int queue) {
        this.slots = new Semaphore(concurrency, true);
        this.queue = queue;
    }

    /**
     * {@return what {@code work} returns, computed while holding a slot}
     *
     * @param work the login's hashing and everything it decides with it
     * @param <T>  its result
     * @throws FleetgateException {@code TOO_MANY_ATTEMPTS} (reason {@code login_busy}) when every
     *                            slot is taken and the queue is full
     */
    <T> T run(Supplier<T> work) {
        if (!slots.tryAcquire()) {
            if (waiting.incrementAndGet() > queue) {
                waiting.decrementAndGet();
                throw busy();
            }
            try {
                slots.acquire();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw busy();
            } finally {
                waiting.decrementAndGet();
            }
        }
        try {
            return work.get();
        } finally {
            slots.release();
        }
    }

    private static FleetgateException busy() {
        return new TooManyAttemptsException(TooManyAttemptsException.Reason.LOGIN_BUSY, Duration.ofSeconds(1),
                "the server is busy checking other logins; retry after 1 s");
    }
}
