package io.fleetgate.exclusive;

import io.fleetgate.ErrorCode;
import io.fleetgate.FleetgateException;

import java.util.Map;

/**
 * Activation refused because the driver is farther from the charger than the radius allows.
 * Details: {@code distance_m}, {@code radius_m}. Immutable.
 */
public final class OutsideRadiusException extends FleetgateException {
    private static final long serialVersionUID = 1L;

    /** The computed distance, metres. */

    private final double distanceM;
    /** The radius in force, metres. */
    private final double radiusM;

    /**
     * Creates the refusal with the distance and the radius.
     *
     * @param distanceM the computed distance, metres
     * @param radiusM   the radius in force, metres
     */
    public OutsideRadiusException(double distanceM, double radiusM) {
        super(ErrorCode.OUTSIDE_RADIUS,
                String.format(java.util.Locale.ROOT, "%.0f m from the charger; must be within %.0f m", distanceM, radiusM),
                Map.of("distance_m", distanceM, "radius_m", radiusM), null);
        this.distanceM = distanceM;
        this.radiusM = radiusM;
    }

    /** {@return the computed distance, metres} */
    public double distanceM() {
        return distanceM;
    }

    /** {@return the radius in force, metres} */
    public double radiusM() {
        return radiusM;
    }
}
