package io.fleetgate.examples.http;

import io.fleetgate.ErrorCode;
import io.fleetgate.FleetgateException;
import io.fleetgate.exclusive.ExclusiveSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Turns a refusal into a response: {@code {"error": CODE, "message": sentence, ...details}}.
 *
 * <p>A library {@link FleetgateException} keeps its code and details (an
 * {@link ExclusiveSession} detail becomes the session object); the status comes from
 * {@link #status(ErrorCode)}, the contract's table. {@link HttpError}s are the host's own
 * refusals. Anything else is a bug: it is logged (class and message, no stack trace in the
 * response) and answered 500 {@code INTERNAL}. Thread-safe: it holds only its clock.
 */
final class ErrorMapper {
    private static final Logger LOG = LoggerFactory.getLogger("io.fleetgate.examples.http");

    private final Clock clock;

    /** @param clock the server clock, for a session detail's {@code remaining_seconds} */
    ErrorMapper(Clock clock) {
        this.clock = clock;
    }

    /**
     * The contract's status for each library code. {@code EVENT_ID_CONFLICT} and
     * {@code BAD_SIGNATURE} are per-event results inside a sync; should one ever reach the top
     * level it is a conflict (409) or a bad request (400).
     *
     * @param code a library code
     * @return the HTTP status
     */
    static int status(ErrorCode code) {
        return switch (code) {
            case INVALID_REQUEST, BAD_SIGNATURE -> 400;
            case UNAUTHENTICATED -> 401;
            case FORBIDDEN, ACCURACY_TOO_LOW, OUTSIDE_RADIUS -> 403;
            case NOT_FOUND -> 404;
            case ACTIVE_SESSION_EXISTS, NOT_ACTIVE, INVALID_TRANSITION, SESSION_BLOCKED, EVENT_ID_CONFLICT -> 409;
            case TOO_MANY_ATTEMPTS -> 429;
            case STORE_UNAVAILABLE -> 503;
        };
    }

    /**
     * @param failure what a handler threw
     * @return the error response
     */
    Response toResponse(Throwable failure) {
        if (failure instanceof FleetgateException e) {
            return fromLibrary(e);
        }
        if (failure instanceof HttpError e) {
            Map<String, String> headers = e.status() == 413 ? Map.of("Connection", "close") : Map.of();
            return new Response(e.status(), body(e.code(), e.getMessage()), headers);
        }
        LOG.atError().setMessage("http_internal_error").setCause(failure).log();
        return new Response(500, body("INTERNAL", "internal error; the failure was logged"), Map.of());
    }

    private Response fromLibrary(FleetgateException e) {
        Map<String, Object> body = body(e.code().name(), e.getMessage());
        Instant now = clock.instant();
        e.details().forEach((key, value) -> {
            if (!body.containsKey(key)) {
                body.put(key, detail(value, now));
            }
        });
        Map<String, String> headers = new LinkedHashMap<>();
        if (e.code() == ErrorCode.TOO_MANY_ATTEMPTS && e.details().get("retry_after_s") instanceof Number n) {
            headers.put("Retry-After", Long.toString(Math.max(1, n.longValue())));
        }
        if (e.code() == ErrorCode.UNAUTHENTICATED) {
            headers.put("WWW-Authenticate", "Bearer");
        }
        if (e.code() == ErrorCode.STORE_UNAVAILABLE) {
            headers.put("Retry-After", "1");
        }
        return new Response(status(e.code()), body, headers);
    }

    private static Object detail(Object value, Instant now) {
        if (value == null || value instanceof String || value instanceof Number || value instanceof Boolean) {
            return value;
        }
        if (value instanceof ExclusiveSession s) {
            return Views.session(s, now);
        }
        if (value instanceof Instant t) {
            return t.toString();
        }
        if (value instanceof Enum<?> e) {
            return e.name();
        }
        return value.toString();
    }

    private static Map<String, Object> body(String code, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", code);
        body.put("message", message);
        return body;
    }
}
