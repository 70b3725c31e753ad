package io.fleetgate.error;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * {@link ErrorCode#ACCURACY_TOO_LOW}: activation refused because the reported GPS accuracy is
 * worse than the cap, or none was reported under {@code UNKNOWN_ACCURACY=refuse}. Details
 * {@code accuracy_m} (absent when none was reported) and {@code max_accuracy_m}. Immutable.
 */
public final class AccuracyTooLowException extends FleetgateException {
    private static final long serialVersionUID = 1L;

    /** The reported accuracy, or {@code null} when none was. */
    private final Double accuracyMeters;
    /** The cap. */
    private final double maxAccuracyMeters;

    /**
     * Creates the refusal.
     *
     * @param accuracyMeters    the reported accuracy, or {@code null} when none was reported
     * @param maxAccuracyMeters the cap
     */
    public AccuracyTooLowException(Double accuracyMeters, double maxAccuracyMeters) {
        super(ErrorCode.ACCURACY_TOO_LOW, message(accuracyMeters, maxAccuracyMeters),
                details(accuracyMeters, maxAccuracyMeters), null);
        this.accuracyMeters = accuracyMeters;
        this.maxAccuracyMeters = maxAccuracyMeters;
    }

    /** {@return the reported accuracy in metres, empty when none was reported} */
    public OptionalDouble accuracyMeters() {
        return accuracyMeters == null ? OptionalDouble.empty() : OptionalDouble.of(accuracyMeters);
    }

    /** {@return the cap, metres} */
    public double maxAccuracyMeters() {
        return maxAccuracyMeters;
    }

    private static String message(Double accuracy, double max) {
        return accuracy == null
                ? String.format(Locale.ROOT, "location accuracy is unknown; accuracy_m of at most %.0f m is required", max)
                : String.format(Locale.ROOT, "location accuracy %.0f m is worse than the %.0f m required", accuracy, max);
    }

    private static Map<String, Object> details(Double accuracy, double max) {
        Map<String, Object> d = new LinkedHashMap<>();
        if (accuracy != null) {
            d.put("accuracy_m", accuracy);
        }
        d.put("max_accuracy_m", max);
        return d;
    }
}
