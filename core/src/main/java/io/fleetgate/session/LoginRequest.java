package io.fleetgate.session;

/**
 * A login attempt as received.
 *
 * @param username the login name
 * @param pin      the PIN
 * @param deviceId the device, as the host identifies it (1 to 64 characters)
 * @param source   an opaque key for where the request came from (the host passes the client
 *                 address), or {@code null}: failures are also counted per source, whatever the
 *                 username ({@code LOGIN_SOURCE_MAX_ATTEMPTS}); only its hash is stored
 */
public record LoginRequest(String username, String pin, String deviceId, String source) {

    /**
     * A login without a source (counted per username only).
     *
     * @param username the login name
     * @param pin      the PIN
     * @param deviceId the device
     */
    public LoginRequest(String username, String pin, String deviceId) {
        this(username, pin, deviceId, null);
    }

    /** Keeps the PIN out of logs. */
    @Override
    public String toString() {
        return "LoginRequest[username=" + username + ", deviceId=" + deviceId + ", source=" + source + "]";
    }
}
