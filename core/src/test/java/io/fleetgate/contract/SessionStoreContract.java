package io.fleetgate.contract;

import io.fleetgate.session.DeviceSession;
import io.fleetgate.session.InvalidationReason;
import io.fleetgate.session.UserCredential;
import io.fleetgate.spi.AttemptSubject;
import io.fleetgate.spi.CredentialRepository;
import io.fleetgate.spi.FleetgateStore;
import io.fleetgate.spi.LoginAttempts;
import io.fleetgate.spi.SessionRepository;
import io.fleetgate.testing.InMemoryStore;
import io.fleetgate.testkit.StoreContract;
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
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The store contract of {@link CredentialRepository} and {@link SessionRepository}, tested directly
 * (below the services) on every store by a thin subclass (in-memory, SQLite, PostgreSQL): round
 * trips, the compare-and-set conditions, all-or-nothing replacement, and atomic failure counting
 * and one current session per user with two instances on one data set. What only a database can
 * show (its unique indexes and checks refusing hand-made rows, no token or PIN in a raw row) is in
 * store-jdbc's {@code JdbcSessionStoreContract}.
 */
public abstract class SessionStoreContract extends StoreContract {
    /** The instant every record is built around (microsecond precision, as the databases keep). */
    protected static final Instant T0 = Instant.parse("2026-11-22T10:00:00.123456Z");
    /** The lockout window of the attempt tests. */
    protected static final Duration LOCKOUT = Duration.ofMinutes(15);

    /** The credentials of {@link #store()}. */
    protected CredentialRepository credentials;
    /** The device sessions of {@link #store()}. */
    protected SessionRepository sessions;

    @BeforeEach
    void enrolAna() {
        credentials = store().credentials();
        sessions = store().sessions();
        assertThat(credentials.insertUser(user("d_ana", "Ana"))).isTrue();
    }

    private static UserCredential user(String id, String name) {
        return new UserCredential(id, name, name.toLowerCase(), "pbkdf2-sha256$1000$c2FsdA$aGFzaA", T0, T0);
    }

    private static DeviceSession session(String id, String userId, String device, Instant at) {
        return new DeviceSession(id, userId, device, hex(id), at, at, at.plus(Duration.ofHours(12)), null, null);
    }

    /**
     * @param seed any text
     * @return a 64-character stand-in for a token hash, made of the seed's bytes in hex
     */
    protected static String hex(String seed) {
        StringBuilder out = new StringBuilder();
        for (byte b : seed.getBytes(StandardCharsets.UTF_8)) {
            out.append(String.format("%02x", b));
        }
        while (out.length() < 64) {
            out.append('0');
        }
        return out.substring(0, 64);
    }

    // --- credentials ------------------------------------------------------------------------

    @Test
    void insertUserWhenNewThenRoundTripsExactly() {
        UserCredential ben = new UserCredential("d_ben", " Ben ", "ben", "pbkdf2-sha256$1000$x$y",
                T0, T0.plusNanos(1_000));
        assertThat(credentials.insertUser(ben)).isTrue();

        assertThat(credentials.findByUserId("d_ben")).contains(ben);
        assertThat(credentials.findByUsernameKey("ben")).contains(ben);
        assertThat(credentials.findByUsernameKey("Ben")).isEmpty();
        assertThat(credentials.findByUserId("d_nobody")).isEmpty();
    }

    @Test
    void insertUserWhenIdOrUsernameKeyTakenThenFalseAndNothingWritten() {
        String before = fixture().snapshot();

        assertThat(credentials.insertUser(user("d_ana", "Other"))).as("same user id").isFalse();
        assertThat(credentials.insertUser(user("d_other", "Ana"))).as("same username key").isFalse();
        assertThat(credentials.insertUser(user("d_ana", "Ana"))).as("both").isFalse();

        assertThat(fixture().snapshot()).isEqualTo(before);
    }

    @Test
    void updatePinHashWhenUserExistsThenChangedElseFalse() {
        Instant later = T0.plusSeconds(60);
        assertThat(credentials.updatePinHash("d_ana", "pbkdf2-sha256$2000$a$b", later)).isTrue();
        assertThat(credentials.updatePinHash("d_nobody", "pbkdf2-sha256$2000$a$b", later)).isFalse();

        UserCredential ana = credentials.findByUserId("d_ana").orElseThrow();
        assertThat(ana.pinHash()).isEqualTo("pbkdf2-sha256$2000$a$b");
        assertThat(ana.createdAt()).isEqualTo(T0);
        assertThat(ana.updatedAt()).isEqualTo(later);
    }

