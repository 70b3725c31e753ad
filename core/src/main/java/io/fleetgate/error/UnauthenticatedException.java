package io.fleetgate.error;

import java.util.Map;

/**
 * {@link ErrorCode#UNAUTHENTICATED}: the caller is not known, or its credentials are wrong or
 * have ended. Deliberately without details: an unknown name, a wrong PIN, an unknown and an ended
 * token all look the same. Immutable.
 */
public final class UnauthenticatedException extends FleetgateException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the refusal.
     *
     * @param message a human sentence that tells nothing an attacker could use
     */
    public UnauthenticatedException(String message) {
        super(ErrorCode.UNAUTHENTICATED, message, Map.of(), null);
    }
}
