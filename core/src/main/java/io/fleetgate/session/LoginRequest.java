package io.fleetgate.session;

/**
 * A login attempt as received.
 *
 * @param username the login name
 * @param pin      the PIN
 * @param deviceId the device, as the host identifies it (1 to 64 characters)
 */
public record LoginRequest(String username, String pin, String deviceId) {
    /** Keeps the PIN out of logs. */
    @Override
    public String toString() {
        return "LoginRequest[username=" + username + ", deviceId=" + deviceId + "]";
    }
}
