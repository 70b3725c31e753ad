package io.fleetgate.spi;

import io.fleetgate.exclusive.ExclusiveSession;

import java.util.List;
import java.util.Objects;

/**
 * What {@link ExclusiveSessionRepository#activate} did, atomically. Immutable.
 *
 * @param created  the inserted session, or {@code null} if the driver already had one
 * @param existing the driver's ACTIVE session that blocked the insert, or {@code null}
 * @param expired  sessions of the driver that were found past expiry and marked EXPIRED first
 */
public record ActivationOutcome(ExclusiveSession created, ExclusiveSession existing,
                                List<ExclusiveSession> expired) {
    /**
     * Checks and normalises the components.
     *
     * @param created the inserted session, or {@code null} if the driver already had one
     * @param existing the driver's ACTIVE session that blocked the insert, or {@code null}
     * @param expired sessions of the driver that were found past expiry and marked EXPIRED first
     */
    public ActivationOutcome {
        if ((created == null) == (existing == null)) {
            throw new IllegalArgumentException("exactly one of created and existing must be set");
        }
        expired = List.copyOf(Objects.requireNonNull(expired, "expired"));
    }
}
