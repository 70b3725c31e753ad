package io.fleetgate.session;

/**
 * A user to enrol. Validated by the service.
 *
 * @param userId   the host's user id
 * @param username the login name (1 to 64 characters; compared trimmed and lower-cased)
 * @param pin      6 to 32 digits
 */
public record EnrolRequest(String userId, String username, String pin) {
    /** Keeps the PIN out of logs. */
    @Override
    public String toString() {
        return "EnrolRequest[userId=" + userId + ", username=" + username + "]";
    }
}
