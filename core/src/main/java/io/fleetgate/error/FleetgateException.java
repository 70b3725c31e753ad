package io.fleetgate;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The one unchecked exception fleetgate throws for a refusal or a failure it can name.
 *
 * <p>It carries an {@link ErrorCode} and a map of details (snake_case keys, values that are
 * strings, numbers, booleans or library value types) that a host may show the caller, for example
 * {@code distance_m} and {@code radius_m} for {@link ErrorCode#OUTSIDE_RADIUS}. Subclasses exist
 * where a caller wants typed access to the context. Instances are immutable and thread-safe.
 */
public class FleetgateException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The refusal's code. */

    private final ErrorCode code;
    private final transient Map<String, Object> details;

    /**
     * Creates an exception with no details.
     *
     * @param code    the refusal's code
     * @param message a human sentence
     */
    public FleetgateException(ErrorCode code, String message) {
        this(code, message, Map.of(), null);
    }

    /**
     * Creates an exception.
     *
     * @param code    the refusal's code
     * @param message a human sentence
     * @param details extra facts for the caller (copied; iteration order kept)
     * @param cause   the underlying failure, or {@code null}
     */
    public FleetgateException(ErrorCode code, String message, Map<String, ?> details, Throwable cause) {
        super(message, cause);
        this.code = Objects.requireNonNull(code, "code");
        this.details = Collections.unmodifiableMap(new LinkedHashMap<>(details));
    }

    /** {@return the refusal's code} */
    public ErrorCode code() {
        return code;
    }

    /** {@return extra facts for the caller, in a stable order; never {@code null}} */
    public Map<String, Object> details() {
        return details;
    }

    /**
     * A refusal of bad input naming the field.
     *
     * @param field   the request field, snake_case as a host would show it
     * @param problem what is wrong, e.g. "must not be blank"
     * @return the exception, with detail {@code field}
     */
    public static FleetgateException invalid(String field, String problem) {
        return new FleetgateException(ErrorCode.INVALID_REQUEST, field + " " + problem,
                Map.of("field", field), null);
    }

    /**
     * A refusal for something unknown or not visible to the caller.
     *
     * @param what a short noun, e.g. "charger"
     * @param id   the id the caller gave
     * @return the exception
     */
    public static FleetgateException notFound(String what, String id) {
        return new FleetgateException(ErrorCode.NOT_FOUND, what + " " + id + " not found");
    }

    /**
     * A refusal because the principal's role may not do this.
     *
     * @param message a human sentence
     * @return the exception
     */
    public static FleetgateException forbidden(String message) {
        return new FleetgateException(ErrorCode.FORBIDDEN, message);
    }
}
