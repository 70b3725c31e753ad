package io.fleetgate.execution;

import io.fleetgate.error.FleetgateException;
import io.fleetgate.geo.Coordinate;
import io.fleetgate.geo.Geofence;

/**
 * One stop of a delivery batch: where it is and how close counts as "there". Immutable.
 *
 * @param location the stop
 * @param radiusMeters  its geofence radius in metres, greater than 0
 */
public record Stop(Coordinate location, double radiusMeters) {
    /**
     * Checks and normalises the components.
     *
     * @param location the stop
     * @param radiusMeters its geofence radius in metres, greater than 0
     */
    public Stop {
        if (location == null) {
            throw FleetgateException.invalid("stops.location", "is required");
        }
        if (!(radiusMeters > 0) || Double.isInfinite(radiusMeters)) {
            throw FleetgateException.invalid("stops.radius_m", "must be a positive number of metres");
        }
    }

    /**
     * {@return the stop}
     *
     * @param lat     latitude
     * @param lng     longitude
     * @param radiusMeters radius in metres
     */
    public static Stop of(double lat, double lng, double radiusMeters) {
        return new Stop(Coordinate.of(lat, lng), radiusMeters);
    }

    /** {@return the stop's geofence} */
    public Geofence fence() {
        return new Geofence(location, radiusMeters);
    }
}
