package io.fleetgate.exclusive;

import io.fleetgate.ErrorCode;
import io.fleetgate.FleetgateException;

import java.util.Map;

/**
 * Activation refused because the driver already has an ACTIVE session, which this carries
 * (detail {@code exclusive_session}). Immutable.
 */
public final class ActiveSessionExistsException extends FleetgateException {
    private static final long serialVersionUID = 1L;

    private final transient ExclusiveSession existing;

    /**
     * Creates the refusal, carrying the session that stands in the way.
     *
     * @param existing the driver's ACTIVE session
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
