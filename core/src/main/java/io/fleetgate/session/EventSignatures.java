package io.fleetgate.session;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Objects;

/**
 * Signatures over events recorded offline.
 *
 * <p>Each session's signing key is derived, not stored: {@code HMAC-SHA256(secret,
 * "fleetgate/event-signing/v1/" + sessionId)} with the server secret {@code FLEETGATE_SIGNING_SECRET}.
 * A phone receives its key at login and signs each event as {@code base64(HMAC-SHA256(key,
 * canonical encoding))} ({@link io.fleetgate.execution.EventEncoding}). Because the key follows
 * from the session id, an event recorded under a session that has since timed out or been rotated
 * still verifies, and nothing secret sits in the database. Immutable and thread-safe.
 */
public final class EventSignatures {
    private static final String LABEL = "fleetgate/event-signing/v1/";

    private final byte[] secret;

    /**
     * Creates the helper from the server's signing secret.
     *
     * @param secret the server secret, at least 32 bytes
     * @throws IllegalArgumentException if missing or shorter
     */
    public EventSignatures(byte[] secret) {
        if (secret == null || secret.length < 32) {
            throw new IllegalArgumentException("FLEETGATE_SIGNING_SECRET must be set to at least 32 bytes (base64)");
        }
        this.secret = secret.clone();
    }

    /**
     * {@return the session's signing key, base64}
     *
     * @param sessionId a session id
     */
    public String keyFor(String sessionId) {
        return Base64.getEncoder().encodeToString(hmac(secret, LABEL + Objects.requireNonNull(sessionId, "sessionId")));
    }

    /**
     * {@return the signature, base64}
     *
     * @param key       a signing key, base64 (from {@link #keyFor})
     * @param canonical an event's canonical encoding
     */
    public static String sign(String key, String canonical) {
        return Base64.getEncoder().encodeToString(hmac(Base64.getDecoder().decode(key), canonical));
    }

    /**
     * {@return whether it is right (compared in constant time); false for malformed base64}
     *
     * @param sessionId the session the event names
     * @param canonical the event's canonical encoding
     * @param signature the signature it carries, base64
     */
    public boolean verify(String sessionId, String canonical, String signature) {
        byte[] given;
        try {
            given = Base64.getDecoder().decode(signature);
        } catch (IllegalArgumentException e) {
            return false;
        }
        byte[] key = hmac(secret, LABEL + sessionId);
        return MessageDigest.isEqual(hmac(key, canonical), given);
    }

    private static byte[] hmac(byte[] key, String message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(message.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JDK", e);
        }
    }
}
