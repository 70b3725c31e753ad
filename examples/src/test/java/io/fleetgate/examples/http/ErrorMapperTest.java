package io.fleetgate.examples.http;

import io.fleetgate.error.AccuracyTooLowException;
import io.fleetgate.error.ActiveSessionExistsException;
import io.fleetgate.error.BadSignatureException;
import io.fleetgate.error.ErrorCode;
import io.fleetgate.error.EventIdConflictException;
import io.fleetgate.error.FleetgateException;
import io.fleetgate.error.ForbiddenException;
import io.fleetgate.error.InvalidRequestException;
import io.fleetgate.error.InvalidTransitionException;
import io.fleetgate.error.NotActiveException;
import io.fleetgate.error.NotFoundException;
import io.fleetgate.error.OutsideRadiusException;
import io.fleetgate.error.SessionBlockedException;
import io.fleetgate.error.ProofRequiredException;
import io.fleetgate.error.StopsOpenException;
import io.fleetgate.error.StoreUnavailableException;
import io.fleetgate.error.TooManyAttemptsException;
import io.fleetgate.error.UnauthenticatedException;
import io.fleetgate.exclusive.ExclusiveSession;
import io.fleetgate.exclusive.ExclusiveSessionStatus;
import io.fleetgate.execution.DriverStatus;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ErrorMapperTest {
    private static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");
    private final ErrorMapper mapper = new ErrorMapper(Clock.fixed(NOW, ZoneOffset.UTC));

    /** One refusal of each code, as the library throws them. */
    static List<FleetgateException> oneOfEach() {
        ExclusiveSession s = new ExclusiveSession("x1", "d_1", "m_123", null, "ch_456", null, null,
                ExclusiveSessionStatus.EXPIRED, NOW.minusSeconds(60), NOW, null, NOW, NOW, 30.2672, -97.7431, null, 3.0);
        return List.of(new InvalidRequestException("pin", "is required"), new UnauthenticatedException("who?"),
                new ForbiddenException("no"), new NotFoundException("batch", "b_1"),
                new AccuracyTooLowException(150.0, 100), new OutsideRadiusException(222.4, 150),
                new ActiveSessionExistsException(s), new NotActiveException(s),
                InvalidTransitionException.reassignment(DriverStatus.EN_ROUTE, "on route"),
                new SessionBlockedException("sess_1", "on route"),
                new TooManyAttemptsException(TooManyAttemptsException.Reason.LOGIN_BUSY, Duration.ofSeconds(1), "busy"),
                new BadSignatureException("bad"), new EventIdConflictException(List.of("e1"), "taken"),
                new ProofRequiredException("door-a", List.of("SIGNATURE: 0 of 1")),
                new StopsOpenException("b_1", List.of("door-b")), new StoreUnavailableException("down"));
    }

    @Test
    void toResponseWhenEveryCodeThenTheContractsStatusAndTheCodeInTheBody() {
        Map<ErrorCode, Integer> expected = new EnumMap<>(ErrorCode.class);
        expected.put(ErrorCode.INVALID_REQUEST, 400);
        expected.put(ErrorCode.UNAUTHENTICATED, 401);
        expected.put(ErrorCode.FORBIDDEN, 403);
        expected.put(ErrorCode.NOT_FOUND, 404);
        expected.put(ErrorCode.ACCURACY_TOO_LOW, 403);
        expected.put(ErrorCode.OUTSIDE_RADIUS, 403);
        expected.put(ErrorCode.ACTIVE_SESSION_EXISTS, 409);
        expected.put(ErrorCode.NOT_ACTIVE, 409);
        expected.put(ErrorCode.INVALID_TRANSITION, 409);
        expected.put(ErrorCode.SESSION_BLOCKED, 409);
        expected.put(ErrorCode.TOO_MANY_ATTEMPTS, 429);
        expected.put(ErrorCode.BAD_SIGNATURE, 400);
        expected.put(ErrorCode.EVENT_ID_CONFLICT, 409);
        expected.put(ErrorCode.PROOF_REQUIRED, 409);
        expected.put(ErrorCode.STOPS_OPEN, 409);
        expected.put(ErrorCode.STORE_UNAVAILABLE, 503);

        List<FleetgateException> all = oneOfEach();
        assertThat(all).extracting(FleetgateException::code).containsExactlyInAnyOrder(ErrorCode.values());
        for (FleetgateException e : all) {
            Response r = mapper.toResponse(e);
            assertThat(r.status()).as(e.code().name()).isEqualTo(expected.get(e.code()));
            assertThat(body(r)).as(e.code().name()).containsEntry("error", e.code().name())
                    .containsEntry("message", e.getMessage());
        }
    }

    @Test
    void toResponseWhenTypedDetailsThenTheSameKeysAsTheExceptionsDetails() {
        for (FleetgateException e : oneOfEach()) {
            Map<String, Object> body = body(mapper.toResponse(e));
            assertThat(body.keySet()).as(e.code().name()).containsAll(e.details().keySet());
        }
    }

    @Test
    void toResponseWhenOutsideRadiusThenDetailsInTheBody() {
        Response r = mapper.toResponse(new OutsideRadiusException(222.4, 150));

        assertThat(r.status()).isEqualTo(403);
        assertThat(body(r)).containsEntry("error", "OUTSIDE_RADIUS").containsEntry("distance_m", 222.4)
                .containsEntry("radius_m", 150.0).containsKey("message");
    }

    @Test
    void toResponseWhenActiveSessionExistsThenTheSessionObject() {
        ExclusiveSession s = new ExclusiveSession("x1", "d_1", "m_123", null, "ch_456", null, null,
                ExclusiveSessionStatus.ACTIVE, NOW.minusSeconds(60), NOW.plusSeconds(90), null, NOW, NOW,
                30.2672, -97.7431, null, 3.0);

        Response r = mapper.toResponse(new ActiveSessionExistsException(s));

        assertThat(r.status()).isEqualTo(409);
        @SuppressWarnings("unchecked")
        Map<String, Object> session = (Map<String, Object>) body(r).get("exclusive_session");
        assertThat(session).containsEntry("id", "x1").containsEntry("remaining_seconds", 90L)
                .containsEntry("expires_at", "2026-11-22T10:01:30Z");
    }

    @Test
    void toResponseWhenTooManyAttemptsThenRetryAfterHeader() {
        Response r = mapper.toResponse(new TooManyAttemptsException(TooManyAttemptsException.Reason.USERNAME_LOCKED,
                Duration.ofSeconds(840), "locked"));

        assertThat(r.status()).isEqualTo(429);
        assertThat(r.headers()).containsEntry("Retry-After", "840");
        assertThat(body(r)).containsEntry("retry_after_s", 840L).containsEntry("reason", "username_locked");
    }

    @Test
    void toResponseWhenUnexpectedThen500WithoutDetails() {
        Response r = mapper.toResponse(new IllegalStateException("secret internals"));

        assertThat(r.status()).isEqualTo(500);
        assertThat(body(r)).containsEntry("error", "INTERNAL").doesNotContainValue("secret internals");
    }

    @Test
    void toResponseWhenHostErrorThenItsStatusAndCode() {
        Response r = mapper.toResponse(HttpError.methodNotAllowed("PUT", "GET"));

        assertThat(r.status()).isEqualTo(405);
        assertThat(body(r)).containsEntry("error", "METHOD_NOT_ALLOWED");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> body(Response r) {
        return (Map<String, Object>) r.body();
    }
}
