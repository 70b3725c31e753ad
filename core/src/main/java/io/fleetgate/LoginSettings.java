package io.fleetgate;

import java.time.Duration;
import java.util.Arrays;

/**
 * The rules of logging in: how wrong PINs lock a name or a source, how much PIN hashing one
 * instance does at once, and how PINs are hashed. Immutable; change one value with a
 * {@code with…} method, which validates it. Every invalid value is refused with an
 * {@link IllegalArgumentException} naming the parameter and its environment setting.
 *
 * @param maxAttempts       wrong PINs for one username within {@code lockout} that lock it, 1 to 100
 *                          ({@code LOGIN_MAX_ATTEMPTS}, default 5)
 * @param lockout           how long a first lock lasts, and the window attempts are counted in, one
 *                          minute to one day ({@code LOGIN_LOCKOUT_MIN}, default 15 minutes)
 * @param lockoutMax        the longest lock: each new lock of a name or source doubles the last, up to
 *                          this, one minute to 30 days ({@code LOGIN_LOCKOUT_MAX_MIN}, default one day)
 * @param sourceMaxAttempts wrong PINs from one source (client address) within the window that lock
 *                          the source, whatever the names, 1 to 10,000 ({@code LOGIN_SOURCE_MAX_ATTEMPTS},
 *                          default 30)
 * @param hashConcurrency   PIN hashes one instance computes at once, 1 to 1,024
 *                          ({@code LOGIN_HASH_CONCURRENCY}, default processors − 1, at least 1)
 * @param hashQueue         logins that may wait for a hashing slot, 0 to 10,000; beyond, a login is
 *                          refused at once ({@code LOGIN_HASH_QUEUE}, default 8)
 * @param pinHashIterations PBKDF2-HMAC-SHA256 iterations of new PIN hashes, 1,000 to 10,000,000
 *                          ({@code PIN_HASH_ITERATIONS}, default 600,000)
 * @param pinPepper         a secret (16+ bytes) mixed into PIN hashes, kept outside the database, or
 *                          {@code null} for none ({@code FLEETGATE_PIN_PEPPER}, base64; default none)
 */
