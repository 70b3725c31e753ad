package io.fleetgate.exclusive;

import io.fleetgate.ErrorCode;
import io.fleetgate.FleetgateException;

import java.util.Map;

/**
 * Completing or cancelling refused because the session has ended. Detail {@code status}: its
 * status now ({@code EXPIRED} when this call found it past its expiry and marked it so).
 * Immutable.
 */
public final class NotActiveException extends FleetgateException {
    private static final long serialVersionUID = 1L;

    private final transient ExclusiveSession session;

    /**
     * Creates the refusal for a session that is no longer ACTIVE.
     *
     * @param session the session as it is now
     */
    public NotActiveException(ExclusiveSession session) {
        super(ErrorCode.NOT_ACTIVE, "exclusive session " + session.id() + " is " + session.status() + ", not ACTIVE",
                Map.of("status", session.status().name()), null);
        this.session = session;
    }

    /** {@return the session as it is now} */
    public ExclusiveSession session() {
        return session;
    }
}
