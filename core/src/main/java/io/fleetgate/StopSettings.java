package io.fleetgate;

import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The rules of delivery stops: the reason codes a driver may give for a failed stop, and how much
 * proof one stop may collect. Immutable; change one value with a {@code with…} method, which
 * validates it. Every invalid value is refused with an {@link IllegalArgumentException} naming the
 * parameter and its environment setting.
 *
 * @param failureReasons   the reason codes a {@code FAILED} outcome may carry, upper-case
 *                         ({@code STOP_FAILURE_REASONS}, comma-separated, default
 *                         {@code RECIPIENT_ABSENT,ADDRESS_NOT_FOUND,REFUSED,DAMAGED,ACCESS_DENIED,OTHER});
 *                         the code {@value #OTHER} also needs a note
 * @param maxProofsPerStop the most proof items one stop records, 1 to 1000
 *                         ({@code STOP_MAX_PROOFS}, default 20)
 */
public record StopSettings(Set<String> failureReasons, int maxProofsPerStop) {
    /** The reason code that needs a note saying what happened. */
    public static final String OTHER = "OTHER";

    private static final Pattern CODE = Pattern.compile("[A-Z][A-Z0-9_]{0,63}");

    private static final StopSettings DEFAULTS = new StopSettings(
            Set.of("RECIPIENT_ABSENT", "ADDRESS_NOT_FOUND", "REFUSED", "DAMAGED", "ACCESS_DENIED", OTHER), 20);

    /**
     * Validates every value.
     *
     * @param failureReasons see the class description
     * @param maxProofsPerStop see the class description
     * @throws IllegalArgumentException naming the parameter out of range
     */
    public StopSettings {
        Objects.requireNonNull(failureReasons, "failureReasons");
        if (failureReasons.isEmpty() || failureReasons.size() > 100) {
            throw new IllegalArgumentException("failureReasons (" + FleetgateSettings.STOP_FAILURE_REASONS
                    + ") must list 1 to 100 codes");
        }
        for (String code : failureReasons) {
            if (code == null || !CODE.matcher(code).matches()) {
                throw new IllegalArgumentException("failureReasons (" + FleetgateSettings.STOP_FAILURE_REASONS
                        + ") must be upper-case codes such as RECIPIENT_ABSENT, got " + code);
            }
        }
        failureReasons = Set.copyOf(failureReasons);
        if (maxProofsPerStop < 1 || maxProofsPerStop > 1000) {
            throw new IllegalArgumentException("maxProofsPerStop (" + FleetgateSettings.STOP_MAX_PROOFS
                    + ") must be 1 to 1000, got " + maxProofsPerStop);
        }
    }

    /** {@return the defaults} */
    public static StopSettings defaults() {
        return DEFAULTS;
    }

    /**
     * Returns a copy of these settings with {@code failureReasons} changed.
     *
     * @param reasons 1 to 100 upper-case codes
     * @return these settings with those reasons
     */
    public StopSettings withFailureReasons(Set<String> reasons) {
        return new StopSettings(reasons, maxProofsPerStop);
    }

    /**
     * Returns a copy of these settings with {@code maxProofsPerStop} changed.
     *
     * @param max 1 to 1000
     * @return these settings with that cap
     */
    public StopSettings withMaxProofsPerStop(int max) {
        return new StopSettings(failureReasons, max);
    }

    /** {@return the codes of a comma-separated list, in order, blanks dropped} */
    static Set<String> codes(String text) {
        Set<String> out = new LinkedHashSet<>();
        for (String part : text.split(",")) {
            if (!part.isBlank()) {
                out.add(part.trim());
            }
        }
        return out;
    }
}
