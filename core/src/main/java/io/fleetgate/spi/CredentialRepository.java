package io.fleetgate.spi;

import io.fleetgate.session.SecurityAuditEntry;
import io.fleetgate.session.UserCredential;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Storage of credentials and of failed-login counts. Counting is atomic in the store, so the
 * lockout holds across host instances. Methods never read a clock. Implementations are thread-safe.
 */
public interface CredentialRepository {

    /**
     * {@return false if the user id or the username key is taken (nothing written)}
     *
     * @param user a new user
     */
    boolean insertUser(UserCredential user);

    /**
     * {@return the user}
     *
     * @param usernameKey a username as compared
     */
    Optional<UserCredential> findByUsernameKey(String usernameKey);

    /**
     * {@return the user}
     *
     * @param userId a user id
     */
    Optional<UserCredential> findByUserId(String userId);

    /**
     * {@return false if there is no such user}
     *
     * @param userId  the user
     * @param pinHash the new encoded hash
     * @param now     the change's instant
     */
    boolean updatePinHash(String userId, String pinHash, Instant now);

    /**
     * {@return its attempt count, if any}
     *
     * @param subject     what the key names
     * @param key         a username as compared, or a source key
     */
    Optional<LoginAttempts> findAttempts(AttemptSubject subject, String key);

    /**
     * Reserves one login attempt, atomically (one statement in a database), before its PIN is
     * evaluated. While the subject is locked nothing changes and the reservation is refused.
     * Otherwise the attempt is counted: a count whose window ({@code window} since its first
     * attempt) has passed, or whose lock has ended, starts again at 1; the attempt that brings the
     * count to {@code maxAttempts} is granted and locks the subject until {@code lockEnd}, adding
     * one to {@link LoginAttempts#lockCount()}. However many reservations arrive at once, on any
     * number of store instances, at most {@code maxAttempts} are granted per window.
     *
     * @param subject     what the key names
     * @param key         a username as compared, or a source key
     * @param now         the attempt's instant
     * @param maxAttempts attempts that lock
     * @param window      how long a count lasts
     * @param lockEnd     the end of the lock this attempt may set (the caller may lengthen it with
     *                    {@link #extendLock})
     * @return whether the attempt may be evaluated, and the count after it
     */
    Reservation reserveAttempt(AttemptSubject subject, String key, Instant now, int maxAttempts, Duration window,
                               Instant lockEnd);

    /**
     * Lengthens a lock (progressive locks): sets {@code lockedUntil} if the subject still holds
     * lock number {@code lockCount} and it ends earlier. Never shortens a lock.
     *
     * @param subject     what the key names
     * @param key         a username as compared, or a source key
     * @param lockCount   the lock's number, as {@link #reserveAttempt} returned it
     * @param lockedUntil the new end
     */
    void extendLock(AttemptSubject subject, String key, int lockCount, Instant lockedUntil);

    /**
     * Gives back one reserved attempt of a window (a source's attempt that succeeded, or that was
     * refused for another reason before its PIN was evaluated): the count drops by one if the
     * window that began at {@code firstAttemptAt} is still the current one. A lock stays.
     *
     * @param subject        what the key names
     * @param key            a username as compared, or a source key
     * @param firstAttemptAt the window's start, as {@link #reserveAttempt} returned it
     */
    void releaseAttempt(AttemptSubject subject, String key, Instant firstAttemptAt);

    /**
     * Forgets the attempts and locks of a username (after a successful login, or an unlock), so
     * locks start again at their shortest.
     *
     * @param usernameKey a username as compared
     */
    void clearAttempts(String usernameKey);

    /**
     * Lifts a username's lock and records who did, in one transaction: the audit entry is written
     * if and only if the attempts are forgotten.
     *
     * @param usernameKey a username as compared
     * @param audit       one entry per workspace that should see the unlock (may be empty)
     */
    void unlock(String usernameKey, java.util.List<SecurityAuditEntry> audit);

    /**
     * {@return the workspace's security audit, oldest first}
     *
     * @param workspaceId a workspace
     */
    java.util.List<SecurityAuditEntry> findSecurityAudit(String workspaceId);

    /**
     * The answer of {@link #reserveAttempt}.
     *
     * @param granted  whether this attempt may be evaluated (false: the subject is locked, nothing changed)
     * @param attempts the subject's count after the reservation
     */
    record Reservation(boolean granted, LoginAttempts attempts) {
    }
}
