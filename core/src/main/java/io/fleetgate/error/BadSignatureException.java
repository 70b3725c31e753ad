package io.fleetgate.error;

import java.util.Map;

/**
 * {@link ErrorCode#BAD_SIGNATURE}: an event's signature does not verify, names a session it may
 * not name, lies outside its session's lifetime, or is missing where the workspace requires one.
 * Inside a sync it is a per-event result; no details. Immutable.
 */
public final class BadSignatureException extends FleetgateException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the refusal.
     *
     * @param message why the signature was refused
     */
    public BadSignatureException(String message) {
        super(ErrorCode.BAD_SIGNATURE, message, Map.of(), null);
    }
}
