package io.fleetgate;

/**
 * Validation of the opaque text ids hosts choose: 1 to 64 characters, not blank, no control
 * characters. Stateless and thread-safe.
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
     *                            {@value #MAX_LENGTH} characters or holding control characters
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
        for (int i = 0; i < id.length(); i++) {
            if (Character.isISOControl(id.charAt(i))) {
                throw FleetgateException.invalid(field, "must not contain control characters");
            }
        }
        return id;
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
