package io.fleetgate.session;

import io.fleetgate.LoginSettings;
import io.fleetgate.error.FleetgateException;
import io.fleetgate.error.TooManyAttemptsException;
import io.fleetgate.internal.LogValues;
import io.fleetgate.spi.AttemptSubject;
import io.fleetgate.spi.CredentialRepository;
import io.fleetgate.spi.LoginAttempts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Login stage 2, reserve: counts the attempt in the store, per source (when the host names one) and
 * then per username, each in one atomic step and before any PIN is hashed, so at most the limit is
 * ever evaluated however many attempts arrive at once on however many hosts. Refuses a locked
 * source or name ({@code TOO_MANY_ATTEMPTS} with {@code retry_after_s} and {@code reason}), writing
 * nothing (the source's reservation is given back when the name is locked). A reservation that
 * locks its subject makes the lock progressive: the {@code n}th lock since the last success or
 * unlock lasts {@code 2^(n-1)} times {@code LOGIN_LOCKOUT_MIN}, at most {@code LOGIN_LOCKOUT_MAX_MIN}.
 * Sources are stored only as a keyed hash. Logs {@code login_lock_set} and {@code login_locked}
 * under the session service's logger.
 *
 * <p>Immutable and thread-safe; one per service.
 */
final class LoginReservations {
    private static final Logger LOG = LoggerFactory.getLogger(SessionService.class);

    private final CredentialRepository credentials;
    private final LoginSettings settings;
    private final byte[] sourceSecret;

    /**
     * @param credentials  where attempts are counted
     * @param settings     the limits and lock lengths
     * @param sourceSecret the key sources are hashed with
     */
    LoginReservations(CredentialRepository credentials, LoginSettings settings, byte[] sourceSecret) {
        this.credentials = credentials;
        this.settings = settings;
        this.sourceSecret = sourceSecret.clone();
    }

    /**
     * A granted attempt, held until its PIN is checked.
     *
     * @param key       the username's key
     * @param source    the source as the host named it, or {@code null}
     * @param sourceKey its stored key, or {@code null}
     * @param byName    the username's reservation
     * @param bySource  the source's reservation, or {@code null}
     */
    record Reserved(String key, String source, String sourceKey, CredentialRepository.Reservation byName,
                    CredentialRepository.Reservation bySource) {
    }

    /**
     * {@return the granted attempt} Reserves per source, then per username.
     *
     * @param key    the username's key
     * @param source the source as the host named it, or {@code null}
     * @param now    the attempt's instant
     * @throws FleetgateException {@code TOO_MANY_ATTEMPTS} while the source or the name is locked
     */
    Reserved reserve(String key, String source, Instant now) {
        String sourceKey = source == null ? null : sourceKey(source);
        CredentialRepository.Reservation bySource = null;
        if (sourceKey != null) {
            bySource = reserveOne(AttemptSubject.SOURCE, sourceKey, LogValues.digest(source), now,
                    settings.sourceMaxAttempts());
            if (!bySource.granted()) {
                throw locked(AttemptSubject.SOURCE, LogValues.digest(source), bySource.attempts(), now);
            }
        }
        CredentialRepository.Reservation byName = reserveOne(AttemptSubject.USERNAME, key, LogValues.digest(key), now,
                settings.maxAttempts());
        if (!byName.granted()) {
            if (bySource != null) {
                credentials.releaseAttempt(AttemptSubject.SOURCE, sourceKey, bySource.attempts().firstFailedAt());
            }
            throw locked(AttemptSubject.USERNAME, LogValues.digest(key), byName.attempts(), now);
        }
        return new Reserved(key, source, sourceKey, byName, bySource);
    }

    /** After a right PIN: clears the name's count and locks, and gives the source's attempt back. */
    void succeeded(Reserved r) {
        credentials.clearAttempts(r.key());
        if (r.bySource() != null) {
            credentials.releaseAttempt(AttemptSubject.SOURCE, r.sourceKey(), r.bySource().attempts().firstFailedAt());
        }
    }

    /** Reserves one attempt; when it locks the subject, the lock is made progressive and logged. */
    private CredentialRepository.Reservation reserveOne(AttemptSubject subject, String key, String logged, Instant now,
                                                        int max) {
        Duration base = settings.lockout();
        CredentialRepository.Reservation r = credentials.reserveAttempt(subject, key, now, max, base, now.plus(base));
        LoginAttempts a = r.attempts();
        if (!r.granted() || a.lockedUntil() == null) {
            return r;
        }
        Duration length = lockLength(a.lockCount());
        if (length.compareTo(base) > 0) {
            credentials.extendLock(subject, key, a.lockCount(), now.plus(length));
            a = new LoginAttempts(a.usernameKey(), a.failedCount(), a.firstFailedAt(), now.plus(length), a.lockCount());
            r = new CredentialRepository.Reservation(true, a);
        }
        LOG.atWarn().setMessage("login_lock_set").addKeyValue("subject", subject.name().toLowerCase(Locale.ROOT))
                .addKeyValue(subject == AttemptSubject.USERNAME ? "username" : "source", logged)
                .addKeyValue("lock_count", a.lockCount()).addKeyValue("locked_until", a.lockedUntil()).log();
        return r;
    }

    /** {@return how long the {@code n}th lock lasts: the lockout doubled per earlier lock, capped} */
    private Duration lockLength(int lockCount) {
        Duration cap = settings.lockoutMax();
        Duration length = settings.lockout();
        for (int i = 1; i < lockCount && length.compareTo(cap) < 0; i++) {
            length = length.multipliedBy(2);
        }
        return length.compareTo(cap) > 0 ? cap : length;
    }

    /** {@return the stored key of a source: a keyed hash, so the store never holds client addresses} */
    private String sourceKey(String source) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(sourceSecret, "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(source.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JDK", e);
        }
    }

    private static FleetgateException locked(AttemptSubject subject, String logged, LoginAttempts a, Instant now) {
        long retry = Math.max(1, Duration.between(now, a.lockedUntil()).toSeconds());
        TooManyAttemptsException.Reason reason = subject == AttemptSubject.USERNAME
                ? TooManyAttemptsException.Reason.USERNAME_LOCKED : TooManyAttemptsException.Reason.SOURCE_LOCKED;
        LOG.atInfo().setMessage("login_locked").addKeyValue("reason", reason.detail())
                .addKeyValue(subject == AttemptSubject.USERNAME ? "username" : "source", logged)
                .addKeyValue("retry_after_s", retry).log();
        return new TooManyAttemptsException(reason, Duration.ofSeconds(retry),
                subject == AttemptSubject.USERNAME ? "too many wrong PINs; retry after " + retry + " s"
                        : "too many wrong PINs from this source; retry after " + retry + " s");
    }
}
