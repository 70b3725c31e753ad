package io.fleetgate.error;

import java.util.Map;

/**
 * {@link ErrorCode#SESSION_BLOCKED}: a login on a new device refused while the driver is on a
 * route; a supervisor must end the session on the other device first. Detail {@code session_id}:
 * the session in the way. Immutable.
 */
public final class SessionBlockedException extends FleetgateException {
    private static final long serialVersionUID = 1L;

    /** The session in the way. */
    private final String sessionId;

    /**
     * Creates the refusal.
     *
     * @param sessionId the driver's current session, on the other device
     * @param message   why
     */
    public SessionBlockedException(String sessionId, String message) {
        super(ErrorCode.SESSION_BLOCKED, message, Map.of("session_id", sessionId), null);
        this.sessionId = sessionId;
    }

    /** {@return the driver's current session, on the other device} */
    public String sessionId() {
        return sessionId;
    }
}
