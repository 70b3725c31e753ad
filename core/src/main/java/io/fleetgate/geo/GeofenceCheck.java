package io.fleetgate.geo;

/**
 * The outcome of {@link Geofence#check}. Immutable.
 *
 * @param distanceM distance from the fence's centre to the reported point, metres
 * @param radiusM   the fence's radius, metres
 * @param accuracyM the reported accuracy, metres, or {@code null} if unknown
 */
public record GeofenceCheck(double distanceM, double radiusM, Double accuracyM) {

    /** {@return whether the reported point itself is inside the fence; the test for access} */
    public boolean inside() {
        return distanceM <= radiusM;
    }

    /**
     * {@return whether the fence and the accuracy circle around the point overlap; lenient, for review flags
     * only, never for access}
     */
    public boolean plausiblyInside() {
        return distanceM - (accuracyM == null ? 0 : accuracyM) <= radiusM;
    }
}
