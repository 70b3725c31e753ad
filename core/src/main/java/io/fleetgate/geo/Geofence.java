package io.fleetgate.geo;

import io.fleetgate.error.FleetgateException;

/**
 * A circle around a place. Immutable and thread-safe.
 *
 * <p>Two questions, deliberately separate, because GPS accuracy must never loosen a permission:
 * {@link #check} answers "is the reported point inside?" using the point alone (used to grant
 * access), while {@link GeofenceCheck#plausiblyInside()} also accepts a point whose accuracy
 * circle touches the fence (used only to decide whether an accepted event needs a human review).
 *
 * @param center  the place
 * @param radiusMeters the radius in metres, greater than 0
 */
public record Geofence(Coordinate center, double radiusMeters) implements Fence {
    /**
     * Checks and normalises the components.
     *
     * @param center the place
     * @param radiusMeters the radius in metres, greater than 0
     */
    public Geofence {
        if (center == null) {
            throw FleetgateException.invalid("center", "is required");
        }
        if (!(radiusMeters > 0) || Double.isInfinite(radiusMeters)) {
            throw FleetgateException.invalid("radius_m", "must be a positive number of metres");
        }
    }

    /**
     * {@return the distance and both verdicts}
     *
     * @param point     where the device says it is
     * @param accuracyMeters the device's reported accuracy in metres, or {@code null} if unknown
     */
    @Override
    public GeofenceCheck check(Coordinate point, Double accuracyMeters) {
        Geo.checkAccuracy("accuracy_m", accuracyMeters);
        return new GeofenceCheck(Geo.distanceMeters(center, point), radiusMeters, accuracyMeters);
    }

    @Override
    public ExitFence exit(double factor, double scaleMeters) {
        return new ExitFence(this, Math.max(0, (factor - 1) * radiusMeters));
    }
}
