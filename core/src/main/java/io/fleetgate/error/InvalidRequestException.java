package io.fleetgate.error;

import java.util.Map;

/**
 * {@link ErrorCode#INVALID_REQUEST}: a field is missing, malformed or out of range; nothing was
 * written. Detail {@code field}. Immutable.
 */
public final class InvalidRequestException extends FleetgateException {
    private static final long serialVersionUID = 1L;

    /** The request field at fault. */
    private final String field;

    /**
     * Creates the refusal.
     *
     * @param field   the request field, snake_case as a host would show it
     * @param problem what is wrong with it, e.g. "must not be blank"
     */
    public InvalidRequestException(String field, String problem) {
        super(ErrorCode.INVALID_REQUEST, field + " " + problem, Map.of("field", field), null);
        this.field = field;
    }

    /** {@return the request field at fault} */
    public String field() {
        return field;
    }
}
