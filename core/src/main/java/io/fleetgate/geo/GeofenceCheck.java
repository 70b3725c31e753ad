package io.fleetgate.geo;

/**
 * The outcome of {@link Geofence#check}. Immutable.
 *
 * @param distanceMeters distance from the fence's centre to the reported point, metres
 * @param radiusMeters   the fence's radius, metres
 * @param accuracyMeters the reported accuracy, metres, or {@code null} if unknown
 */
public record GeofenceCheck(double distanceMeters, double radiusMeters, Double accuracyMeters) implements FenceCheck {

    /** {@return whether the reported point itself is inside the fence; the test for access} */
    @Override
    public boolean inside() {
        return distanceMeters <= radiusMeters;
    }

    /**
     * {@return whether the fence and the accuracy circle around the point overlap; lenient, for review flags
     * only, never for access}
     */
    @Override
    public boolean plausiblyInside() {
        return distanceMeters - (accuracyMeters == null ? 0 : accuracyMeters) <= radiusMeters;
    }

    /** {@return whether the whole accuracy circle lies inside the fence (unknown accuracy counts as 0)} */
    @Override
    public boolean certainlyInside() {
        return distanceMeters + (accuracyMeters == null ? 0 : accuracyMeters) <= radiusMeters;
    }

    /** {@return how far outside the fence the point is, metres; 0 when inside} */
    @Override
    public double distanceOutsideMeters() {
        return Math.max(0, distanceMeters - radiusMeters);
    }
}
