package io.fleetgate;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * The rules of exclusive sessions at chargers (seed 000). Immutable; change one value with a
 * {@code with…} method, which validates it. Every invalid value is refused with an
 * {@link IllegalArgumentException} naming the parameter and its environment setting.
 *
 * @param chargerRadiusMeters how close to a charger a driver must be to activate
 *                            ({@code CHARGER_RADIUS_M}, default 150)
 * @param duration            how long an exclusive session lasts, one second to one day
 *                            ({@code EXCLUSIVE_DURATION_MIN}, default 60 minutes)
 * @param maxAccuracyMeters   the worst GPS accuracy accepted for activation ({@code MAX_ACCURACY_M},
 *                            default 100)
 * @param unknownAccuracy     what an activation without {@code accuracy_m} gets
 *                            ({@code UNKNOWN_ACCURACY}, default {@code assume_cap})
 */
public record ExclusiveSettings(double chargerRadiusMeters, Duration duration, double maxAccuracyMeters,
                                UnknownAccuracy unknownAccuracy) {
    /** The longest exclusive session a setting may ask for. */
    public static final Duration MAX_DURATION = Duration.ofDays(1);

    private static final ExclusiveSettings DEFAULTS =
            new ExclusiveSettings(150, Duration.ofMinutes(60), 100, UnknownAccuracy.ASSUME_CAP);

    /**
     * Validates every value.
     *
     * @param chargerRadiusMeters see the class description
     * @param duration see the class description
     * @param maxAccuracyMeters see the class description
     * @param unknownAccuracy see the class description
     * @throws IllegalArgumentException naming the parameter out of range
     */
    public ExclusiveSettings {
        Settings.positive("chargerRadiusMeters", FleetgateSettings.CHARGER_RADIUS_M, chargerRadiusMeters);
        Settings.between("duration", FleetgateSettings.EXCLUSIVE_DURATION_MIN, duration, Duration.ofSeconds(1),
                MAX_DURATION);
        Settings.positive("maxAccuracyMeters", FleetgateSettings.MAX_ACCURACY_M, maxAccuracyMeters);
        Objects.requireNonNull(unknownAccuracy, "unknownAccuracy");
    }

    /** {@return the defaults} */
    public static ExclusiveSettings defaults() {
        return DEFAULTS;
    }

    /**
     * Returns a copy of these settings with {@code chargerRadiusMeters} changed.
     *
     * @param metres greater than 0
     * @return these settings with that radius
     */
    public ExclusiveSettings withChargerRadiusMeters(double metres) {
        return new ExclusiveSettings(metres, duration, maxAccuracyMeters, unknownAccuracy);
    }

    /**
     * Returns a copy of these settings with {@code duration} changed.
     *
     * @param length one second to one day
     * @return these settings with that duration
     */
    public ExclusiveSettings withDuration(Duration length) {
        return new ExclusiveSettings(chargerRadiusMeters, length, maxAccuracyMeters, unknownAccuracy);
    }

    /**
     * Returns a copy of these settings with {@code maxAccuracyMeters} changed.
     *
     * @param metres greater than 0
     * @return these settings with that accuracy cap
     */
    public ExclusiveSettings withMaxAccuracyMeters(double metres) {
        return new ExclusiveSettings(chargerRadiusMeters, duration, metres, unknownAccuracy);
    }

    /**
     * Returns a copy of these settings with {@code unknownAccuracy} changed.
     *
     * @param rule what an activation without {@code accuracy_m} gets
     * @return these settings with that rule
     */
    public ExclusiveSettings withUnknownAccuracy(UnknownAccuracy rule) {
        return new ExclusiveSettings(chargerRadiusMeters, duration, maxAccuracyMeters, rule);
    }

    /**
     * What an activation that reports no GPS accuracy gets ({@code UNKNOWN_ACCURACY}). Review flags
     * on route events are not affected: an event without accuracy never gets the benefit of the
     * doubt there (its point alone is checked against the fence).
     */
    public enum UnknownAccuracy {
        /**
         * Taken as exactly {@code MAX_ACCURACY_M}: the accuracy check passes and the radius check
         * uses the point alone. The default, because the seed's contract makes {@code accuracy_m}
         * optional and existing clients omit it.
         */
        ASSUME_CAP,
        /** Refused with {@code ACCURACY_TOO_LOW}: for hosts whose phones always report accuracy. */
        REFUSE;

        /** {@return the setting's text, e.g. {@code assume_cap}} */
        public String setting() {
            return name().toLowerCase(Locale.ROOT);
        }

        static UnknownAccuracy parse(String text) {
            for (UnknownAccuracy u : values()) {
                if (u.setting().equals(text.toLowerCase(Locale.ROOT))) {
                    return u;
                }
            }
            throw new IllegalArgumentException(FleetgateSettings.UNKNOWN_ACCURACY + " must be assume_cap or refuse");
        }
    }
}
