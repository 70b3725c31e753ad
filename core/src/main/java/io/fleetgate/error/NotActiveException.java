package io.fleetgate.error;

import io.fleetgate.exclusive.ExclusiveSession;

import java.util.Map;

/**
 * {@link ErrorCode#NOT_ACTIVE}: completing or cancelling refused because the exclusive session
 * has ended. Detail {@code status}: its status now ({@code EXPIRED} when this call found it past
 * its expiry and marked it so). Immutable.
 */
public final class NotActiveException extends FleetgateException {
    private static final long serialVersionUID = 1L;

    private final transient ExclusiveSession session;

    /**
     * Creates the refusal.
     *
     * @param session the session as it is now, not ACTIVE
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
