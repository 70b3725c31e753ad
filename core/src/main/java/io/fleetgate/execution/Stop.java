package io.fleetgate.execution;

import io.fleetgate.FleetgateException;
import io.fleetgate.geo.Coordinate;
import io.fleetgate.geo.Geofence;

/**
 * One stop of a delivery batch: where it is and how close counts as "there". Immutable.
 *
 * @param location the stop
 * @param radiusM  its geofence radius in metres, greater than 0
 */
public record Stop(Coordinate location, double radiusM) {
    /**
     * Checks and normalises the components.
     *
     * @param location the stop
     * @param radiusM its geofence radius in metres, greater than 0
     */
    public Stop {
        if (location == null) {
            throw FleetgateException.invalid("stops.location", "is required");
        }
        if (!(radiusM > 0) || Double.isInfinite(radiusM)) {
            throw FleetgateException.invalid("stops.radius_m", "must be a positive number of metres");
        }
    }

    /**
     * {@return the stop}
     *
     * @param lat     latitude
     * @param lng     longitude
     * @param radiusM radius in metres
     */
    public static Stop of(double lat, double lng, double radiusM) {
        return new Stop(Coordinate.of(lat, lng), radiusM);
    }

    /** {@return the stop's geofence} */
    public Geofence fence() {
        return new Geofence(location, radiusM);
    }
}
