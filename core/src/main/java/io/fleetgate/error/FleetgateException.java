package io.fleetgate.error;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The root of every refusal or failure fleetgate names: one subtype per {@link ErrorCode}, each
 * carrying its context as typed accessors (the distance and the radius, the existing session, the
 * status and the event refused…).
 *
 * <p>The family is sealed, so a host handles it exhaustively: on Java 17 with a {@code switch}
 * expression over {@link #code()} (the compiler insists on every code), casting to the subtype the
 * case names; on Java 21 and later with a pattern {@code switch} over the subtypes themselves.
 * {@link #details()} gives the same facts as a map with snake_case keys, for hosts that answer in
 * JSON.
 *
 * <pre>{@code
 * int status = switch (e.code()) {
 *     case OUTSIDE_RADIUS -> { OutsideRadiusException o = (OutsideRadiusException) e; … yield 403; }
 *     …
 * };
 * }</pre>
 *
 * <p>Instances are immutable and thread-safe.
 */
public abstract sealed class FleetgateException extends RuntimeException
        permits InvalidRequestException, UnauthenticatedException, ForbiddenException, NotFoundException,
        AccuracyTooLowException, OutsideRadiusException, ActiveSessionExistsException, NotActiveException,
        InvalidTransitionException, SessionBlockedException, TooManyAttemptsException, BadSignatureException,
        EventIdConflictException, StoreUnavailableException, ProofRequiredException, StopsOpenException {
    private static final long serialVersionUID = 1L;

    /** The refusal's code. */
    private final ErrorCode code;
    private final transient Map<String, Object> details;

    FleetgateException(ErrorCode code, String message, Map<String, ?> details, Throwable cause) {
        super(message, cause);
        this.code = Objects.requireNonNull(code, "code");
        this.details = Collections.unmodifiableMap(new LinkedHashMap<>(details));
    }

    /** {@return the refusal's code; each subtype has exactly one} */
    public final ErrorCode code() {
        return code;
    }

    /**
     * {@return the typed accessors' facts as a map with snake_case keys, in a stable order, for
     * hosts that answer in JSON; values are strings, numbers, booleans, lists of strings or library
     * value types; never {@code null}}
     */
    public final Map<String, Object> details() {
        return details;
    }

    /**
     * A refusal of bad input naming the field.
     *
     * @param field   the request field, snake_case as a host would show it
     * @param problem what is wrong, e.g. "must not be blank"
     * @return the exception
     */
    public static InvalidRequestException invalid(String field, String problem) {
        return new InvalidRequestException(field, problem);
    }

    /**
     * A refusal for something unknown or not visible to the caller.
     *
     * @param what a short noun, e.g. "charger"
     * @param id   the id the caller gave
     * @return the exception
     */
    public static NotFoundException notFound(String what, String id) {
        return new NotFoundException(what, id);
    }

    /**
     * A refusal because the principal's role may not do this.
     *
     * @param message a human sentence
     * @return the exception
     */
    public static ForbiddenException forbidden(String message) {
        return new ForbiddenException(message);
    }
}
