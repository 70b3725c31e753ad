package io.fleetgate;

import java.time.Duration;

/**
 * The rules of syncing driver events: which timestamps are accepted, how signed offline events
 * are bound to their session, and when an accepted event is flagged for review. Immutable; change
 * one value with a {@code with…} method, which validates it. Every invalid value is refused with an
 * {@link IllegalArgumentException} naming the parameter and its environment setting.
 *
 * @param futureTolerance how far ahead of the server clock an event's {@code recorded_at} may be,
 *                        0 to one day ({@code EVENT_FUTURE_TOLERANCE_S}, default 300 s)
 * @param maxOfflineAge   events recorded longer ago than this are quarantined, not applied, one
 *                        hour to 365 days ({@code EVENT_MAX_OFFLINE_AGE_H}, default 168 h)
 * @param sessionSkew     how far outside its session's lifetime a signed event's
 *                        {@code recorded_at} may lie (device clock skew), 0 to one hour
 *                        ({@code EVENT_SESSION_SKEW_S}, default 120 s)
 * @param maxSpeedKmh     the speed between a driver's located events above which they are flagged
 *                        (route hijack), greater than 0 ({@code MAX_SPEED_KMH}, default 200)
 */
public record SyncSettings(Duration futureTolerance, Duration maxOfflineAge, Duration sessionSkew, double maxSpeedKmh) {
    private static final SyncSettings DEFAULTS =
            new SyncSettings(Duration.ofMinutes(5), Duration.ofDays(7), Duration.ofMinutes(2), 200);

    /**
     * Validates every value.
     *
     * @param futureTolerance see the class description
     * @param maxOfflineAge see the class description
     * @param sessionSkew see the class description
     * @param maxSpeedKmh see the class description
     * @throws IllegalArgumentException naming the parameter out of range
     */
    public SyncSettings {
        Settings.between("futureTolerance", FleetgateSettings.EVENT_FUTURE_TOLERANCE_S, futureTolerance, Duration.ZERO,
                Duration.ofDays(1));
        Settings.between("maxOfflineAge", FleetgateSettings.EVENT_MAX_OFFLINE_AGE_H, maxOfflineAge, Duration.ofHours(1),
                Duration.ofDays(365));
        Settings.between("sessionSkew", FleetgateSettings.EVENT_SESSION_SKEW_S, sessionSkew, Duration.ZERO,
                Duration.ofHours(1));
        Settings.positive("maxSpeedKmh", FleetgateSettings.MAX_SPEED_KMH, maxSpeedKmh);
    }

    /** {@return the defaults} */
    public static SyncSettings defaults() {
        return DEFAULTS;
    }

    /**
     * Returns a copy of these settings with {@code futureTolerance} changed.
     *
     * @param tolerance 0 to one day
     * @return these settings with that tolerance
     */
    public SyncSettings withFutureTolerance(Duration tolerance) {
        return new SyncSettings(tolerance, maxOfflineAge, sessionSkew, maxSpeedKmh);
    }

    /**
     * Returns a copy of these settings with {@code maxOfflineAge} changed.
     *
     * @param age one hour to 365 days
     * @return these settings with that age limit
     */
    public SyncSettings withMaxOfflineAge(Duration age) {
        return new SyncSettings(futureTolerance, age, sessionSkew, maxSpeedKmh);
    }

    /**
     * Returns a copy of these settings with {@code sessionSkew} changed.
     *
     * @param skew 0 to one hour
     * @return these settings with that skew
     */
    public SyncSettings withSessionSkew(Duration skew) {
        return new SyncSettings(futureTolerance, maxOfflineAge, skew, maxSpeedKmh);
    }

    /**
     * Returns a copy of these settings with {@code maxSpeedKmh} changed.
     *
     * @param kmh greater than 0
     * @return these settings with that speed threshold
     */
    public SyncSettings withMaxSpeedKmh(double kmh) {
        return new SyncSettings(futureTolerance, maxOfflineAge, sessionSkew, kmh);
    }
}
