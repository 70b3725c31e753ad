package io.fleetgate.contract;
import io.fleetgate.testkit.TestFleetgates;

import io.fleetgate.FleetgateSettings;
import io.fleetgate.Principal;
import io.fleetgate.access.Membership;
import io.fleetgate.access.Role;
import io.fleetgate.access.Workspace;
import io.fleetgate.error.ErrorCode;
import io.fleetgate.error.FleetgateException;
import io.fleetgate.execution.CreateBatchRequest;
import io.fleetgate.execution.DriverEventRequest;
import io.fleetgate.execution.DriverEventType;
import io.fleetgate.execution.DriverExecutionService;
import io.fleetgate.execution.EventEncoding;
import io.fleetgate.execution.EventOutcome;
import io.fleetgate.execution.Stop;
import io.fleetgate.session.CredentialService;
import io.fleetgate.session.DeviceSession;
import io.fleetgate.session.EnrolRequest;
import io.fleetgate.session.EventSignatures;
import io.fleetgate.session.InvalidationReason;
import io.fleetgate.session.LoginRequest;
import io.fleetgate.session.LoginResult;
import io.fleetgate.internal.PinHasher;
import io.fleetgate.session.SessionService;
import io.fleetgate.spi.FleetgateStore;
import io.fleetgate.testkit.StoreContract;
import io.fleetgate.testkit.TestClock;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The behaviour of {@link SessionService} and {@link CredentialService} on a store; run against
 * every store by a thin subclass.
 */
public abstract class SessionServiceContract extends StoreContract {
    protected static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    protected static final Principal SYSTEM = Principal.system();

    protected TestClock clock;
    protected FleetgateSettings settings;
    protected SessionService sessions;
    protected CredentialService credentials;

    @BeforeEach
    void enrolAna() {
        clock = TestClock.standard();
        settings = FleetgateSettings.defaults().withSessions(s -> s.withSigningSecret(SECRET));
        sessions = sessionsOn(store());
        credentials = TestFleetgates.on(store(), clock, FleetgateSettings.defaults(), PinHasher.forTestsOnlyWeak()).credentials();
        credentials.enrol(Principal.supervisor("s_sam", "ws_1"), new EnrolRequest("d_ana", "Ana", "482193"));
    }

    protected SessionService sessionsOn(FleetgateStore s) {
        return TestFleetgates.on(s, clock, settings, PinHasher.forTestsOnlyWeak()).sessions();
    }

    protected LoginResult login(String device) {
        return sessions.login(SYSTEM, new LoginRequest("ana", "482193", device));
    }

    protected static void assertCode(ThrowingCallable call, ErrorCode code) {
        assertThatThrownBy(call).isInstanceOfSatisfying(FleetgateException.class,
                e -> assertThat(e.code()).as(e.getMessage()).isEqualTo(code));
    }

    @Test
    void loginWhenPinRightThenTokenSessionAndSigningKey() {
        LoginResult r = sessions.login(SYSTEM, new LoginRequest("  ANA ", "482193", "phone-1"));

        assertThat(r.token()).hasSizeGreaterThanOrEqualTo(43);
        assertThat(r.session().userId()).isEqualTo("d_ana");
        assertThat(r.session().deviceId()).isEqualTo("phone-1");
        assertThat(r.session().expiresAt()).isEqualTo(clock.instant().plus(Duration.ofHours(12)));
        assertThat(r.signingKey()).isEqualTo(sessions.signatures().keyFor(r.session().id()));
        assertThat(sessions.authenticate(r.token()).id()).isEqualTo(r.session().id());
    }

    @Test
    void storeWhenLoggedInThenRawTablesHoldNoTokenNoPinNoSigningKey() {
        LoginResult r = login("phone-1");
        LoginResult again = sessions.refresh(r.token());

        String raw = fixture().snapshot();
        assertThat(raw).doesNotContain(r.token()).doesNotContain(again.token()).doesNotContain("482193")
                .doesNotContain(r.signingKey());
        assertThat(raw).contains("pbkdf2-sha256$");
    }