    private CredentialRepository.Reservation reserve(CredentialRepository repo, AttemptSubject subject, String key,
                                                     Instant now, int max) {
        return repo.reserveAttempt(subject, key, now, max, LOCKOUT, now.plus(LOCKOUT));
    }

    @Test
    void reserveAttemptWhenScriptedThenSameAnswersAsInMemoryStore() {
        CredentialRepository reference = new InMemoryStore().credentials();
        // {seconds since T0, maxAttempts}: within the window, past the window, a lock, during it, its end.
        long[][] script = {{0, 3}, {10, 3}, {899, 3}, {900, 3}, {901, 3}, {1000, 3}, {1001, 3}, {1100, 3},
                {1901, 3}, {1902, 3}, {1903, 1}, {2803, 1}, {2804, 5}, {5000, 5}};
        for (AttemptSubject subject : AttemptSubject.values()) {
            String key = subject == AttemptSubject.USERNAME ? "ana" : "a".repeat(64);
            for (long[] step : script) {
                Instant now = T0.plusSeconds(step[0]);
                CredentialRepository.Reservation expected = reserve(reference, subject, key, now, (int) step[1]);
                CredentialRepository.Reservation actual = reserve(credentials, subject, key, now, (int) step[1]);
                assertThat(actual).as("%s at +%d s", subject, step[0]).isEqualTo(expected);
                assertThat(credentials.findAttempts(subject, key)).contains(expected.attempts());
            }
            assertThat(credentials.findAttempts(subject, "nobody")).isEmpty();
        }
    }

    @Test
    void reserveAttemptWhenLimitReachedThenLockedRefusedUnchangedAndLockEndRestartsCount() {
        for (int i = 1; i <= 4; i++) {
            CredentialRepository.Reservation r = reserve(credentials, AttemptSubject.USERNAME, "ana", T0.plusSeconds(i), 5);
            assertThat(r.granted()).isTrue();
            assertThat(r.attempts().lockedUntil()).isNull();
        }
        CredentialRepository.Reservation locking = reserve(credentials, AttemptSubject.USERNAME, "ana", T0.plusSeconds(5), 5);
        assertThat(locking).isEqualTo(new CredentialRepository.Reservation(true,
                new LoginAttempts("ana", 5, T0.plusSeconds(1), T0.plusSeconds(5).plus(LOCKOUT), 1)));

        CredentialRepository.Reservation during = reserve(credentials, AttemptSubject.USERNAME, "ana", T0.plusSeconds(6), 5);
        assertThat(during).isEqualTo(new CredentialRepository.Reservation(false, locking.attempts()));

        credentials.extendLock(AttemptSubject.USERNAME, "ana", 1, T0.plusSeconds(5).plus(LOCKOUT.multipliedBy(2)));
        credentials.extendLock(AttemptSubject.USERNAME, "ana", 1, T0.plusSeconds(7)); // never shortens
        credentials.extendLock(AttemptSubject.USERNAME, "ana", 2, T0.plusSeconds(99_999)); // not this lock
        Instant lockEnd = T0.plusSeconds(5).plus(LOCKOUT.multipliedBy(2));
        assertThat(credentials.findAttempts(AttemptSubject.USERNAME, "ana").orElseThrow().lockedUntil()).isEqualTo(lockEnd);

        CredentialRepository.Reservation after = reserve(credentials, AttemptSubject.USERNAME, "ana", lockEnd, 5);
        assertThat(after).isEqualTo(new CredentialRepository.Reservation(true, new LoginAttempts("ana", 1, lockEnd, null, 1)));

        credentials.clearAttempts("ana");
        assertThat(credentials.findAttempts(AttemptSubject.USERNAME, "ana")).isEmpty();
        credentials.clearAttempts("ana");
    }

