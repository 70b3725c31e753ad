package io.fleetgate.internal;

import io.fleetgate.PositionSettings;
import io.fleetgate.execution.Stop;
import io.fleetgate.geo.Fence;
import io.fleetgate.position.RecordedFix;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * Whether a driver's fixes show them at a stop around an arrival: at least {@code confirmFixes}
 * plausible fixes whose whole accuracy circle lies in the stop's fence, or a stay of {@code
 * confirmDwell} from the first such fix to the last fix still within the exit fence (the fence
 * grown by the hysteresis margin), all within {@code confirmWindow} of the arrival.
 *
 * <p>Both measures only grow as fixes are added, whatever their order: a fix arriving late can
 * confirm an arrival and never un-confirm one, so the verdict on a set of fixes does not depend on
 * how the phone split its uploads. Stateless and thread-safe.
 */
public final class ArrivalPresence {
    private ArrivalPresence() {
    }

    /**
     * The verdict on one arrival.
     *
     * @param confirmed   whether the fixes confirm it
     * @param insideFixes plausible fixes certainly inside the fence
     * @param dwell       the stay measured
     */
    public record Verdict(boolean confirmed, int insideFixes, Duration dwell) {
        /**
         * {@return a line for people, no client text}
         *
         * @param settings the rules the verdict was reached under
         */
        public String describe(PositionSettings settings) {
            return String.format(Locale.ROOT, "%d of %d fixes in the fence, dwell %d s of %d s", insideFixes,
                    settings.confirmFixes(), dwell.toSeconds(), settings.confirmDwell().toSeconds());
        }
    }

    /**
     * {@return the earliest {@code recorded_at} of the fixes that count for an arrival at that instant}
     *
     * @param arrivedAt the arrival's {@code recorded_at}
     * @param settings  the rules
     */
    public static Instant from(Instant arrivedAt, PositionSettings settings) {
        return arrivedAt.minus(settings.confirmWindow());
    }

    /**
     * {@return the latest {@code recorded_at} of the fixes that count for an arrival at that instant}
     *
     * @param arrivedAt the arrival's {@code recorded_at}
     * @param settings  the rules
     */
    public static Instant to(Instant arrivedAt, PositionSettings settings) {
        return arrivedAt.plus(settings.confirmWindow());
    }

    /**
     * {@return the verdict}
     *
     * @param stop      the stop arrived at
     * @param arrivedAt the arrival's {@code recorded_at}
     * @param fixes     the driver's fixes, oldest first (any range; those outside the window are ignored)
     * @param settings  the rules
     */
    public static Verdict judge(Stop stop, Instant arrivedAt, List<RecordedFix> fixes, PositionSettings settings) {
        Instant from = from(arrivedAt, settings);
        Instant to = to(arrivedAt, settings);
        Fence fence = stop.fence();
        Fence.ExitFence exit = fence.exit(settings.exitFactor(), stop.radiusMeters());
        int inside = 0;
        Instant firstInside = null;
        Instant lastWithin = null;
        for (RecordedFix f : fixes) {
            Instant t = f.recordedAt();
            if (!f.plausible() || t.isBefore(from) || t.isAfter(to)) {
                continue;
            }
            if (fence.check(f.fix().location(), f.fix().accuracyMeters()).certainlyInside()) {
                inside++;
                if (firstInside == null || t.isBefore(firstInside)) {
                    firstInside = t;
                }
            }
            if (exit.plausiblyWithin(f.fix().location(), f.fix().accuracyMeters())
                    && (lastWithin == null || t.isAfter(lastWithin))) {
                lastWithin = t;
            }
        }
        Duration dwell = firstInside == null || lastWithin.isBefore(firstInside) ? Duration.ZERO
                : Duration.between(firstInside, lastWithin);
        boolean confirmed = inside >= settings.confirmFixes() || dwell.compareTo(settings.confirmDwell()) >= 0;
        return new Verdict(confirmed, inside, dwell);
    }
}
