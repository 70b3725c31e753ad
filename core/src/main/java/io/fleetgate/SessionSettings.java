package io.fleetgate;

import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;

/**
 * The rules of device sessions: how long one lives, and the secret each session's event-signing
 * key is derived from. Immutable; change one value with a {@code with…} method, which validates it.
 * Every invalid value is refused with an {@link IllegalArgumentException} naming the parameter and
 * its environment setting.
 *
 * @param idleTimeout   a session ends after this long without an authenticated call, one minute
 *                      to one day ({@code SESSION_IDLE_TIMEOUT_MIN}, default 30 minutes)
 * @param maxAge        a session ends this long after login (a shift), one hour to 30 days
 *                      ({@code SESSION_MAX_AGE_H}, default 12 h)
 * @param signingSecret the secret (32+ bytes) each session's event-signing key is derived from;
 *                      required for logins ({@code FLEETGATE_SIGNING_SECRET}, base64; default none)
 */
public record SessionSettings(Duration idleTimeout, Duration maxAge, byte[] signingSecret) {
    private static final SessionSettings DEFAULTS = new SessionSettings(Duration.ofMinutes(30), Duration.ofHours(12), null);

    /**
     * Validates every value.
     *
     * @param idleTimeout see the class description
     * @param maxAge see the class description
     * @param signingSecret see the class description
     * @throws IllegalArgumentException naming the parameter out of range
     */
    public SessionSettings {
        Settings.between("idleTimeout", FleetgateSettings.SESSION_IDLE_TIMEOUT_MIN, idleTimeout, Duration.ofMinutes(1),
                Duration.ofDays(1));
        Settings.between("maxAge", FleetgateSettings.SESSION_MAX_AGE_H, maxAge, Duration.ofHours(1), Duration.ofDays(30));
        signingSecret = Settings.secret("signingSecret", FleetgateSettings.SIGNING_SECRET, signingSecret, 32);
    }

    /** {@return the defaults (no signing secret)} */
    public static SessionSettings defaults() {
        return DEFAULTS;
    }

    /** {@return a copy of the signing secret, or {@code null} for none} */
    @Override
    public byte[] signingSecret() {
        return signingSecret == null ? null : signingSecret.clone();
    }

    /**
     * Returns a copy of these settings with {@code idleTimeout} changed.
     *
     * @param timeout one minute to one day
     * @return these settings with that idle timeout
     */
    public SessionSettings withIdleTimeout(Duration timeout) {
        return new SessionSettings(timeout, maxAge, signingSecret);
    }

    /**
     * Returns a copy of these settings with {@code maxAge} changed.
     *
     * @param age one hour to 30 days
     * @return these settings with that lifetime
     */
    public SessionSettings withMaxAge(Duration age) {
        return new SessionSettings(idleTimeout, age, signingSecret);
    }

    /**
     * Returns a copy of these settings with {@code signingSecret} changed.
     *
     * @param secret 32 bytes or more, or {@code null} for none
     * @return these settings with that secret
     */
    public SessionSettings withSigningSecret(byte[] secret) {
        return new SessionSettings(idleTimeout, maxAge, secret);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SessionSettings s && idleTimeout.equals(s.idleTimeout) && maxAge.equals(s.maxAge)
                && Arrays.equals(signingSecret, s.signingSecret);
    }

    @Override
    public int hashCode() {
        return Objects.hash(idleTimeout, maxAge, Arrays.hashCode(signingSecret));
    }

    /** {@return the settings, the secret shown only as set or not} */
    @Override
    public String toString() {
        return "SessionSettings[idleTimeout=" + idleTimeout + ", maxAge=" + maxAge + ", signingSecret="
                + (signingSecret == null ? "none" : "set") + "]";
    }
}