    @Test
    void releaseAttemptWhenSameWindowThenCountDropsAndLockStays() {
        String key = "b".repeat(64);
        CredentialRepository.Reservation first = reserve(credentials, AttemptSubject.SOURCE, key, T0, 2);
        credentials.releaseAttempt(AttemptSubject.SOURCE, key, first.attempts().firstFailedAt());
        assertThat(credentials.findAttempts(AttemptSubject.SOURCE, key).orElseThrow().failedCount()).isZero();
        credentials.releaseAttempt(AttemptSubject.SOURCE, key, first.attempts().firstFailedAt());
        assertThat(credentials.findAttempts(AttemptSubject.SOURCE, key).orElseThrow().failedCount()).isZero();
        reserve(credentials, AttemptSubject.SOURCE, key, T0.plusSeconds(1), 2);
        CredentialRepository.Reservation locking = reserve(credentials, AttemptSubject.SOURCE, key, T0.plusSeconds(2), 2);
        assertThat(locking.attempts().lockedUntil()).isEqualTo(T0.plusSeconds(2).plus(LOCKOUT));
        credentials.releaseAttempt(AttemptSubject.SOURCE, key, T0.plusSeconds(1)); // another window: nothing
        credentials.releaseAttempt(AttemptSubject.SOURCE, key, T0);
        assertThat(credentials.findAttempts(AttemptSubject.SOURCE, key).orElseThrow())
                .isEqualTo(new LoginAttempts(key, 1, T0, T0.plusSeconds(2).plus(LOCKOUT), 1));
    }

    @Test
    void reserveAttemptWhen20ThreadsOnTwoInstancesThenExactlyTheLimitGranted() throws Exception {
        assertThat(reserveConcurrently(AttemptSubject.USERNAME, "ana", 100))
                .isEqualTo(new LoginAttempts("ana", 20, T0, null, 0));
        assertThat(reserveConcurrently(AttemptSubject.USERNAME, "ghost", 5))
                .isEqualTo(new LoginAttempts("ghost", 5, T0, T0.plus(LOCKOUT), 1));
        String source = "c".repeat(64);
        assertThat(reserveConcurrently(AttemptSubject.SOURCE, source, 7))
                .isEqualTo(new LoginAttempts(source, 7, T0, T0.plus(LOCKOUT), 1));
    }

