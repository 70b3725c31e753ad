package io.fleetgate.examples.http;

import io.fleetgate.error.AccuracyTooLowException;
import io.fleetgate.error.ActiveSessionExistsException;
import io.fleetgate.error.ErrorCode;
import io.fleetgate.error.EventIdConflictException;
import io.fleetgate.error.FleetgateException;
import io.fleetgate.error.InvalidRequestException;
import io.fleetgate.error.InvalidTransitionException;
import io.fleetgate.error.NotActiveException;
import io.fleetgate.error.ProofRequiredException;
import io.fleetgate.error.StopsOpenException;
import io.fleetgate.error.OutsideRadiusException;
import io.fleetgate.error.SessionBlockedException;
import io.fleetgate.error.TooManyAttemptsException;
import io.fleetgate.exclusive.ExclusiveSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Turns a refusal into a response: {@code {"error": CODE, "message": sentence, ...details}}.
 *
 * <p>A library {@link FleetgateException} is mapped by one exhaustive {@code switch} over its
 * {@link ErrorCode} (the compiler refuses a code left out): the status (the contract's table), the
 * details (from the subtype's typed accessors; an {@link ExclusiveSession} becomes the session
 * object) and the headers ({@code Retry-After}, {@code WWW-Authenticate}). {@link HttpError}s are
 * the host's own refusals. Anything else is a bug: it is logged (class and message, no stack trace
 * in the response) and answered 500 {@code INTERNAL}. Thread-safe: it holds only its clock.
 */
final class ErrorMapper {
    private static final Logger LOG = LoggerFactory.getLogger("io.fleetgate.examples.http");

    private final Clock clock;

    /** @param clock the server clock, for a session detail's {@code remaining_seconds} */
    ErrorMapper(Clock clock) {
        this.clock = clock;
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

    /**
     * The contract's answer to each library refusal. {@code EVENT_ID_CONFLICT} and
     * {@code BAD_SIGNATURE} are per-event results inside a sync; should one ever reach the top
     * level it is a conflict (409) or a bad request (400).
     */
    private Response fromLibrary(FleetgateException e) {
        Map<String, Object> body = body(e.code().name(), e.getMessage());
        Map<String, String> headers = new LinkedHashMap<>();
        int status = switch (e.code()) {
            case INVALID_REQUEST -> {
                body.put("field", ((InvalidRequestException) e).field());
                yield 400;
            }
            case BAD_SIGNATURE -> 400;
            case UNAUTHENTICATED -> {
                headers.put("WWW-Authenticate", "Bearer");
                yield 401;
            }
            case FORBIDDEN -> 403;
            case ACCURACY_TOO_LOW -> {
                AccuracyTooLowException a = (AccuracyTooLowException) e;
                a.accuracyMeters().ifPresent(m -> body.put("accuracy_m", m));
                body.put("max_accuracy_m", a.maxAccuracyMeters());
                yield 403;
            }
            case OUTSIDE_RADIUS -> {
                OutsideRadiusException o = (OutsideRadiusException) e;
                body.put("distance_m", o.distanceMeters());
                body.put("radius_m", o.radiusMeters());
                yield 403;
            }
            case NOT_FOUND -> 404;
            case ACTIVE_SESSION_EXISTS -> {
                body.put("exclusive_session", Views.session(((ActiveSessionExistsException) e).existing(),
                        clock.instant()));
                yield 409;
            }
            case NOT_ACTIVE -> {
                body.put("status", ((NotActiveException) e).session().status().name());
                yield 409;
            }
            case INVALID_TRANSITION -> {
                InvalidTransitionException t = (InvalidTransitionException) e;
                body.put("from", t.from().name());
                body.put("event_type", t.action());
                yield 409;
            }
            case SESSION_BLOCKED -> {
                body.put("session_id", ((SessionBlockedException) e).sessionId());
                yield 409;
            }
            case EVENT_ID_CONFLICT -> {
                body.put("event_ids", ((EventIdConflictException) e).eventIds());
                yield 409;
            }
            case TOO_MANY_ATTEMPTS -> {
                TooManyAttemptsException t = (TooManyAttemptsException) e;
                long seconds = t.retryAfter().toSeconds();
                body.put("retry_after_s", seconds);
                body.put("reason", t.reason().detail());
                headers.put("Retry-After", Long.toString(seconds));
                yield 429;
            }
            case PROOF_REQUIRED -> {
                ProofRequiredException p = (ProofRequiredException) e;
                body.put("stop_id", p.stopId());
                body.put("missing", p.missing());
                yield 409;
            }
            case STOPS_OPEN -> {
                body.put("stop_ids", ((StopsOpenException) e).stopIds());
                yield 409;
            }
            case STORE_UNAVAILABLE -> {
                headers.put("Retry-After", "1");
                yield 503;
            }
        };
        return new Response(status, body, headers);
    }

    private static Map<String, Object> body(String code, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", code);
        body.put("message", message);
        return body;
    }
}
