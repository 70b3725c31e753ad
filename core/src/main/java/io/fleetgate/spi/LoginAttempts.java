package io.fleetgate.spi;

import java.time.Instant;

/**
 * The login attempts counted for one subject — a submitted username (whether or not it exists) or
 * a source (see {@link AttemptSubject}). Every attempt is counted when it is reserved, before its
 * PIN is hashed, so the count includes attempts still being evaluated. Immutable.
 *
 * @param usernameKey   the username as compared, or the source's key
 * @param failedCount   attempts reserved since {@code firstFailedAt} (failed, or still being evaluated)
 * @param firstFailedAt the first attempt of the current window
 * @param lockedUntil   logins are refused until then, or {@code null}
 * @param lockCount     locks since the last success or unlock; each new lock doubles the last
 */
public record LoginAttempts(String usernameKey, int failedCount, Instant firstFailedAt, Instant lockedUntil,
                            int lockCount) {

    /**
     * {@return whether logins for this subject are refused now}
     *
     * @param now the current instant
     */
    public boolean lockedAt(Instant now) {
        return lockedUntil != null && now.isBefore(lockedUntil);
    }
}
