package io.fleetgate.exclusive;

import java.time.Duration;
import java.time.Instant;

/**
 * One exclusive session: a driver at a charger holding a time-boxed exclusive offer at a merchant.
 * Immutable; all instants are UTC with microsecond precision.
 *
 * @param id                           library-made UUID
 * @param driverId                     the driver who activated it
 * @param merchantId                   the merchant's id
 * @param merchantPlaceId              the merchant's place id, or {@code null}
 * @param chargerId                    the charger's id
 * @param chargerPlaceId               the charger's place id, or {@code null}
 * @param intentSessionId              the host's intent session, or {@code null}
 * @param status                       where it is in its life
 * @param activatedAt                  when it was activated
 * @param expiresAt                    when it stops being valid
 * @param completedAt                  when the driver completed it, or {@code null}
 * @param createdAt                    when the row was written
 * @param updatedAt                    when the row last changed
 * @param activationLat                latitude reported at activation
 * @param activationLng                longitude reported at activation
 * @param activationAccuracyMeters          accuracy reported at activation, or {@code null}
 * @param activationDistanceToChargerMeters computed distance to the charger at activation, metres
 */
public record ExclusiveSession(
        String id,
        String driverId,
        String merchantId,
        String merchantPlaceId,
        String chargerId,
        String chargerPlaceId,
        String intentSessionId,
        ExclusiveSessionStatus status,
        Instant activatedAt,
        Instant expiresAt,
        Instant completedAt,
        Instant createdAt,
        Instant updatedAt,
        double activationLat,
        double activationLng,
        Double activationAccuracyMeters,
        double activationDistanceToChargerMeters) {

    /**
     * {@return seconds left before {@code expires_at}, rounded up (so 1 until the last instant), 0 once
     * passed or when not ACTIVE}
     *
     * @param now the current instant
     */
    public long remainingSeconds(Instant now) {
        if (status != ExclusiveSessionStatus.ACTIVE || !now.isBefore(expiresAt)) {
            return 0;
        }
        Duration left = Duration.between(now, expiresAt);
        return left.getSeconds() + (left.getNano() > 0 ? 1 : 0);
    }

    /**
     * {@return whether this is ACTIVE but past its expiry, so due to be marked EXPIRED}
     *
     * @param now the current instant
     */
    public boolean isDueToExpire(Instant now) {
        return status == ExclusiveSessionStatus.ACTIVE && !now.isBefore(expiresAt);
    }

    /**
     * {@return a copy with the new status, {@code updated_at} and, for COMPLETED, {@code completed_at}}
     *
     * @param newStatus   the status after the change
     * @param now         when it changed
     */
    public ExclusiveSession ended(ExclusiveSessionStatus newStatus, Instant now) {
        return new ExclusiveSession(id, driverId, merchantId, merchantPlaceId, chargerId, chargerPlaceId,
                intentSessionId, newStatus, activatedAt, expiresAt,
                newStatus == ExclusiveSessionStatus.COMPLETED ? now : completedAt,
                createdAt, now, activationLat, activationLng, activationAccuracyMeters,
                activationDistanceToChargerMeters);
    }
}
