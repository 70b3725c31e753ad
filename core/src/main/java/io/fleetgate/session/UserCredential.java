package io.fleetgate.session;

import java.time.Instant;

/**
 * A user who can log in: a username and a PIN hash. Never holds the PIN. Immutable.
 *
 * @param userId      the host's user id
 * @param username    the username as enrolled
 * @param usernameKey the username as compared: trimmed and lower-cased
 * @param pinHash     the encoded PIN hash (PBKDF2, with its parameters)
 * @param createdAt   when enrolled
 * @param updatedAt   when the PIN last changed
 */
public record UserCredential(String userId, String username, String usernameKey, String pinHash,
                             Instant createdAt, Instant updatedAt) {

    /** Keeps the hash out of logs. */
    @Override
    public String toString() {
        return "UserCredential[userId=" + userId + ", username=" + username + "]";
    }
}
