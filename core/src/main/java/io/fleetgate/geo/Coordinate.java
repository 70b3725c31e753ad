package io.fleetgate.geo;

import io.fleetgate.error.FleetgateException;

import java.util.ArrayList;
import java.util.List;

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

    /**
     * {@return points as JSON-like values: a list of {@code [lat, lng]} pairs}
     *
     * @param points the points
     */
    public static List<Object> toJson(List<Coordinate> points) {
        List<Object> out = new ArrayList<>(points.size());
        for (Coordinate c : points) {
            out.add(List.of(c.lat(), c.lng()));
        }
        return out;
    }

    /**
     * Reads a list of {@code [lat, lng]} pairs.
     *
     * @param field the field name for errors
     * @param json  the value
     * @param max   the most pairs accepted
     * @return the points, in order
     * @throws FleetgateException {@code INVALID_REQUEST} naming the field, for anything but a list of
     *                            up to {@code max} pairs of numbers in range
     */
    public static List<Coordinate> fromJson(String field, Object json, int max) {
        if (!(json instanceof List<?> list) || list.size() > max) {
            throw FleetgateException.invalid(field, "must be a list of at most " + max + " [lat, lng] pairs");
        }
        List<Coordinate> out = new ArrayList<>(list.size());
        for (Object item : list) {
            if (!(item instanceof List<?> pair) || pair.size() != 2 || !(pair.get(0) instanceof Number lat)
                    || !(pair.get(1) instanceof Number lng)) {
                throw FleetgateException.invalid(field, "must hold [lat, lng] pairs of numbers");
            }
            out.add(of(lat.doubleValue(), lng.doubleValue()));
        }
        return out;
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
