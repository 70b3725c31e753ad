package io.fleetgate.exclusive;

import io.fleetgate.ErrorCode;
import io.fleetgate.FleetgateException;

import java.util.Map;

/**
 * Activation refused because the reported GPS accuracy is worse than the cap.
 * Details: {@code accuracy_m} (absent when none was reported), {@code max_accuracy_m}. Immutable.
 */
public final class AccuracyTooLowException extends FleetgateException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the refusal with both figures.
     *
     * @param accuracyM    the reported accuracy, metres
     * @param maxAccuracyM the cap, metres
     */
    public AccuracyTooLowException(double accuracyM, double maxAccuracyM) {
        super(ErrorCode.ACCURACY_TOO_LOW,
                String.format(java.util.Locale.ROOT, "location accuracy %.0f m is worse than the %.0f m required",
                        accuracyM, maxAccuracyM),
                Map.of("accuracy_m", accuracyM, "max_accuracy_m", maxAccuracyM), null);
    }

    /**
     * Creates the refusal of an activation that reported no accuracy, under
     * {@code UNKNOWN_ACCURACY=refuse}. Details: {@code max_accuracy_m} only.
     *
     * @param maxAccuracyM the cap, metres
     */
    public AccuracyTooLowException(double maxAccuracyM) {
        super(ErrorCode.ACCURACY_TOO_LOW,
                String.format(java.util.Locale.ROOT, "location accuracy is unknown; accuracy_m of at most %.0f m is required",
                        maxAccuracyM),
                Map.of("max_accuracy_m", maxAccuracyM), null);
    }
}