    @Test
    void loginWhenWrongPinOrUnknownUserThenSameRefusal() {
        String wrongPin = messageOf(() -> sessions.login(SYSTEM, new LoginRequest("ana", "000000", "p")));
        String unknown = messageOf(() -> sessions.login(SYSTEM, new LoginRequest("nobody", "482193", "p")));
        assertThat(wrongPin).isEqualTo(unknown).isEqualTo("UNAUTHENTICATED: wrong username or PIN");
    }

    private static String messageOf(ThrowingCallable call) {
        try {
            call.call();
        } catch (FleetgateException e) {
            return e.code() + ": " + e.getMessage();
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
        throw new AssertionError("no refusal");
    }

    @Test
    void loginWhenFiveWrongPinsThenLockedEvenForRightPinUntilWindowEnds() {
        for (int i = 0; i < 5; i++) {
            assertCode(() -> sessions.login(SYSTEM, new LoginRequest("ana", "111111", "p")), ErrorCode.UNAUTHENTICATED);
        }
        assertThatThrownBy(() -> login("p")).isInstanceOfSatisfying(FleetgateException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.TOO_MANY_ATTEMPTS);
            assertThat(e.details()).containsEntry("retry_after_s", 900L);
        });
        clock.advance(Duration.ofMinutes(14));
        assertCode(() -> login("p"), ErrorCode.TOO_MANY_ATTEMPTS);
        clock.advance(Duration.ofMinutes(1));
        assertThat(login("p").session().userId()).isEqualTo("d_ana");
    }

    @Test
    void loginWhenUnknownUsernameFailsRepeatedlyThenItIsLockedToo() {
        for (int i = 0; i < 5; i++) {
            assertCode(() -> sessions.login(SYSTEM, new LoginRequest("ghost", "111111", "p")), ErrorCode.UNAUTHENTICATED);
        }
        assertCode(() -> sessions.login(SYSTEM, new LoginRequest("Ghost", "111111", "p")), ErrorCode.TOO_MANY_ATTEMPTS);
        assertThat(login("p").token()).isNotBlank();
    }

    @Test
    void unlockWhenSupervisorThenLockLiftedAndDriverMayNot() {
        store().workspaces().upsertWorkspace(new Workspace("ws_1", "North"));
        store().workspaces().upsertMembership(new Membership("d_ana", "ws_1", Role.DRIVER));
        for (int i = 0; i < 5; i++) {
            assertCode(() -> sessions.login(SYSTEM, new LoginRequest("ana", "111111", "p")), ErrorCode.UNAUTHENTICATED);
        }
        assertCode(() -> credentials.unlock(Principal.driver("d_ana"), "ana"), ErrorCode.FORBIDDEN);
        assertCode(() -> login("p"), ErrorCode.TOO_MANY_ATTEMPTS);
        credentials.unlock(Principal.supervisor("s_sam", "ws_1"), "ANA");
        assertThat(login("p").token()).isNotBlank();
    }

    @Test
    void loginWhenFailuresSpreadBeyondTheWindowThenNoLock() {
        for (int i = 0; i < 8; i++) {
            assertCode(() -> sessions.login(SYSTEM, new LoginRequest("ana", "111111", "p")), ErrorCode.UNAUTHENTICATED);
            clock.advance(Duration.ofMinutes(4));
            if (i % 4 == 3) {
                clock.advance(Duration.ofMinutes(10));
            }
        }
        assertThat(login("p").token()).isNotBlank();
    }

    @Test
    void loginWhenNewDeviceThenPreviousSessionInvalidated() {
        LoginResult first = login("phone-1");
        LoginResult second = login("phone-2");

        assertThat(second.session().id()).isNotEqualTo(first.session().id());
        assertCode(() -> sessions.authenticate(first.token()), ErrorCode.UNAUTHENTICATED);
        assertThat(sessions.authenticate(second.token()).deviceId()).isEqualTo("phone-2");
        DeviceSession old = store().sessions().findById(first.session().id()).orElseThrow();
        assertThat(old.invalidationReason()).isEqualTo(InvalidationReason.DEVICE_CHANGED);
        assertThat(old.invalidatedAt()).isEqualTo(clock.instant());
    }

    @Test
    void loginWhenSameDeviceAgainThenTokenRotatedInSameSession() {
        LoginResult first = login("phone-1");
        LoginResult again = login("phone-1");

        assertThat(again.session().id()).isEqualTo(first.session().id());
        assertThat(again.signingKey()).isEqualTo(first.signingKey());
        assertCode(() -> sessions.authenticate(first.token()), ErrorCode.UNAUTHENTICATED);
        assertThat(sessions.authenticate(again.token()).id()).isEqualTo(first.session().id());
    }

    @Test
    void loginWhenDriverOnRouteOnNewDeviceThenBlockedUntilSupervisorEndsSession() {
        store().workspaces().upsertWorkspace(new Workspace("ws_1", "North"));
        store().workspaces().upsertWorkspace(new Workspace("ws_2", "South"));
        store().workspaces().upsertMembership(new Membership("d_ana", "ws_1", Role.DRIVER));
        DriverExecutionService execution = TestFleetgates.on(store(), clock, FleetgateSettings.defaults()).execution();
        execution.createBatch(SYSTEM, new CreateBatchRequest("b_1", "ws_1", "d_ana",
                List.of(Stop.of(30.27, -97.74, 100)), null));
        LoginResult first = login("phone-1");
        EventOutcome started = execution.record(Principal.driver("d_ana"),
                DriverEventRequest.of("e-1", "b_1", DriverEventType.ROUTE_STARTED, clock.instant()));
        assertThat(started.result()).isEqualTo(EventOutcome.Result.ACCEPTED);

        assertCode(() -> login("phone-2"), ErrorCode.SESSION_BLOCKED);
        assertThat(sessions.authenticate(first.token()).id()).isEqualTo(first.session().id());
        assertThat(login("phone-1").session().id()).isEqualTo(first.session().id());

        assertCode(() -> sessions.invalidateCurrent(Principal.driver("d_ben"), "d_ana"), ErrorCode.FORBIDDEN);
        assertCode(() -> sessions.invalidateCurrent(Principal.supervisor("s_oz", "ws_2"), "d_ana"), ErrorCode.NOT_FOUND);
        DeviceSession ended = sessions.invalidateCurrent(Principal.supervisor("s_sam", "ws_1"), "d_ana").orElseThrow();
        assertThat(ended.invalidationReason()).isEqualTo(InvalidationReason.SUPERVISOR);
        assertThat(login("phone-2").session().deviceId()).isEqualTo("phone-2");
    }

    @Test
    void loginWhenDriverHasInactiveBatchesThenEachBecomesActiveThroughAnEvent() {
        store().workspaces().upsertWorkspace(new Workspace("ws_1", "North"));
        DriverExecutionService execution = TestFleetgates.on(store(), clock, FleetgateSettings.defaults()).execution();
        execution.createBatch(SYSTEM, new CreateBatchRequest("b_1", "ws_1", "d_ana", List.of(Stop.of(1, 1, 50)), null));
        execution.createBatch(SYSTEM, new CreateBatchRequest("b_2", "ws_1", "d_ana", List.of(Stop.of(1, 1, 50)), null));
        execution.createBatch(SYSTEM, new CreateBatchRequest("b_3", "ws_1", "d_ben", List.of(Stop.of(1, 1, 50)), null));

        LoginResult r = login("phone-1");
        login("phone-1");

        for (String id : List.of("b_1", "b_2")) {
            assertThat(execution.batch(SYSTEM, id).status()).isEqualTo(io.fleetgate.execution.DriverStatus.ACTIVE);
            assertThat(execution.log(SYSTEM, id)).singleElement().satisfies(e -> {
                assertThat(e.type()).isEqualTo(DriverEventType.DRIVER_LOGGED_IN);
                assertThat(e.sessionId()).isEqualTo(r.session().id());
            });
        }
        assertThat(execution.batch(SYSTEM, "b_3").status()).isEqualTo(io.fleetgate.execution.DriverStatus.INACTIVE);
    }

    @Test
    void authenticateWhenIdleLongerThanTimeoutThenRefused() {
        LoginResult r = login("phone-1");
        clock.advance(Duration.ofMinutes(29));
        sessions.authenticate(r.token());
        clock.advance(Duration.ofMinutes(29));
        assertThat(sessions.authenticate(r.token()).id()).isEqualTo(r.session().id());
        clock.advance(Duration.ofMinutes(30));
        assertCode(() -> sessions.authenticate(r.token()), ErrorCode.UNAUTHENTICATED);
        assertThat(store().sessions().findById(r.session().id()).orElseThrow().invalidationReason())
                .isEqualTo(InvalidationReason.IDLE_TIMEOUT);
    }

    @Test
    void authenticateWhenShiftIsOverThenRefusedDespiteActivity() {
        LoginResult r = login("phone-1");
        for (int i = 0; i < 35; i++) {
            clock.advance(Duration.ofMinutes(20));
            sessions.authenticate(r.token());
        }
        clock.advance(Duration.ofMinutes(20)); // 12 h since login
        assertCode(() -> sessions.authenticate(r.token()), ErrorCode.UNAUTHENTICATED);
        assertThat(store().sessions().findById(r.session().id()).orElseThrow().invalidationReason())
                .isEqualTo(InvalidationReason.EXPIRED);
        assertThat(login("phone-1").session().id()).isNotEqualTo(r.session().id());
    }

    @Test
    void authenticateWhenPolledWithinAMinuteThenActivityWrittenOnce() {
        LoginResult r = login("phone-1");
        clock.advance(Duration.ofSeconds(61));
        sessions.authenticate(r.token());
        String afterFirst = fixture().snapshot();
        clock.advance(Duration.ofSeconds(30));
        assertThat(sessions.authenticate(r.token()).lastActiveAt()).isEqualTo(clock.instant().minusSeconds(30));
        assertThat(fixture().snapshot()).isEqualTo(afterFirst);
        clock.advance(Duration.ofSeconds(31));
        sessions.authenticate(r.token());
        assertThat(fixture().snapshot()).isNotEqualTo(afterFirst);
    }

    @Test
    void verifyWhenCheckedAgainAndAgainThenNothingWrittenTheIdleTimeoutStillEndsItAndALogoutToo() {
        LoginResult r = login("phone-1");
        String afterLogin = fixture().snapshot();
        for (int i = 0; i < 5; i++) {
            clock.advance(Duration.ofMinutes(5));
            assertThat(sessions.verify(r.token()).id()).isEqualTo(r.session().id());
        }
        assertThat(fixture().snapshot()).as("a check is not activity: nothing written").isEqualTo(afterLogin);
        clock.advance(Duration.ofMinutes(5)); // 30 min without activity
        assertCode(() -> sessions.verify(r.token()), ErrorCode.UNAUTHENTICATED);
        assertThat(store().sessions().findById(r.session().id()).orElseThrow().invalidationReason())
                .isEqualTo(InvalidationReason.IDLE_TIMEOUT);

        LoginResult other = login("phone-2");
        assertThat(sessions.verify(other.token()).id()).isEqualTo(other.session().id());
        sessions.logout(other.token());
        assertCode(() -> sessions.verify(other.token()), ErrorCode.UNAUTHENTICATED);
        assertCode(() -> sessions.verify("made-up"), ErrorCode.UNAUTHENTICATED);
        assertCode(() -> sessions.verify(null), ErrorCode.UNAUTHENTICATED);
    }

    @Test
    void refreshWhenValidThenNewTokenAndOldOneRefusedAtOnce() {
        LoginResult r = login("phone-1");
        LoginResult next = sessions.refresh(r.token());

        assertThat(next.session().id()).isEqualTo(r.session().id());
        assertThat(next.signingKey()).isEqualTo(r.signingKey());
        assertCode(() -> sessions.authenticate(r.token()), ErrorCode.UNAUTHENTICATED);
        assertCode(() -> sessions.refresh(r.token()), ErrorCode.UNAUTHENTICATED);
        assertThat(sessions.authenticate(next.token()).id()).isEqualTo(r.session().id());
    }

    @Test
    void logoutWhenCalledThenTokenRefused() {
        LoginResult r = login("phone-1");
        sessions.logout(r.token());
        assertCode(() -> sessions.authenticate(r.token()), ErrorCode.UNAUTHENTICATED);
        assertCode(() -> sessions.authenticate("made-up"), ErrorCode.UNAUTHENTICATED);
        assertCode(() -> sessions.authenticate(null), ErrorCode.UNAUTHENTICATED);
    }

    @Test
    void loginWhen32DevicesRaceOnTwoInstancesThenAllSucceedAndExactlyOneCurrentSession() throws Exception {
        // Every attempt is reserved before its PIN is hashed, so more than LOGIN_MAX_ATTEMPTS logins
        // of one user at once would be refused (see LoginHardeningContract); this race is about
        // the sessions, so the limit is raised above the number of logins.
        settings = FleetgateSettings.defaults().withSessions(s -> s.withSigningSecret(SECRET)).withLogin(l -> l.withMaxAttempts(64)).withLogin(l -> l.withHashConcurrency(32));
        sessions = sessionsOn(store());
        SessionService two = sessionsOn(fixture().secondInstance());
        // Logins that keep losing the race wait in line for the user (FleetgateStore.exclusively)
        // instead of giving up with STORE_UNAVAILABLE.
        int n = 32;
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<LoginResult>> results = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                SessionService svc = i % 2 == 0 ? sessions : two;
                String device = "phone-" + i;
                results.add(pool.submit(() -> {
                    go.await();
                    return svc.login(SYSTEM, new LoginRequest("ana", "482193", device));
                }));
            }
            go.countDown();
            List<LoginResult> done = new ArrayList<>();
            for (Future<LoginResult> f : results) {
                done.add(f.get(60, TimeUnit.SECONDS));
            }
            DeviceSession current = store().sessions().findCurrent("d_ana").orElseThrow();
            long live = done.stream()
                    .filter(r -> store().sessions().findById(r.session().id()).orElseThrow().invalidatedAt() == null)
                    .count();
            assertThat(live).isEqualTo(1);
            assertThat(done).anyMatch(r -> r.session().id().equals(current.id()));
        } finally {
            pool.shutdownNow();
        }
    }

    // --- signed offline events -------------------------------------------------------------

    private DriverExecutionService signedWorkspace(boolean required) {
        store().workspaces().upsertWorkspace(new Workspace("ws_1", "North", required));
        DriverExecutionService execution = TestFleetgates.on(store(), clock, settings).execution();
        execution.createBatch(SYSTEM, new CreateBatchRequest("b_1", "ws_1", "d_ana",
                List.of(Stop.of(30.27, -97.74, 100)), null));
        return execution;
    }

    private static DriverEventRequest signed(DriverEventRequest e, String key) {
        return e.signed(EventSignatures.sign(key, EventEncoding.canonical(e)));
    }

    @Test
    void syncWhenWorkspaceRequiresSignaturesThenOnlyValidOnesAccepted() {
        DriverExecutionService execution = signedWorkspace(true);
        LoginResult r = login("phone-1");
        Principal.Driver ana = Principal.driver("d_ana");
        DriverEventRequest start = DriverEventRequest.of("e-1", "b_1", DriverEventType.ROUTE_STARTED,
                clock.instant()).session(r.session().id());

        EventOutcome unsigned = execution.record(ana, start);
        EventOutcome forged = execution.record(ana, start.signed(EventSignatures.sign(r.signingKey(), "something else")));
        EventOutcome noSession = execution.record(ana, signed(DriverEventRequest.of("e-1", "b_1",
                DriverEventType.ROUTE_STARTED, clock.instant()), r.signingKey()));
        EventOutcome good = execution.record(ana, signed(start, r.signingKey()));

        assertThat(List.of(unsigned, forged, noSession)).extracting(EventOutcome::error)
                .containsOnly(ErrorCode.BAD_SIGNATURE);
        assertThat(good.result()).isEqualTo(EventOutcome.Result.ACCEPTED);
        assertThat(execution.quarantined(SYSTEM, "b_1")).hasSize(3)
                .allSatisfy(q -> assertThat(q.errorCode()).isEqualTo(ErrorCode.BAD_SIGNATURE));
    }

    @Test
    void syncWhenSignedUnderSessionSinceTimedOutAndReplacedThenStillVerifies() {
        DriverExecutionService execution = signedWorkspace(true);
        LoginResult old = login("phone-1");
        DriverEventRequest offline = signed(DriverEventRequest.of("e-1", "b_1", DriverEventType.ROUTE_STARTED,
                clock.instant()).session(old.session().id()), old.signingKey());
        clock.advance(Duration.ofMinutes(45));
        login("phone-2");

        assertThat(execution.record(Principal.driver("d_ana"), offline).result()).isEqualTo(EventOutcome.Result.ACCEPTED);
    }

    @Test
    void syncWhenSignedWithAnotherUsersSessionThenBadSignature() {
        DriverExecutionService execution = signedWorkspace(false);
        credentials.enrol(SYSTEM, new EnrolRequest("d_ben", "ben", "135790"));
        LoginResult ben = sessions.login(SYSTEM, new LoginRequest("ben", "135790", "phone-b"));
        DriverEventRequest e = signed(DriverEventRequest.of("e-1", "b_1", DriverEventType.ROUTE_STARTED,
                clock.instant()).session(ben.session().id()), ben.signingKey());

        assertThat(execution.record(Principal.driver("d_ana"), e).error()).isEqualTo(ErrorCode.BAD_SIGNATURE);
        assertThat(execution.record(Principal.driver("d_ana"), DriverEventRequest.of("e-2", "b_1",
                DriverEventType.ROUTE_STARTED, clock.instant())).result()).isEqualTo(EventOutcome.Result.ACCEPTED);
    }

    @Test
    void syncWhenUnsignedEventNamesASessionOtherThanTheSendersCurrentOneThenBadSignatureAndNothingApplied() {
        DriverExecutionService execution = signedWorkspace(false);
        credentials.enrol(SYSTEM, new EnrolRequest("d_ben", "ben", "135790"));
        LoginResult bens = sessions.login(SYSTEM, new LoginRequest("ben", "135790", "phone-b"));
        LoginResult old = login("phone-1");
        sessions.logout(old.token());
        LoginResult current = login("phone-2");
        Principal.Driver ana = Principal.driver("d_ana");

        EventOutcome others = execution.record(ana, DriverEventRequest.of("e-1", "b_1", DriverEventType.ROUTE_STARTED,
                clock.instant()).session(bens.session().id()));
        EventOutcome ended = execution.record(ana, DriverEventRequest.of("e-2", "b_1", DriverEventType.ROUTE_STARTED,
                clock.instant()).session(old.session().id()));
        EventOutcome made = execution.record(ana, DriverEventRequest.of("e-3", "b_1", DriverEventType.ROUTE_STARTED,
                clock.instant()).session("no-such-session"));

        assertThat(List.of(others, ended, made)).extracting(EventOutcome::error).containsOnly(ErrorCode.BAD_SIGNATURE);
        assertThat(others.message()).isEqualTo(made.message()); // another's session reads as a made-up one
        assertThat(execution.log(ana, "b_1")).noneMatch(e -> e.actorId().equals("d_ana"));
        assertThat(execution.quarantined(SYSTEM, "b_1")).hasSize(3);
        assertThat(execution.record(ana, DriverEventRequest.of("e-4", "b_1", DriverEventType.ROUTE_STARTED,
                clock.instant()).session(current.session().id())).result()).isEqualTo(EventOutcome.Result.ACCEPTED);
        assertThat(execution.record(ana, DriverEventRequest.of("e-5", "b_1", DriverEventType.DELAY_REPORTED,
                clock.instant())).result()).isEqualTo(EventOutcome.Result.ACCEPTED);
    }

    @Test
    void syncWhenSignedEventRecordedOutsideItsSessionsLifetimeThenBadSignatureWithinSkewAccepted() {
        DriverExecutionService execution = signedWorkspace(false);
        Instant t0 = clock.instant();
        LoginResult r = login("phone-1");
        clock.advance(Duration.ofMinutes(10));
        sessions.logout(r.token()); // the session ends at t0 + 10 min
        clock.advance(Duration.ofMinutes(20));
        Principal.Driver ana = Principal.driver("d_ana");
        java.util.function.Function<Instant, EventOutcome> proofAt = at -> execution.record(ana, signed(
                DriverEventRequest.of("p-" + at, "b_1", DriverEventType.PROOF_CAPTURED, at)
                        .session(r.session().id()), r.signingKey()));

        EventOutcome during = proofAt.apply(t0.plus(Duration.ofMinutes(5)));
        EventOutcome justAfterEnd = proofAt.apply(t0.plus(Duration.ofMinutes(11))); // within the 2 min skew
        EventOutcome afterEnd = proofAt.apply(t0.plus(Duration.ofMinutes(15)));
        EventOutcome beforeLogin = proofAt.apply(t0.minus(Duration.ofMinutes(3)));

        assertThat(during.result()).isEqualTo(EventOutcome.Result.ACCEPTED);
        assertThat(justAfterEnd.result()).isEqualTo(EventOutcome.Result.ACCEPTED);
        assertThat(List.of(afterEnd, beforeLogin)).extracting(EventOutcome::error).containsOnly(ErrorCode.BAD_SIGNATURE);
        assertThat(afterEnd.message()).contains("lifetime");
        assertThat(execution.log(ana, "b_1")).filteredOn(e -> e.actorId().equals("d_ana")).hasSize(2);

        DriverExecutionService noSkew = TestFleetgates.on(store(), clock, FleetgateSettings.defaults().withSessions(s -> s.withSigningSecret(SECRET)).withSync(y -> y.withSessionSkew(Duration.ZERO))).execution();
        assertThat(noSkew.record(ana, signed(DriverEventRequest.of("p-skew", "b_1", DriverEventType.PROOF_CAPTURED,
                t0.plus(Duration.ofMinutes(11))).session(r.session().id()), r.signingKey())).error())
                .isEqualTo(ErrorCode.BAD_SIGNATURE);
    }

    @Test
    void syncWhenHostHasNoSigningSecretThenSignedEventsRefused() {
        signedWorkspace(false);
        LoginResult r = login("phone-1");
        DriverExecutionService noSecret = TestFleetgates.on(store(), clock, FleetgateSettings.defaults()).execution();
        DriverEventRequest e = signed(DriverEventRequest.of("e-1", "b_1", DriverEventType.ROUTE_STARTED,
                clock.instant()).session(r.session().id()), r.signingKey());
        assertThat(noSecret.record(Principal.driver("d_ana"), e).error()).isEqualTo(ErrorCode.BAD_SIGNATURE);
    }

    @Test
    void enrolWhenPinOrNameInvalidOrTakenThenRefused() {
        Principal sam = Principal.supervisor("s_sam", "ws_1");
        assertCode(() -> credentials.enrol(sam, new EnrolRequest("d_x", "x", "12345")), ErrorCode.INVALID_REQUEST);
        assertCode(() -> credentials.enrol(sam, new EnrolRequest("d_x", "x", "12345a")), ErrorCode.INVALID_REQUEST);
        assertCode(() -> credentials.enrol(sam, new EnrolRequest("d_x", " ", "123456")), ErrorCode.INVALID_REQUEST);
        assertCode(() -> credentials.enrol(sam, new EnrolRequest("d_x", "ANA", "123456")), ErrorCode.INVALID_REQUEST);
        assertCode(() -> credentials.enrol(sam, new EnrolRequest("d_ana", "other", "123456")), ErrorCode.INVALID_REQUEST);
        assertCode(() -> credentials.enrol(Principal.driver("d_ana"), new EnrolRequest("d_y", "y", "123456")),
                ErrorCode.FORBIDDEN);
        assertThat(credentials.enrol(sam, new EnrolRequest("d_ana", "Ana", "482193")).userId()).isEqualTo("d_ana");
    }

    @Test
    void setPinWhenSelfOrSupervisorThenNewPinWorksAndOldDoesNot() {
        credentials.setPin(Principal.driver("d_ana"), "d_ana", "7654321");
        assertCode(() -> login("p"), ErrorCode.UNAUTHENTICATED);
        assertThat(sessions.login(SYSTEM, new LoginRequest("ana", "7654321", "p")).token()).isNotBlank();
        assertCode(() -> credentials.setPin(Principal.driver("d_ben"), "d_ana", "111111"), ErrorCode.FORBIDDEN);
        assertCode(() -> credentials.setPin(SYSTEM, "d_nobody", "111111"), ErrorCode.NOT_FOUND);
        credentials.setPin(SYSTEM, "d_ana", "482193");
        assertThat(login("p").token()).isNotBlank();
    }

    @Test
    void loginWhenHashWeakerThanSettingsThenRehashedOnSuccess() {
        SessionService stronger = TestFleetgates.on(store(), clock, settings, new PinHasher(2_000, null)).sessions();
        assertThat(store().credentials().findByUserId("d_ana").orElseThrow().pinHash()).contains("$1000$");

        stronger.login(SYSTEM, new LoginRequest("ana", "482193", "p"));

        assertThat(store().credentials().findByUserId("d_ana").orElseThrow().pinHash()).contains("$2000$");
        assertThat(login("p").token()).isNotBlank();
    }

    @Test
    void loginWhenNotSystemOrFieldsMissingThenRefused() {
        assertCode(() -> sessions.login(Principal.driver("d_ana"), new LoginRequest("ana", "482193", "p")),
                ErrorCode.FORBIDDEN);
        assertCode(() -> sessions.login(SYSTEM, new LoginRequest("ana", null, "p")), ErrorCode.INVALID_REQUEST);
        assertCode(() -> sessions.login(SYSTEM, new LoginRequest("ana", "482193", " ")), ErrorCode.INVALID_REQUEST);
        assertCode(() -> sessions.login(SYSTEM, new LoginRequest(null, "482193", "p")), ErrorCode.INVALID_REQUEST);
    }

    @Test
    void loginWhenUsernameHoldsControlCharactersThenInvalidRequestAndItStillLogsIn() {
        for (String name : new String[] {"\u0000", "ana\u0000", "\u0001", "a\u007fb", "\u0085ana"}) {
            assertCode(() -> sessions.login(SYSTEM, new LoginRequest(name, "000000", "p")), ErrorCode.INVALID_REQUEST);
        }
        assertCode(() -> credentials.enrol(SYSTEM, new EnrolRequest("d_x", "x\u0000y", "123456")),
                ErrorCode.INVALID_REQUEST);

        assertThat(login("p").session().userId()).isEqualTo("d_ana");
    }
}
