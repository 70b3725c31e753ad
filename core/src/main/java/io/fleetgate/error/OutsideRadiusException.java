package io.fleetgate.error;

import java.util.Locale;
import java.util.Map;

/**
 * {@link ErrorCode#OUTSIDE_RADIUS}: activation refused because the driver is farther from the
 * charger than the radius allows. Details {@code distance_m}, {@code radius_m}. Immutable.
 */
public final class OutsideRadiusException extends FleetgateException {
    private static final long serialVersionUID = 1L;

    /** The computed distance. */
    private final double distanceMeters;
    /** The radius in force. */
    private final double radiusMeters;

    /**
     * Creates the refusal.
     *
     * @param distanceMeters the computed distance
     * @param radiusMeters   the radius in force
     */
    public OutsideRadiusException(double distanceMeters, double radiusMeters) {
        super(ErrorCode.OUTSIDE_RADIUS,
                String.format(Locale.ROOT, "%.0f m from the charger; must be within %.0f m", distanceMeters, radiusMeters),
                Map.of("distance_m", distanceMeters, "radius_m", radiusMeters), null);
        this.distanceMeters = distanceMeters;
        this.radiusMeters = radiusMeters;
    }

    /** {@return the computed distance, metres} */
    public double distanceMeters() {
        return distanceMeters;
    }

    /** {@return the radius in force, metres} */
    public double radiusMeters() {
        return radiusMeters;
    }
}
