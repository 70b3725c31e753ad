package io.fleetgate.session;

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
     * {@return its failed-login count, if any}
     *
     * @param usernameKey a username as compared
     */
    Optional<LoginAttempts> findAttempts(String usernameKey);

    /**
     * Atomically counts one failure: a count whose window ({@code lockout} since the first failure)
     * has passed, or whose lock has ended, starts again at 1; reaching {@code maxAttempts} locks the
     * username until {@code now + lockout}.
     *
     * @param usernameKey a username as compared
     * @param now         the failure's instant
     * @param maxAttempts failures that lock
     * @param lockout     the window and the lock's length
     * @return the count after this failure
     */
    LoginAttempts recordFailure(String usernameKey, Instant now, int maxAttempts, Duration lockout);

    /**
     * Forgets the failures of a username (after a successful login, or an unlock).
     *
     * @param usernameKey a username as compared
     */
    void clearAttempts(String usernameKey);
}
