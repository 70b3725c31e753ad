package io.fleetgate.session;

/**
 * A successful login or refresh. Immutable. The token is shown once: the store keeps only its hash.
 *
 * @param token      the bearer token for later calls
 * @param session    the session
 * @param signingKey the session's event-signing key, base64
 */
public record LoginResult(String token, DeviceSession session, String signingKey) {
    /** Keeps the token and key out of logs. */
    @Override
    public String toString() {
        return "LoginResult[session=" + session + "]";
    }
}
