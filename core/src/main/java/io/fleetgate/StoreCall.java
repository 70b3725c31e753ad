package io.fleetgate;

import io.fleetgate.internal.TimedStore;

import java.util.Objects;
import java.util.Set;

/**
 * How long one call of the store SPI took, as a {@link FleetgateListener} that
 * {@linkplain FleetgateListener#timesStoreCalls() asks for store timings} hears it. Low cardinality
 * by design: the operation is one of {@link #operations()}, names made from the SPI itself
 * ({@code "eventLog.commit"}, {@code "batches.findBatch"}, {@code "store.exclusively"}), never an id or
 * an argument. Immutable.
 *
 * @param operation     {@code repository.method}, one of {@link #operations()}
 * @param succeeded     whether the call returned (false: it threw, e.g. {@code STORE_UNAVAILABLE})
 * @param durationNanos how long it took, in nanoseconds of the {@code Fleetgate}'s ticker
 */
public record StoreCall(String operation, boolean succeeded, long durationNanos) {

    /**
     * Checks the components.
     *
     * @param operation     one of {@link #operations()}
     * @param succeeded     whether the call returned
     * @param durationNanos at least 0
     * @throws IllegalArgumentException for an operation not in {@link #operations()} or a negative duration
     */
    public StoreCall {
        Objects.requireNonNull(operation, "operation");
        if (!TimedStore.OPERATIONS.contains(operation)) {
            throw new IllegalArgumentException("not a store operation: " + operation.length() + " characters");
        }
        if (durationNanos < 0) {
            throw new IllegalArgumentException("durationNanos must be at least 0, got " + durationNanos);
        }
    }

    /** {@return every operation name a store call may have: the SPI's methods, fixed when the library is built} */
    public static Set<String> operations() {
        return TimedStore.OPERATIONS;
    }
}
