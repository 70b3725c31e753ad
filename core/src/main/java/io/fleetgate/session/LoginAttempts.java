package io.fleetgate.session;

import java.time.Instant;

/**
 * Failed logins for one submitted username (whether or not it exists). Immutable.
 *
 * @param usernameKey   the username as compared
 * @param failedCount   failures since {@code firstFailedAt}
 * @param firstFailedAt the first failure of the current window
 * @param lockedUntil   logins are refused until then, or {@code null}
 */
public record LoginAttempts(String usernameKey, int failedCount, Instant firstFailedAt, Instant lockedUntil) {

    /**
     * {@return whether logins for this username are refused now}
     *
     * @param now the current instant
     */
    public boolean lockedAt(Instant now) {
        return lockedUntil != null && now.isBefore(lockedUntil);
    }
}
