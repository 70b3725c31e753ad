package io.fleetgate.contract;
import io.fleetgate.testkit.TestFleetgates;

import io.fleetgate.FleetgateSettings;
import io.fleetgate.Principal;
import io.fleetgate.access.Membership;
import io.fleetgate.access.Role;
import io.fleetgate.access.Workspace;
import io.fleetgate.error.ErrorCode;
import io.fleetgate.error.FleetgateException;
import io.fleetgate.internal.LogValues;
import io.fleetgate.session.CredentialService;
import io.fleetgate.session.EnrolRequest;
import io.fleetgate.session.LoginRequest;
import io.fleetgate.session.LoginResult;
import io.fleetgate.internal.PinHasher;
import io.fleetgate.session.SecurityAuditEntry;
import io.fleetgate.session.SessionService;
import io.fleetgate.spi.AttemptSubject;
import io.fleetgate.spi.FleetgateStore;
import io.fleetgate.testkit.CapturedLogs;
import io.fleetgate.testkit.StoreContract;
import io.fleetgate.testkit.TestClock;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Login under attack (issue #14, points 1–5): attempts reserved before the PIN hash, progressive
 * and per-source locks, the bounded hashing, unlocks scoped to the supervisor's workspace and
 * audited, what reaches the logs, and how ended tokens answer. Run against every store by a thin
 * subclass; the races use two store instances (two pools on one SQLite file, two stores on one
 * PostgreSQL database). PIN evaluations are counted by a {@link PinHasher} hook, not by mocking
 * the store.
 */
public abstract class LoginHardeningContract extends StoreContract {
    private static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final Principal SYSTEM = Principal.system();
    private static final Principal.Supervisor SAM = (Principal.Supervisor) Principal.supervisor("s_sam", "ws_1");
    private static final Principal.Supervisor OZ = (Principal.Supervisor) Principal.supervisor("s_oz", "ws_2");

    private TestClock clock;
    private final AtomicInteger evaluated = new AtomicInteger();
    private final AtomicBoolean hold = new AtomicBoolean();
    private final CountDownLatch holding = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    private PinHasher counting;
    private CredentialService credentials;

    @BeforeEach
    void enrol() {
        clock = TestClock.standard();
        counting = PinHasher.forTestsOnlyWeak(() -> {
            evaluated.incrementAndGet();
            if (hold.getAndSet(false)) {
                holding.countDown();
                try {
                    release.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        store().workspaces().upsertWorkspace(new Workspace("ws_1", "North"));
        store().workspaces().upsertWorkspace(new Workspace("ws_2", "South"));
        store().workspaces().upsertMembership(new Membership("d_ana", "ws_1", Role.DRIVER));
        store().workspaces().upsertMembership(new Membership("d_ben", "ws_2", Role.DRIVER));
        store().workspaces().upsertMembership(new Membership("s_sue", "ws_1", Role.SUPERVISOR));
        credentials = TestFleetgates.on(store(), clock, FleetgateSettings.defaults(), PinHasher.forTestsOnlyWeak()).credentials();
        credentials.enrol(SYSTEM, new EnrolRequest("d_ana", "Ana", "482193"));
        credentials.enrol(SYSTEM, new EnrolRequest("d_ben", "Ben", "482193"));
        credentials.enrol(SYSTEM, new EnrolRequest("s_sue", "Sue", "482193"));
        evaluated.set(0);
    }

    private static FleetgateSettings settings() {
        return FleetgateSettings.defaults().withSessions(s -> s.withSigningSecret(SECRET))
                .withLogin(l -> l.withHashConcurrency(64).withHashQueue(64));
    }

    private SessionService service(FleetgateStore on, FleetgateSettings settings) {
        return TestFleetgates.on(on, clock, settings, counting).sessions();
    }

    private static LoginRequest wrong(String username) {
        return new LoginRequest(username, "111111", "phone-1");
    }

    private static LoginRequest right(String username) {
        return new LoginRequest(username, "482193", "phone-1");
    }

    private static FleetgateException refusal(ThrowingCallable call) {
        try {
            call.call();
        } catch (FleetgateException e) {
            return e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
        throw new AssertionError("no refusal");
    }

    private static void assertLocked(ThrowingCallable call, String reason, long retryAfterS) {
        FleetgateException e = refusal(call);
        assertThat(e.code()).as(e.getMessage()).isEqualTo(ErrorCode.TOO_MANY_ATTEMPTS);
        assertThat(e.details()).containsEntry("reason", reason).containsEntry("retry_after_s", retryAfterS);
    }

    private static void assertCode(ThrowingCallable call, ErrorCode code) {
        assertThatThrownBy(call).isInstanceOfSatisfying(FleetgateException.class,
                e -> assertThat(e.code()).as(e.getMessage()).isEqualTo(code));
    }

    // --- 1. attempts are reserved before the hash -------------------------------------------

    @Test
    void loginWhen30WrongPinsRaceOnTwoInstancesThenAtMostTheLimitEvaluatedAndRightPinThenRefused() throws Exception {
        FleetgateSettings s = settings();
        SessionService one = service(store(), s);
        SessionService two = service(fixture().secondInstance(), s);
        int n = 30;
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(n);
        List<ErrorCode> codes = new ArrayList<>();
        try {
            List<Future<ErrorCode>> results = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                SessionService svc = i % 2 == 0 ? one : two;
                results.add(pool.submit(() -> {
                    go.await();
                    try {
                        svc.login(SYSTEM, wrong("ana"));
                        return null;
                    } catch (FleetgateException e) {
                        return e.code();
                    }
                }));
            }
            go.countDown();
            for (Future<ErrorCode> f : results) {
                codes.add(f.get(60, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(evaluated.get()).as("PINs evaluated").isEqualTo(s.login().maxAttempts());
        assertThat(codes).filteredOn(c -> c == ErrorCode.UNAUTHENTICATED).hasSize(s.login().maxAttempts());
        assertThat(codes).filteredOn(c -> c == ErrorCode.TOO_MANY_ATTEMPTS).hasSize(n - s.login().maxAttempts());

        assertLocked(() -> two.login(SYSTEM, right("ana")), "username_locked", 900L);
        assertThat(evaluated.get()).as("the right PIN while locked is not even evaluated").isEqualTo(s.login().maxAttempts());
    }

    // --- 2. lockout is not a free denial of service ------------------------------------------

    @Test
    void loginWhenLockedAgainThenEachLockDoublesUpToTheCapAndSuccessResets() {
        SessionService svc = service(store(), settings().withLogin(l -> l.withLockoutMax(Duration.ofMinutes(40))));
        long[] expected = {900, 1800, 2400, 2400};
        for (long lock : expected) {
            for (int i = 0; i < 5; i++) {
                assertCode(() -> svc.login(SYSTEM, wrong("ana")), ErrorCode.UNAUTHENTICATED);
            }
            assertLocked(() -> svc.login(SYSTEM, right("ana")), "username_locked", lock);
            clock.advance(Duration.ofSeconds(lock));
        }
        assertThat(svc.login(SYSTEM, right("ana")).session().userId()).isEqualTo("d_ana");
        for (int i = 0; i < 5; i++) {
            assertCode(() -> svc.login(SYSTEM, wrong("ana")), ErrorCode.UNAUTHENTICATED);
        }
        assertLocked(() -> svc.login(SYSTEM, right("ana")), "username_locked", 900L);
    }

    @Test
    void loginWhenOneSourceSpraysManyNamesThenTheSourceIsLockedAndOtherSourcesAreNot() {
        SessionService svc = service(store(), settings().withLogin(l -> l.withSourceMaxAttempts(3)));
        String stranger = "203.0.113.7";
        for (String name : List.of("ana", "ben", "sue")) {
            assertCode(() -> svc.login(SYSTEM, new LoginRequest(name, "111111", "p", stranger)), ErrorCode.UNAUTHENTICATED);
        }
        int before = evaluated.get();
        assertLocked(() -> svc.login(SYSTEM, new LoginRequest("nobody", "111111", "p", stranger)), "source_locked", 900L);
        assertLocked(() -> svc.login(SYSTEM, new LoginRequest("ana", "482193", "p", stranger)), "source_locked", 900L);
        assertThat(evaluated.get()).as("nothing evaluated for a locked source").isEqualTo(before);
        assertThat(store().credentials().findAttempts(AttemptSubject.USERNAME, "nobody"))
                .as("a refused request writes nothing").isEmpty();

        assertThat(svc.login(SYSTEM, new LoginRequest("ana", "482193", "p", "198.51.100.1")).session().userId())
                .isEqualTo("d_ana");
        assertThat(svc.login(SYSTEM, right("ben")).session().userId()).isEqualTo("d_ben");
    }

    @Test
    void loginWhenSourceLogsInRightlyOrHitsALockedNameThenOnlyItsFailuresCount() {
        SessionService svc = service(store(), settings().withLogin(l -> l.withSourceMaxAttempts(2)));
        for (int i = 0; i < 5; i++) {
            assertCode(() -> svc.login(SYSTEM, wrong("ghost")), ErrorCode.UNAUTHENTICATED);
        }
        String depot = "192.0.2.10";
        for (int i = 0; i < 5; i++) {
            assertThat(svc.login(SYSTEM, new LoginRequest("ana", "482193", "p", depot)).token()).isNotBlank();
            assertLocked(() -> svc.login(SYSTEM, new LoginRequest("ghost", "111111", "p", depot)), "username_locked", 900L);
        }
        assertThat(store().credentials().findAttempts(AttemptSubject.USERNAME, "ana")).as("a success clears").isEmpty();

        assertCode(() -> svc.login(SYSTEM, new LoginRequest("ben", "111111", "p", depot)), ErrorCode.UNAUTHENTICATED);
        assertCode(() -> svc.login(SYSTEM, new LoginRequest("sue", "111111", "p", depot)), ErrorCode.UNAUTHENTICATED);
        assertLocked(() -> svc.login(SYSTEM, new LoginRequest("ana", "482193", "p", depot)), "source_locked", 900L);
    }

    @Test
    void unlockWhenSupervisorOfTheDriversWorkspaceThenLiftedAuditedAndLogged() {
        SessionService svc = service(store(), settings());
        for (int i = 0; i < 5; i++) {
            assertCode(() -> svc.login(SYSTEM, wrong("ana")), ErrorCode.UNAUTHENTICATED);
        }
        assertCode(() -> credentials.unlock(OZ, "ana"), ErrorCode.NOT_FOUND);
        assertCode(() -> credentials.unlock(Principal.driver("d_ana"), "ana"), ErrorCode.FORBIDDEN);
        assertCode(() -> credentials.unlock(SAM, "sue"), ErrorCode.FORBIDDEN);
        assertCode(() -> credentials.unlock(SAM, "nobody"), ErrorCode.NOT_FOUND);
        assertLocked(() -> svc.login(SYSTEM, right("ana")), "username_locked", 900L);
        assertThat(credentials.securityAudit(SAM, "ws_1")).as("refused unlocks write nothing").isEmpty();

        credentials.unlock(SAM, " ANA ");

        assertThat(svc.login(SYSTEM, right("ana")).session().userId()).isEqualTo("d_ana");
        List<SecurityAuditEntry> audit = credentials.securityAudit(SAM, "ws_1");
        assertThat(audit).singleElement().satisfies(e -> {
            assertThat(e.workspaceId()).isEqualTo("ws_1");
            assertThat(e.actorId()).isEqualTo("s_sam");
            assertThat(e.userId()).isEqualTo("d_ana");
            assertThat(e.action()).isEqualTo("login_unlocked");
            assertThat(e.at()).isEqualTo(clock.instant());
        });
        assertThat(credentials.securityAudit(SYSTEM, "ws_2")).isEmpty();
        assertCode(() -> credentials.securityAudit(OZ, "ws_1"), ErrorCode.FORBIDDEN);
        assertCode(() -> credentials.securityAudit(Principal.driver("d_ana"), "ws_1"), ErrorCode.FORBIDDEN);
        assertThat(CapturedLogs.named("login_unlocked", e -> LogValues.digest("ana").equals(e.fields().get("username"))
                && "s_sam".equals(e.fields().get("actor_id")))).isNotEmpty();
        assertThat(CapturedLogs.named("login_lock_set", e -> LogValues.digest("ana").equals(e.fields().get("username"))))
                .isNotEmpty();
    }

    @Test
    void unlockWhenLockedTwiceThenNextLockIsTheShortestAgain() {
        SessionService svc = service(store(), settings());
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < 5; i++) {
                assertCode(() -> svc.login(SYSTEM, wrong("ana")), ErrorCode.UNAUTHENTICATED);
            }
            clock.advance(Duration.ofMinutes(15));
        }
        credentials.unlock(SAM, "ana");
        for (int i = 0; i < 5; i++) {
            assertCode(() -> svc.login(SYSTEM, wrong("ana")), ErrorCode.UNAUTHENTICATED);
        }
        assertLocked(() -> svc.login(SYSTEM, right("ana")), "username_locked", 900L);
    }

    // --- 3. hashing cost is bounded ----------------------------------------------------------

    @Test
    void loginWhenEveryHashingSlotTakenAndNoQueueThenRefusedAtOnceWritingNothing() throws Exception {
        SessionService svc = service(store(), settings().withLogin(l -> l.withHashConcurrency(1).withHashQueue(0)));
        hold.set(true);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<ErrorCode> first = pool.submit(() -> refusal(() -> svc.login(SYSTEM, wrong("ana"))).code());
            assertThat(holding.await(60, TimeUnit.SECONDS)).isTrue();

            assertLocked(() -> svc.login(SYSTEM, right("ben")), "login_busy", 1L);
            assertThat(store().credentials().findAttempts(AttemptSubject.USERNAME, "ben"))
                    .as("a login refused as busy writes nothing").isEmpty();

            release.countDown();
            assertThat(first.get(60, TimeUnit.SECONDS)).isEqualTo(ErrorCode.UNAUTHENTICATED);
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
        assertThat(svc.login(SYSTEM, right("ben")).session().userId()).isEqualTo("d_ben");
    }

    // --- 4. logs ---------------------------------------------------------------------------

    @Test
    void loginWhenFailedThenUsernameAndDeviceOnlyAsDigestAndNoRawClientValueInAnyField() {
        SessionService svc = service(store(), settings());
        String forged = "mallory\nlogin_succeeded user_id=d_ana";
        assertCode(() -> svc.login(SYSTEM, new LoginRequest(forged.replace('\n', ' '), "111111", "dev\u2028ice")), ErrorCode.UNAUTHENTICATED);
        LoginResult ok = svc.login(SYSTEM, new LoginRequest("ana", "482193", "phone-\u2028x"));

        String key = forged.replace('\n', ' ').strip().toLowerCase(java.util.Locale.ROOT);
        assertThat(CapturedLogs.named("login_failed", e -> LogValues.digest(key).equals(e.fields().get("username"))))
                .isNotEmpty().allSatisfy(e -> assertThat(e.fields().values()).noneMatch(v -> v != null
                        && (v.toString().contains("mallory") || v.toString().contains("\u2028"))));
        assertThat(CapturedLogs.named("login_succeeded", e -> ok.session().id().equals(e.fields().get("session_id"))))
                .singleElement().satisfies(e -> assertThat(e.fields()).containsEntry("device_id", LogValues.digest("phone-\u2028x")));
    }

    @Test
    void unlockWhenUsernameHoldsControlCharactersThenRefusedAndNothingLoggedRaw() {
        assertCode(() -> credentials.unlock(SYSTEM, "ana\r\nforged"), ErrorCode.INVALID_REQUEST);
        credentials.unlock(SYSTEM, "ghost\u2028name");
        assertThat(CapturedLogs.named("login_unlocked", e -> LogValues.digest("ghost\u2028name").equals(e.fields().get("username"))))
                .isNotEmpty().allSatisfy(e -> assertThat(e.fields().values())
                        .noneMatch(v -> v != null && v.toString().contains("ghost")));
    }

    // --- 5. ended tokens, supervisors' reach, the pepper warning ----------------------------

    @Test
    void authenticateWhenTokenEndedThenSameAnswerAsAnUnknownToken() {
        SessionService svc = service(store(), settings());
        String unknown = refusal(() -> svc.authenticate("x".repeat(43))).getMessage();
        LoginResult loggedOut = svc.login(SYSTEM, right("ana"));
        svc.logout(loggedOut.token());
        LoginResult idle = svc.login(SYSTEM, right("ben"));
        clock.advance(Duration.ofMinutes(31));

        for (String token : List.of(loggedOut.token(), idle.token())) {
            FleetgateException authenticate = refusal(() -> svc.authenticate(token));
            FleetgateException refresh = refusal(() -> svc.refresh(token));
            for (FleetgateException e : List.of(authenticate, refresh)) {
                assertThat(e.code()).isEqualTo(ErrorCode.UNAUTHENTICATED);
                assertThat(e.getMessage()).isEqualTo(unknown);
                assertThat(e.details()).isEmpty();
            }
        }
    }

    @Test
    void invalidateCurrentWhenSupervisorThenOnlyDriversAndMembersOfTheirWorkspace() {
        SessionService svc = service(store(), settings());
        svc.login(SYSTEM, right("ana"));
        svc.login(SYSTEM, right("ben"));
        svc.login(SYSTEM, right("sue"));

        assertCode(() -> svc.invalidateCurrent(SAM, "d_ben"), ErrorCode.NOT_FOUND);
        assertCode(() -> svc.invalidateCurrent(SAM, "s_sue"), ErrorCode.FORBIDDEN);
        assertThat(store().sessions().findCurrent("d_ben")).isPresent();
        assertThat(store().sessions().findCurrent("s_sue")).isPresent();
        assertThat(svc.invalidateCurrent(SAM, "d_ana")).isPresent();
        assertThat(svc.invalidateCurrent(SYSTEM, "s_sue")).isPresent();
        assertCode(() -> credentials.setPin(SAM, "s_sue", "999999"), ErrorCode.FORBIDDEN);
    }

    @Test
    void buildWhenNoPepperThenOneWarningPerFleetgateAndNoneWithAPepper() {
        int before = CapturedLogs.named("pin_pepper_missing", e -> true).size();
        service(store(), settings());
        assertThat(CapturedLogs.named("pin_pepper_missing", e -> true)).hasSize(before + 1);
        TestFleetgates.on(store(), clock, settings().withLogin(l -> l.withPinPepper("pepper-of-16-bytes!".getBytes(StandardCharsets.US_ASCII))), counting).sessions();
        assertThat(CapturedLogs.named("pin_pepper_missing", e -> true)).hasSize(before + 1);
    }
}
