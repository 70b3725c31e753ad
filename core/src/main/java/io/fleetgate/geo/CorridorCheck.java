package io.fleetgate.geo;

/**
 * The outcome of {@link Corridor#check}. Immutable.
 *
 * @param distanceMeters  the distance from the point to the route, metres
 * @param halfWidthMeters half the corridor's width, metres
 * @param accuracyMeters  the reported accuracy, metres, or {@code null} if unknown
 */
public record CorridorCheck(double distanceMeters, double halfWidthMeters, Double accuracyMeters) {

    /** {@return whether the reported point itself is within the band; accuracy plays no part} */
    public boolean inside() {
        return distanceMeters <= halfWidthMeters;
    }

    /**
     * {@return whether the band and the accuracy circle overlap; lenient, for review flags only,
     * never for access}
     */
    public boolean plausiblyInside() {
        return distanceMeters - (accuracyMeters == null ? 0 : accuracyMeters) <= halfWidthMeters;
    }
}