    private LoginAttempts reserveConcurrently(AttemptSubject subject, String key, int maxAttempts) throws Exception {
        FleetgateStore two = fixture().secondInstance();
        int n = 20;
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<CredentialRepository.Reservation>> results = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                CredentialRepository repo = i % 2 == 0 ? credentials : two.credentials();
                results.add(pool.submit(() -> {
                    go.await();
                    return reserve(repo, subject, key, T0, maxAttempts);
                }));
            }
            go.countDown();
            List<Integer> granted = new ArrayList<>();
            for (Future<CredentialRepository.Reservation> f : results) {
                CredentialRepository.Reservation r = f.get(60, TimeUnit.SECONDS);
                if (r.granted()) {
                    granted.add(r.attempts().failedCount());
                }
            }
            assertThat(granted).as("each granted attempt saw its own count").doesNotHaveDuplicates()
                    .hasSize(Math.min(n, maxAttempts)).allMatch(c -> c >= 1 && c <= maxAttempts);
        } finally {
            pool.shutdownNow();
        }
        return credentials.findAttempts(subject, key).orElseThrow();
    }

    // --- sessions -----------------------------------------------------------------------------

    @Test
    void replaceWhenNoCurrentThenInsertedAndRoundTripsExactly() {
        DeviceSession s = session("s_1", "d_ana", "phone-1", T0);

        assertThat(sessions.replace(null, null, s, T0)).isTrue();

        assertThat(sessions.findById("s_1")).contains(s);
        assertThat(sessions.findCurrent("d_ana")).contains(s);
        assertThat(sessions.findByTokenHash(s.tokenHash())).contains(s);
        assertThat(sessions.findByTokenHash(hex("nope"))).isEmpty();
        assertThat(sessions.findCurrent("d_ben")).isEmpty();
    }

    @Test
    void replaceWhenCurrentGivenThenItEndsWithReasonAndNextIsCurrent() {
        DeviceSession first = session("s_1", "d_ana", "phone-1", T0);
        sessions.replace(null, null, first, T0);
        Instant later = T0.plusSeconds(30);
        DeviceSession next = session("s_2", "d_ana", "phone-2", later);

        assertThat(sessions.replace("s_1", InvalidationReason.DEVICE_CHANGED, next, later)).isTrue();

        DeviceSession ended = sessions.findById("s_1").orElseThrow();
        assertThat(ended.invalidatedAt()).isEqualTo(later);
        assertThat(ended.invalidationReason()).isEqualTo(InvalidationReason.DEVICE_CHANGED);
        assertThat(ended.lastActiveAt()).isEqualTo(T0);
        assertThat(sessions.findCurrent("d_ana")).contains(next);
        assertThat(sessions.findByTokenHash(first.tokenHash()).orElseThrow().id()).isEqualTo("s_1");
    }

    @Test
    void replaceWhenCurrentChangedOrAnotherInsertedThenFalseAndNothingWritten() {
        sessions.replace(null, null, session("s_1", "d_ana", "phone-1", T0), T0);
        sessions.replace("s_1", InvalidationReason.LOGOUT, session("s_2", "d_ana", "phone-2", T0), T0);
        String before = fixture().snapshot();

        assertThat(sessions.replace("s_1", InvalidationReason.DEVICE_CHANGED,
                session("s_3", "d_ana", "phone-3", T0), T0)).as("current already ended").isFalse();
        assertThat(sessions.replace("s_nope", InvalidationReason.DEVICE_CHANGED,
                session("s_3", "d_ana", "phone-3", T0), T0)).as("no such session").isFalse();
        assertThat(sessions.replace(null, null, session("s_3", "d_ana", "phone-3", T0), T0))
                .as("another is current").isFalse();

        assertThat(fixture().snapshot()).isEqualTo(before);
    }

    @Test
    void replaceWhenCurrentEndedButInsertRefusedThenEndingRolledBack() {
        assertThat(credentials.insertUser(user("d_ben", "Ben"))).isTrue();
        sessions.replace(null, null, session("s_1", "d_ana", "phone-1", T0), T0);
        sessions.replace(null, null, session("s_b", "d_ben", "phone-b", T0), T0);
        String before = fixture().snapshot();

        // Ending Ana's session succeeds, then the insert meets Ben's current session: DO NOTHING.
        assertThat(sessions.replace("s_1", InvalidationReason.DEVICE_CHANGED,
                session("s_2", "d_ben", "phone-2", T0), T0)).isFalse();
        assertThat(fixture().snapshot()).isEqualTo(before);

        // Ending Ana's session succeeds, then the insert fails outright (the id is taken).
        DeviceSession clash = new DeviceSession("s_b", "d_ana", "phone-2", hex("other"), T0, T0,
                T0.plus(Duration.ofHours(1)), null, null);
        assertThatThrownBy(() -> sessions.replace("s_1", InvalidationReason.DEVICE_CHANGED, clash, T0))
                .isInstanceOf(RuntimeException.class);
        assertThat(fixture().snapshot()).isEqualTo(before);
        assertThat(sessions.findCurrent("d_ana").orElseThrow().id()).isEqualTo("s_1");
    }

    @Test
    void replaceOrRotateTokenWhenTokenHashTakenThenRefusedAndNothingWritten() {
        assertThat(credentials.insertUser(user("d_ben", "Ben"))).isTrue();
        DeviceSession ana = session("s_1", "d_ana", "phone-1", T0);
        DeviceSession ben = session("s_b", "d_ben", "phone-b", T0);
        sessions.replace(null, null, ana, T0);
        sessions.replace(null, null, ben, T0);
        String before = fixture().snapshot();

        DeviceSession reusing = new DeviceSession("s_2", "d_ana", "phone-2", ben.tokenHash(), T0, T0,
                T0.plus(Duration.ofHours(1)), null, null);
        assertThatThrownBy(() -> sessions.replace("s_1", InvalidationReason.DEVICE_CHANGED, reusing, T0))
                .as("a new session with Ben's token hash").isInstanceOf(RuntimeException.class);
        assertThatThrownBy(() -> sessions.rotateToken("s_1", ana.tokenHash(), ben.tokenHash(), T0.plusSeconds(1)))
                .as("Ana's token rotated to Ben's hash").isInstanceOf(RuntimeException.class);

        assertThat(fixture().snapshot()).isEqualTo(before);
        assertThat(sessions.findByTokenHash(ben.tokenHash())).contains(ben);
        assertThat(sessions.findCurrent("d_ana")).contains(ana);
    }

    @Test
    void replaceWhen16ThreadsOnTwoInstancesInsertFirstSessionThenExactlyOneWins() throws Exception {
        FleetgateStore two = fixture().secondInstance();
        int n = 16;
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                SessionRepository repo = i % 2 == 0 ? sessions : two.sessions();
                DeviceSession s = session("s_" + i, "d_ana", "phone-" + i, T0);
                results.add(pool.submit(() -> {
                    go.await();
                    return repo.replace(null, null, s, T0);
                }));
            }
            go.countDown();
            int won = 0;
            for (Future<Boolean> f : results) {
                won += f.get(60, TimeUnit.SECONDS) ? 1 : 0;
            }
            assertThat(won).isEqualTo(1);
            assertThat(IntStream.range(0, n).filter(i -> sessions.findById("s_" + i).isPresent()).count())
                    .as("sessions stored").isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void rotateTokenWhenOldTokenCurrentThenReplacedAndCountsAsActivity() {
        DeviceSession s = session("s_1", "d_ana", "phone-1", T0);
        sessions.replace(null, null, s, T0);
        Instant later = T0.plusSeconds(5);

        assertThat(sessions.rotateToken("s_1", hex("wrong"), hex("new"), later)).isFalse();
        assertThat(sessions.rotateToken("s_1", s.tokenHash(), hex("new"), later)).isTrue();
        assertThat(sessions.rotateToken("s_1", s.tokenHash(), hex("newer"), later)).as("old token again").isFalse();

        DeviceSession now = sessions.findById("s_1").orElseThrow();
        assertThat(now.tokenHash()).isEqualTo(hex("new"));
        assertThat(now.lastActiveAt()).isEqualTo(later);
        assertThat(sessions.findByTokenHash(s.tokenHash())).isEmpty();

        sessions.invalidate("s_1", InvalidationReason.LOGOUT, later);
        assertThat(sessions.rotateToken("s_1", hex("new"), hex("newer"), later)).as("ended").isFalse();
    }

    @Test
    void touchWhenActivityIsFreshThenNoWriteAndWhenStaleThenWritten() {
        sessions.replace(null, null, session("s_1", "d_ana", "phone-1", T0), T0);
        String before = fixture().snapshot();

        assertThat(sessions.touch("s_1", T0.plusSeconds(30), T0.minusSeconds(30))).isFalse();
        assertThat(sessions.touch("s_1", T0.plusSeconds(60), T0)).as("not strictly before").isFalse();
        assertThat(fixture().snapshot()).isEqualTo(before);

        assertThat(sessions.touch("s_1", T0.plusSeconds(61), T0.plusSeconds(1))).isTrue();
        assertThat(sessions.findById("s_1").orElseThrow().lastActiveAt()).isEqualTo(T0.plusSeconds(61));
        assertThat(sessions.touch("s_nope", T0.plusSeconds(61), T0.plusSeconds(1))).isFalse();

        sessions.invalidate("s_1", InvalidationReason.IDLE_TIMEOUT, T0.plusSeconds(200));
        String ended = fixture().snapshot();
        assertThat(sessions.touch("s_1", T0.plusSeconds(300), T0.plusSeconds(240))).as("ended").isFalse();
        assertThat(fixture().snapshot()).isEqualTo(ended);
    }

    @Test
    void invalidateWhenCurrentThenEndedOnceWithFirstReason() {
        sessions.replace(null, null, session("s_1", "d_ana", "phone-1", T0), T0);

        assertThat(sessions.invalidate("s_1", InvalidationReason.SUPERVISOR, T0.plusSeconds(1))).isTrue();
        assertThat(sessions.invalidate("s_1", InvalidationReason.LOGOUT, T0.plusSeconds(2))).isFalse();
        assertThat(sessions.invalidate("s_nope", InvalidationReason.LOGOUT, T0)).isFalse();

        DeviceSession s = sessions.findById("s_1").orElseThrow();
        assertThat(s.invalidationReason()).isEqualTo(InvalidationReason.SUPERVISOR);
        assertThat(s.invalidatedAt()).isEqualTo(T0.plusSeconds(1));
        assertThat(sessions.findCurrent("d_ana")).isEmpty();
    }
}
