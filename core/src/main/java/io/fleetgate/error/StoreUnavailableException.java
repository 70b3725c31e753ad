package io.fleetgate.error;

import java.util.Map;

/**
 * {@link ErrorCode#STORE_UNAVAILABLE}: the store cannot be reached, keeps failing, or stays
 * contended; the call may be retried. Unless the message says the connection was lost while
 * committing (the change may then have been applied), nothing was done. No details; the cause, if
 * any, is the store's failure. Immutable.
 */
public final class StoreUnavailableException extends FleetgateException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the refusal.
     *
     * @param message what failed
     * @param cause   the store's failure, or {@code null}
     */
    public StoreUnavailableException(String message, Throwable cause) {
        super(ErrorCode.STORE_UNAVAILABLE, message, Map.of(), cause);
    }

    /**
     * Creates the refusal.
     *
     * @param message what failed
     */
    public StoreUnavailableException(String message) {
        this(message, null);
    }
}