public record LoginSettings(int maxAttempts, Duration lockout, Duration lockoutMax, int sourceMaxAttempts,
                            int hashConcurrency, int hashQueue, int pinHashIterations, byte[] pinPepper) {
    private static final LoginSettings DEFAULTS = new LoginSettings(5, Duration.ofMinutes(15), Duration.ofDays(1), 30,
            Math.max(1, Runtime.getRuntime().availableProcessors() - 1), 8, 600_000, null);

    /**
     * Validates every value.
     *
     * @param maxAttempts see the class description
     * @param lockout see the class description
     * @param lockoutMax see the class description
     * @param sourceMaxAttempts see the class description
     * @param hashConcurrency see the class description
     * @param hashQueue see the class description
     * @param pinHashIterations see the class description
     * @param pinPepper see the class description
     * @throws IllegalArgumentException naming the parameter out of range
     */
    public LoginSettings {
        Settings.between("maxAttempts", FleetgateSettings.LOGIN_MAX_ATTEMPTS, maxAttempts, 1, 100);
        Settings.between("lockout", FleetgateSettings.LOGIN_LOCKOUT_MIN, lockout, Duration.ofMinutes(1),
                Duration.ofDays(1));
        Settings.between("lockoutMax", FleetgateSettings.LOGIN_LOCKOUT_MAX_MIN, lockoutMax, Duration.ofMinutes(1),
                Duration.ofDays(30));
        Settings.between("sourceMaxAttempts", FleetgateSettings.LOGIN_SOURCE_MAX_ATTEMPTS, sourceMaxAttempts, 1, 10_000);
        Settings.between("hashConcurrency", FleetgateSettings.LOGIN_HASH_CONCURRENCY, hashConcurrency, 1, 1_024);
        Settings.between("hashQueue", FleetgateSettings.LOGIN_HASH_QUEUE, hashQueue, 0, 10_000);
        Settings.between("pinHashIterations", FleetgateSettings.PIN_HASH_ITERATIONS, pinHashIterations, 1_000,
                10_000_000);
        pinPepper = Settings.secret("pinPepper", FleetgateSettings.PIN_PEPPER, pinPepper, 16);
    }

    /** {@return the defaults} */
    public static LoginSettings defaults() {
        return DEFAULTS;
    }

    /** {@return a copy of the pepper, or {@code null} for none} */
    @Override
    public byte[] pinPepper() {
        return pinPepper == null ? null : pinPepper.clone();
    }

    /**
     * Returns a copy of these settings with {@code maxAttempts} changed.
     *
     * @param attempts 1 to 100
     * @return these settings with that limit
     */
    public LoginSettings withMaxAttempts(int attempts) {
        return new LoginSettings(attempts, lockout, lockoutMax, sourceMaxAttempts, hashConcurrency, hashQueue,
                pinHashIterations, pinPepper);
    }

    /**
     * Returns a copy of these settings with {@code lockout} changed.
     *
     * @param length one minute to one day
     * @return these settings with that lockout
     */
    public LoginSettings withLockout(Duration length) {
        return new LoginSettings(maxAttempts, length, lockoutMax, sourceMaxAttempts, hashConcurrency, hashQueue,
                pinHashIterations, pinPepper);
    }

    /**
     * Returns a copy of these settings with {@code lockoutMax} changed.
     *
     * @param longest one minute to 30 days
     * @return these settings with that longest lock
     */
    public LoginSettings withLockoutMax(Duration longest) {
        return new LoginSettings(maxAttempts, lockout, longest, sourceMaxAttempts, hashConcurrency, hashQueue,
                pinHashIterations, pinPepper);
    }

    /**
     * Returns a copy of these settings with {@code sourceMaxAttempts} changed.
     *
     * @param attempts 1 to 10,000
     * @return these settings with that per-source limit
     */
    public LoginSettings withSourceMaxAttempts(int attempts) {
        return new LoginSettings(maxAttempts, lockout, lockoutMax, attempts, hashConcurrency, hashQueue,
                pinHashIterations, pinPepper);
    }

    /**
     * Returns a copy of these settings with {@code hashConcurrency} changed.
     *
     * @param hashes 1 to 1,024
     * @return these settings with that hashing concurrency
     */
    public LoginSettings withHashConcurrency(int hashes) {
        return new LoginSettings(maxAttempts, lockout, lockoutMax, sourceMaxAttempts, hashes, hashQueue,
                pinHashIterations, pinPepper);
    }

    /**
     * Returns a copy of these settings with {@code hashQueue} changed.
     *
     * @param waiting 0 to 10,000
     * @return these settings with that hashing queue
     */
    public LoginSettings withHashQueue(int waiting) {
        return new LoginSettings(maxAttempts, lockout, lockoutMax, sourceMaxAttempts, hashConcurrency, waiting,
                pinHashIterations, pinPepper);
    }

    /**
     * Returns a copy of these settings with {@code pinHashIterations} changed.
     *
     * @param iterations 1,000 to 10,000,000
     * @return these settings with that hashing cost
     */
    public LoginSettings withPinHashIterations(int iterations) {
        return new LoginSettings(maxAttempts, lockout, lockoutMax, sourceMaxAttempts, hashConcurrency, hashQueue,
                iterations, pinPepper);
    }

    /**
     * Returns a copy of these settings with {@code pinPepper} changed.
     *
     * @param pepper 16 bytes or more, or {@code null} for none
     * @return these settings with that pepper
     */
    public LoginSettings withPinPepper(byte[] pepper) {
        return new LoginSettings(maxAttempts, lockout, lockoutMax, sourceMaxAttempts, hashConcurrency, hashQueue,
                pinHashIterations, pepper);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LoginSettings l && maxAttempts == l.maxAttempts && lockout.equals(l.lockout)
                && lockoutMax.equals(l.lockoutMax) && sourceMaxAttempts == l.sourceMaxAttempts
                && hashConcurrency == l.hashConcurrency && hashQueue == l.hashQueue
                && pinHashIterations == l.pinHashIterations && Arrays.equals(pinPepper, l.pinPepper);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(maxAttempts, lockout, lockoutMax, sourceMaxAttempts, hashConcurrency, hashQueue,
                pinHashIterations, Arrays.hashCode(pinPepper));
    }

    /** {@return the settings, the pepper shown only as set or not} */
    @Override
    public String toString() {
        return "LoginSettings[maxAttempts=" + maxAttempts + ", lockout=" + lockout + ", lockoutMax=" + lockoutMax
                + ", sourceMaxAttempts=" + sourceMaxAttempts + ", hashConcurrency=" + hashConcurrency
                + ", hashQueue=" + hashQueue + ", pinHashIterations=" + pinHashIterations + ", pinPepper="
                + (pinPepper == null ? "none" : "set") + "]";
    }
}
