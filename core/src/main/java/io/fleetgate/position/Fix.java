package io.fleetgate.position;

import io.fleetgate.error.FleetgateException;
import io.fleetgate.geo.Coordinate;
import io.fleetgate.geo.Geo;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * One position a phone recorded. Immutable; always valid once built.
 *
 * @param recordedAt     when the phone took it (its own clock), from 2000 to the end of 9999, kept to
 *                       the microsecond as the stores keep it; a driver's fixes are keyed by it, so
 *                       sending the same fix again is a duplicate (one in the future is kept, marked)
 * @param location       where
 * @param accuracyMeters the reported accuracy radius in metres (0 or more), or {@code null} if unknown
 * @param speedMps       the reported speed in metres per second (0 or more), or {@code null}
 * @param headingDegrees the reported heading, 0 (inclusive) to 360 (exclusive), or {@code null}
 */
public record Fix(Instant recordedAt, Coordinate location, Double accuracyMeters, Double speedMps,
                  Double headingDegrees) {
    private static final Instant EARLIEST = Instant.parse("2000-01-01T00:00:00Z");
    private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999Z");

    /**
     * Checks the components.
     *
     * @param recordedAt     when it was taken
     * @param location       where
     * @param accuracyMeters the accuracy, or {@code null}
     * @param speedMps       the speed, or {@code null}
     * @param headingDegrees the heading, or {@code null}
     * @throws FleetgateException {@code INVALID_REQUEST} naming the field out of range
     */
    public Fix {
        if (recordedAt == null) {
            throw FleetgateException.invalid("fixes.recorded_at", "is required");
        }
        if (recordedAt.isBefore(EARLIEST) || recordedAt.isAfter(LATEST)) {
            throw FleetgateException.invalid("fixes.recorded_at", "must lie from " + EARLIEST + " to " + LATEST);
        }
        recordedAt = recordedAt.truncatedTo(ChronoUnit.MICROS);
        if (location == null) {
            throw FleetgateException.invalid("fixes.lat", "is required");
        }
        Geo.checkAccuracy("fixes.accuracy_m", accuracyMeters);
        if (speedMps != null && !(speedMps >= 0 && speedMps < 1e6)) {
            throw FleetgateException.invalid("fixes.speed_mps", "must be a finite number, 0 or more");
        }
        if (headingDegrees != null && !(headingDegrees >= 0 && headingDegrees < 360)) {
            throw FleetgateException.invalid("fixes.heading_deg", "must be at least 0 and less than 360");
        }
    }

    /**
     * {@return a fix with only a place and an accuracy}
     *
     * @param recordedAt     when
     * @param lat            latitude
     * @param lng            longitude
     * @param accuracyMeters accuracy, or {@code null}
     */
    public static Fix of(Instant recordedAt, double lat, double lng, Double accuracyMeters) {
        return new Fix(recordedAt, Coordinate.of(lat, lng), accuracyMeters, null, null);
    }

    /** {@return whether the other fix says the same (a duplicate, not a conflict)} */
    boolean sameAs(Fix other) {
        return recordedAt.equals(other.recordedAt) && location.equals(other.location)
                && Objects.equals(accuracyMeters, other.accuracyMeters) && Objects.equals(speedMps, other.speedMps)
                && Objects.equals(headingDegrees, other.headingDegrees);
    }
}
