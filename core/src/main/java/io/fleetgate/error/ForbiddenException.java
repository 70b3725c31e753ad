package io.fleetgate.error;

import java.util.Map;

/**
 * {@link ErrorCode#FORBIDDEN}: the caller is known but its role may not do this. No details.
 * Immutable.
 */
public final class ForbiddenException extends FleetgateException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the refusal.
     *
     * @param message a human sentence
     */
    public ForbiddenException(String message) {
        super(ErrorCode.FORBIDDEN, message, Map.of(), null);
    }
}
