package io.fleetgate;

import java.time.Duration;

/**
 * The rules of the position stream: when a fix is implausible, when an arrival counts as
 * confirmed, how far a driver must go to count as gone, when a silent phone is "quiet", how long
 * an excursion lasts and how long fixes are kept. Immutable; change one value with a {@code
 * with…} method, which validates it. Every invalid value is refused with an
 * {@link IllegalArgumentException} naming the parameter and its environment setting.
 *
 * @param maxFixAccuracyMeters a fix reporting a worse accuracy is kept but marked {@code ACCURACY}
 *                             ({@code FIX_MAX_ACCURACY_M}, default 100; 1 to 10,000)
 * @param confirmFixes         fixes certainly inside a stop's fence, around an arrival, that
 *                             confirm it ({@code ARRIVAL_CONFIRM_FIXES}, default 2; 0 to 100,
 *                             where 0 confirms every arrival: confirmation off, for hosts whose
 *                             phones send no fixes)
 * @param confirmDwell         or a stay inside it at least this long confirms it
 *                             ({@code ARRIVAL_CONFIRM_DWELL_S}, default 30 s; 1 s to 1 h)
 * @param confirmWindow        how far before and after an arrival's {@code recorded_at} its fixes
 *                             are looked for ({@code ARRIVAL_WINDOW_S}, default 300 s; 10 s to 1 h)
 * @param exitFactor           a driver is still at a stop until beyond its radius times this
 *                             (hysteresis; {@code EXIT_RADIUS_FACTOR}, default 1.25; 1 to 10)
 * @param quietAfter           a driver on route silent this long is quiet ({@code QUIET_AFTER_MIN},
 *                             default 10 min; 1 min to 24 h)
 * @param excursionGap         outside fixes closer in time than this belong to one excursion
 *                             ({@code EXCURSION_GAP_S}, default 120 s; 1 s to 1 h)
 * @param retention            fixes recorded longer ago than this are purged
 *                             ({@code FIX_RETENTION_D}, default 30 days; 1 to 3650 days)
 */
public record PositionSettings(double maxFixAccuracyMeters, int confirmFixes, Duration confirmDwell,
                               Duration confirmWindow, double exitFactor, Duration quietAfter, Duration excursionGap,
                               Duration retention) {
    private static final PositionSettings DEFAULTS = new PositionSettings(100, 2, Duration.ofSeconds(30),
            Duration.ofSeconds(300), 1.25, Duration.ofMinutes(10), Duration.ofSeconds(120), Duration.ofDays(30));

    /**
     * Validates every value.
     *
     * @param maxFixAccuracyMeters see the class description
     * @param confirmFixes         see the class description
     * @param confirmDwell         see the class description
     * @param confirmWindow        see the class description
     * @param exitFactor           see the class description
     * @param quietAfter           see the class description
     * @param excursionGap         see the class description
     * @param retention            see the class description
     * @throws IllegalArgumentException naming the parameter out of range
     */
    public PositionSettings {
        range("maxFixAccuracyMeters", FleetgateSettings.FIX_MAX_ACCURACY_M, maxFixAccuracyMeters, 1, 10_000);
        range("confirmFixes", FleetgateSettings.ARRIVAL_CONFIRM_FIXES, confirmFixes, 0, 100);
        range("confirmDwell", FleetgateSettings.ARRIVAL_CONFIRM_DWELL_S, confirmDwell, Duration.ofSeconds(1),
                Duration.ofHours(1));
        range("confirmWindow", FleetgateSettings.ARRIVAL_WINDOW_S, confirmWindow, Duration.ofSeconds(10),
                Duration.ofHours(1));
        range("exitFactor", FleetgateSettings.EXIT_RADIUS_FACTOR, exitFactor, 1, 10);
        range("quietAfter", FleetgateSettings.QUIET_AFTER_MIN, quietAfter, Duration.ofMinutes(1), Duration.ofHours(24));
        range("excursionGap", FleetgateSettings.EXCURSION_GAP_S, excursionGap, Duration.ofSeconds(1),
                Duration.ofHours(1));
        range("retention", FleetgateSettings.FIX_RETENTION_D, retention, Duration.ofDays(1), Duration.ofDays(3650));
    }

    /** {@return the defaults} */
    public static PositionSettings defaults() {
        return DEFAULTS;
    }

    /**
     * {@return a copy with that accuracy cap}
     *
     * @param meters 1 to 10,000
     */
    public PositionSettings withMaxFixAccuracyMeters(double meters) {
        return new PositionSettings(meters, confirmFixes, confirmDwell, confirmWindow, exitFactor, quietAfter,
                excursionGap, retention);
    }

    /**
     * {@return a copy with those confirmation thresholds}
     *
     * @param fixes 0 (off) to 100 fixes
     * @param dwell 1 s to 1 h
     */
    public PositionSettings withConfirmation(int fixes, Duration dwell) {
        return new PositionSettings(maxFixAccuracyMeters, fixes, dwell, confirmWindow, exitFactor, quietAfter,
                excursionGap, retention);
    }

    /**
     * {@return a copy with that confirmation window}
     *
     * @param window 10 s to 1 h
     */
    public PositionSettings withConfirmWindow(Duration window) {
        return new PositionSettings(maxFixAccuracyMeters, confirmFixes, confirmDwell, window, exitFactor, quietAfter,
                excursionGap, retention);
    }

    /**
     * {@return a copy with that exit factor}
     *
     * @param factor 1 to 10
     */
    public PositionSettings withExitFactor(double factor) {
        return new PositionSettings(maxFixAccuracyMeters, confirmFixes, confirmDwell, confirmWindow, factor,
                quietAfter, excursionGap, retention);
    }

    /**
     * {@return a copy with that quiet threshold}
     *
     * @param after 1 min to 24 h
     */
    public PositionSettings withQuietAfter(Duration after) {
        return new PositionSettings(maxFixAccuracyMeters, confirmFixes, confirmDwell, confirmWindow, exitFactor,
                after, excursionGap, retention);
    }

    /**
     * {@return a copy with that excursion gap}
     *
     * @param gap 1 s to 1 h
     */
    public PositionSettings withExcursionGap(Duration gap) {
        return new PositionSettings(maxFixAccuracyMeters, confirmFixes, confirmDwell, confirmWindow, exitFactor,
                quietAfter, gap, retention);
    }

    /**
     * {@return a copy with that retention}
     *
     * @param keep 1 to 3650 days
     */
    public PositionSettings withRetention(Duration keep) {
        return new PositionSettings(maxFixAccuracyMeters, confirmFixes, confirmDwell, confirmWindow, exitFactor,
                quietAfter, excursionGap, keep);
    }

    private static void range(String name, String env, double value, double min, double max) {
        if (!(value >= min && value <= max)) {
            throw new IllegalArgumentException(name + " (" + env + ") must be " + min + " to " + max + ", got " + value);
        }
    }

    private static void range(String name, String env, Duration value, Duration min, Duration max) {
        if (value == null || value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw new IllegalArgumentException(name + " (" + env + ") must be " + min + " to " + max + ", got " + value);
        }
    }
}
