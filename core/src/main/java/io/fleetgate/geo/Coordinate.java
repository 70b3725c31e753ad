package io.fleetgate.geo;

import io.fleetgate.error.FleetgateException;

/**
 * A point on the WGS-84 globe in decimal degrees; always valid once built. Immutable.
 *
 * @param lat latitude, -90 to 90
 * @param lng longitude, -180 to 180
 */
public record Coordinate(double lat, double lng) {
    /**
     * Checks and normalises the components.
     *
     * @param lat latitude, -90 to 90
     * @param lng longitude, -180 to 180
     */
    public Coordinate {
        check("lat", lat, 90);
        check("lng", lng, 180);
    }

    /**
     * {@return the coordinate}
     *
     * @param lat latitude in degrees
     * @param lng longitude in degrees
     * @throws FleetgateException {@code INVALID_REQUEST} as the constructor
     */
    public static Coordinate of(double lat, double lng) {
        return new Coordinate(lat, lng);
    }

    /**
     * {@return the great-circle distance in metres (see {@link Geo#distanceMeters})}
     *
     * @param other another point
     */
    public double distanceTo(Coordinate other) {
        return Geo.distanceMeters(this, other);
    }

    // One comparison on the hot path: NaN and both infinities fail `abs <= limit` too, so the
    // reason is worked out only when the value is refused.
    private static void check(String field, double value, double limit) {
        if (!(Math.abs(value) <= limit)) {
            throw refused(field, value, limit);
        }
    }

    private static FleetgateException refused(String field, double value, double limit) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return FleetgateException.invalid(field, "must be a finite number");
        }
        return FleetgateException.invalid(field, "must be between -" + (int) limit + " and " + (int) limit);
    }
}
