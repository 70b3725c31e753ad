package io.fleetgate.session;

import java.time.Duration;
import java.time.Instant;

/**
 * A user's login on one device. Holds the SHA-256 of its bearer token, never the token. Immutable.
 *
 * @param id                 library-made UUID; events recorded under it name it
 * @param userId             whose session
 * @param deviceId           the device the host reported
 * @param tokenHash          hex SHA-256 of the current token
 * @param createdAt          when it was opened
 * @param lastActiveAt       the last authenticated call (written at most once a minute)
 * @param expiresAt          the absolute end (a shift)
 * @param invalidatedAt      when it was ended, or {@code null} while it is current
 * @param invalidationReason why it was ended, or {@code null}
 */
public record DeviceSession(String id, String userId, String deviceId, String tokenHash, Instant createdAt,
                            Instant lastActiveAt, Instant expiresAt, Instant invalidatedAt,
                            InvalidationReason invalidationReason) {

    /**
     * {@return why it cannot be used now, or {@code null} if it can}
     *
     * @param now         the current instant
     * @param idleTimeout the longest allowed gap since the last activity
     */
    public InvalidationReason unusableAt(Instant now, Duration idleTimeout) {
        if (invalidatedAt != null) {
            return invalidationReason;
        }
        if (!now.isBefore(expiresAt)) {
            return InvalidationReason.EXPIRED;
        }
        if (!now.isBefore(lastActiveAt.plus(idleTimeout))) {
            return InvalidationReason.IDLE_TIMEOUT;
        }
        return null;
    }

    /** Keeps the token hash out of logs. */
    @Override
    public String toString() {
        return "DeviceSession[id=" + id + ", userId=" + userId + ", deviceId=" + deviceId + ", invalidatedAt="
                + invalidatedAt + ", invalidationReason=" + invalidationReason + "]";
    }
}
