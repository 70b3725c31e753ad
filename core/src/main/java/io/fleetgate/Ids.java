package io.fleetgate;

import io.fleetgate.error.ErrorCode;
import io.fleetgate.error.FleetgateException;

/**
 * Validation of the opaque text ids hosts choose: 1 to 64 characters, not blank, no control
 * characters, no unpaired surrogates (text a database cannot store as it was given, so two
 * different ids could be stored as one). Stateless and thread-safe.
 */
public final class Ids {
    /** The longest id the stores accept. */
    public static final int MAX_LENGTH = 64;

    private Ids() {
    }

    /**
     * Checks a required id.
     *
     * @param field the field name for the error
     * @param id    the value
     * @return the id, unchanged
     * @throws FleetgateException {@link ErrorCode#INVALID_REQUEST} if missing, blank, longer than
     *                            {@value #MAX_LENGTH} characters, or holding control characters
     *                            or unpaired surrogates
     */
    public static String require(String field, String id) {
        if (id == null) {
            throw FleetgateException.invalid(field, "is required");
        }
        if (id.isBlank()) {
            throw FleetgateException.invalid(field, "must not be blank");
        }
        if (id.length() > MAX_LENGTH) {
            throw FleetgateException.invalid(field, "must be at most " + MAX_LENGTH + " characters");
        }
        checkCharacters(field, id);
        return id;
    }

    /**
     * Refuses control characters and unpaired surrogates in host-supplied text.
     *
     * @param field the field name for the error
     * @param text  the value, not {@code null}
     * @throws FleetgateException {@link ErrorCode#INVALID_REQUEST} naming the field
     */
    private static void checkCharacters(String field, String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isISOControl(c)) {
                throw FleetgateException.invalid(field, "must not contain control characters");
            }
            if (Character.isSurrogate(c)) {
                if (!Character.isHighSurrogate(c) || i + 1 == text.length()
                        || !Character.isLowSurrogate(text.charAt(i + 1))) {
                    throw FleetgateException.invalid(field, "must be valid unicode (an unpaired surrogate)");
                }
                i++;
            }
        }
    }

    /**
     * Checks an optional id: {@code null} passes, anything else must be valid.
     *
     * @param field the field name for the error
     * @param id    the value or {@code null}
     * @return the id, unchanged
     * @throws FleetgateException {@link ErrorCode#INVALID_REQUEST} as {@link #require}
     */
    public static String optional(String field, String id) {
        return id == null ? null : require(field, id);
    }
}
