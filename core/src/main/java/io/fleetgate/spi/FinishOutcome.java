package io.fleetgate.spi;

import io.fleetgate.exclusive.ExclusiveSession;

/**
 * What {@link ExclusiveSessionRepository#finish} found and did, atomically.
 */
public sealed interface FinishOutcome {

    /**
     * The session was ACTIVE and in time, and now has the requested status.
     *
     * @param session the session after the change
     */
    record Finished(ExclusiveSession session) implements FinishOutcome {
    }

    /**
     * The session was ACTIVE but past its expiry; it is now EXPIRED.
     *
     * @param session the session after the change
     */
    record Expired(ExclusiveSession session) implements FinishOutcome {
    }

    /**
     * The session had already ended; nothing changed.
     *
     * @param session the session as stored
     */
    record NotActive(ExclusiveSession session) implements FinishOutcome {
    }

    /** No session with that id belongs to the driver. */
    record NotFound() implements FinishOutcome {
    }
}
