package io.fleetgate.geo;

import io.fleetgate.error.FleetgateException;

/**
 * Great-circle distance on a sphere of the mean Earth radius. Stateless and thread-safe.
 *
 * <p>The haversine is evaluated in its {@code atan2} form: on JDK 17 {@code Math.asin} takes a
 * slow path for arguments of 0.5 and above, which makes the textbook {@code asin} form several
 * times slower for long distances, while {@code atan2} costs the same at every scale. The
 * spherical model is within 0.5 % of the ellipsoid, far below phone GPS error at charger scale.
 */
public final class Geo {
    /** Mean Earth radius in metres (IUGG). */
    public static final double EARTH_RADIUS_M = 6_371_008.8;

    private Geo() {
    }

    /**
     * {@return the great-circle distance between them in metres, 0 to about 20,015 km}
     *
     * @param a one point
     * @param b another point
     */
    public static double distanceMeters(Coordinate a, Coordinate b) {
        return haversineMeters(a.lat(), a.lng(), b.lat(), b.lng());
    }

    /**
     * Haversine distance of raw degrees, for callers that validated them already.
     *
     * @param lat1 latitude of the first point, degrees
     * @param lng1 longitude of the first point, degrees
     * @param lat2 latitude of the second point, degrees
     * @param lng2 longitude of the second point, degrees
     * @return the distance in metres
     */
    public static double haversineMeters(double lat1, double lng1, double lat2, double lng2) {
        double phi1 = Math.toRadians(lat1);
        double phi2 = Math.toRadians(lat2);
        double sinDLat = Math.sin((phi2 - phi1) * 0.5);
        double sinDLng = Math.sin(Math.toRadians(lng2 - lng1) * 0.5);
        double h = sinDLat * sinDLat + Math.cos(phi1) * Math.cos(phi2) * sinDLng * sinDLng;
        if (h > 1.0) {
            h = 1.0; // rounding near antipodes
        }
        return 2.0 * EARTH_RADIUS_M * Math.atan2(Math.sqrt(h), Math.sqrt(1.0 - h));
    }

    /**
     * Validates a reported GPS accuracy (the radius of the phone's 68 % confidence circle).
     *
     * @param field    the request field name for the error
     * @param accuracy metres, or {@code null} when the device did not report one
     * @return the value, unchanged
     * @throws FleetgateException {@code INVALID_REQUEST} if negative, NaN or infinite
     */
    public static Double checkAccuracy(String field, Double accuracy) {
        if (accuracy != null && !(accuracy >= 0 && accuracy < Double.POSITIVE_INFINITY)) { // NaN fails both
            throw FleetgateException.invalid(field, "must be a finite number of metres, 0 or more");
        }
        return accuracy;
    }
}
