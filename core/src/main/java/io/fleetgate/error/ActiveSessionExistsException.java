package io.fleetgate.error;

import io.fleetgate.exclusive.ExclusiveSession;

import java.util.Map;

/**
 * {@link ErrorCode#ACTIVE_SESSION_EXISTS}: activation refused because the driver already has an
 * ACTIVE exclusive session, which this carries (detail {@code exclusive_session}). Immutable.
 */
public final class ActiveSessionExistsException extends FleetgateException {
    private static final long serialVersionUID = 1L;

    private final transient ExclusiveSession existing;

    /**
     * Creates the refusal.
     *
     * @param existing the driver's ACTIVE session, which stands in the way
     */
    public ActiveSessionExistsException(ExclusiveSession existing) {
        super(ErrorCode.ACTIVE_SESSION_EXISTS, "driver already has an active exclusive session " + existing.id(),
                Map.of("exclusive_session", existing), null);
        this.existing = existing;
    }

    /** {@return the driver's ACTIVE session} */
    public ExclusiveSession existing() {
        return existing;
    }
}
