package io.fleetgate.execution;

import io.fleetgate.error.FleetgateException;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * When a stop should be served: not before {@code earliest}, not after {@code latest}; either
 * bound may be open, not both. Instants are kept to the microsecond, as the stores keep them.
 * Immutable.
 *
 * @param earliest arriving before it is flagged early, or {@code null}
 * @param latest   a stop without an outcome after it is late, or {@code null}
 */
public record TimeWindow(Instant earliest, Instant latest) {
    /**
     * Checks and normalises the components.
     *
     * @param earliest arriving before it is flagged early, or {@code null}
     * @param latest   a stop without an outcome after it is late, or {@code null}
     */
    public TimeWindow {
        if (earliest == null && latest == null) {
            throw FleetgateException.invalid("stops.window", "needs earliest, latest or both");
        }
        earliest = earliest == null ? null : earliest.truncatedTo(ChronoUnit.MICROS);
        latest = latest == null ? null : latest.truncatedTo(ChronoUnit.MICROS);
        if (earliest != null && latest != null && latest.isBefore(earliest)) {
            throw FleetgateException.invalid("stops.window.latest", "must not precede earliest");
        }
    }

    /**
     * {@return whether {@code at} is before the window opens}
     *
     * @param at an instant
     */
    public boolean early(Instant at) {
        return earliest != null && at.isBefore(earliest);
    }

    /**
     * {@return whether {@code at} is after the window closed}
     *
     * @param at an instant
     */
    public boolean after(Instant at) {
        return latest != null && at.isAfter(latest);
    }
}
