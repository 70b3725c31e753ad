package io.fleetgate.geo;

/**
 * The outcome of {@link PolygonFence#check}. Immutable.
 *
 * @param containsPoint          whether the reported point itself is inside (boundary included)
 * @param boundaryDistanceMeters the distance from the point to the polygon's nearest edge, metres
 * @param accuracyMeters         the reported accuracy, metres, or {@code null} if unknown
 */
public record PolygonCheck(boolean containsPoint, double boundaryDistanceMeters, Double accuracyMeters) implements FenceCheck {

    /** {@return whether the reported point itself is inside; accuracy plays no part} */
    @Override
    public boolean inside() {
        return containsPoint;
    }

    /**
     * {@return whether the whole accuracy circle lies inside (an unknown accuracy counts as 0): the
     * strict test, where accuracy can only make the answer no}
     */
    @Override
    public boolean certainlyInside() {
        return containsPoint && boundaryDistanceMeters >= (accuracyMeters == null ? 0 : accuracyMeters);
    }

    /**
     * {@return whether the accuracy circle and the polygon overlap; lenient, for review flags only,
     * never for access}
     */
    @Override
    public boolean plausiblyInside() {
        return containsPoint || boundaryDistanceMeters <= (accuracyMeters == null ? 0 : accuracyMeters);
    }

    /** {@return how far outside the point is, metres; 0 when inside} */
    @Override
    public double distanceOutsideMeters() {
        return containsPoint ? 0 : boundaryDistanceMeters;
    }
}
