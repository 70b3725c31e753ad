package io.fleetgate;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * The tunable rules, immutable once built, shared by the services. Thread-safe.
 *
 * <p>Build explicitly with {@link #builder()} or from a map of names to text with
 * {@link #fromEnv(Map)} (hosts pass {@code System.getenv()}; the library never reads the
 * environment itself). Every invalid value is refused with an {@link IllegalArgumentException}
 * naming the setting.
 *
 * <table>
 * <caption>Settings</caption>
 * <tr><th>name</th><th>default</th><th>meaning</th></tr>
 * <tr><td>{@code CHARGER_RADIUS_M}</td><td>150</td><td>how close to a charger a driver must be to activate</td></tr>
 * <tr><td>{@code EXCLUSIVE_DURATION_MIN}</td><td>60</td><td>how long an exclusive session lasts</td></tr>
 * <tr><td>{@code MAX_ACCURACY_M}</td><td>100</td><td>the worst GPS accuracy accepted for activation</td></tr>
 * <tr><td>{@code UNKNOWN_ACCURACY}</td><td>assume_cap</td><td>an activation without {@code accuracy_m}: {@code assume_cap} takes it as exactly {@code MAX_ACCURACY_M} (accepted; the original contract made the field optional), {@code refuse} answers {@code ACCURACY_TOO_LOW}; see {@link UnknownAccuracy}</td></tr>
 * <tr><td>{@code EVENT_FUTURE_TOLERANCE_S}</td><td>300</td><td>how far ahead of the server clock an event's {@code recorded_at} may be</td></tr>
 * <tr><td>{@code EVENT_MAX_OFFLINE_AGE_H}</td><td>168</td><td>events recorded longer ago than this (7 days) are quarantined, not applied</td></tr>
 * <tr><td>{@code EVENT_SESSION_SKEW_S}</td><td>120</td><td>how far outside its session's lifetime a signed event's {@code recorded_at} may lie (device clock skew)</td></tr>
 * <tr><td>{@code MAX_SPEED_KMH}</td><td>200</td><td>speed between a driver's located events above which they are flagged (route hijack)</td></tr>
 * <tr><td>{@code SESSION_IDLE_TIMEOUT_MIN}</td><td>30</td><td>a device session ends after this long without an authenticated call</td></tr>
 * <tr><td>{@code SESSION_MAX_AGE_H}</td><td>12</td><td>a device session ends this long after login (a shift)</td></tr>
 * <tr><td>{@code LOGIN_MAX_ATTEMPTS}</td><td>5</td><td>wrong PINs for one username that lock it</td></tr>
 * <tr><td>{@code LOGIN_LOCKOUT_MIN}</td><td>15</td><td>how long a lock lasts, and the window failures are counted in</td></tr>
 * <tr><td>{@code LOGIN_LOCKOUT_MAX_MIN}</td><td>1440</td><td>the longest lock: each new lock of a name or source doubles the last, up to this</td></tr>
 * <tr><td>{@code LOGIN_SOURCE_MAX_ATTEMPTS}</td><td>30</td><td>wrong PINs from one source (client address) within the window that lock the source, whatever the usernames</td></tr>
 * <tr><td>{@code LOGIN_HASH_CONCURRENCY}</td><td>processors - 1 (at least 1)</td><td>PIN hashes computed at once by one service instance</td></tr>
 * <tr><td>{@code LOGIN_HASH_QUEUE}</td><td>8</td><td>logins that may wait for a hashing slot; beyond it a login is refused at once ({@code TOO_MANY_ATTEMPTS}, reason {@code login_busy})</td></tr>
 * <tr><td>{@code PIN_HASH_ITERATIONS}</td><td>600000</td><td>PBKDF2-HMAC-SHA256 iterations for new PIN hashes</td></tr>
 * <tr><td>{@code FLEETGATE_PIN_PEPPER}</td><td>none</td><td>base64 secret (16+ bytes) mixed into PIN hashes; keep it outside the database</td></tr>
 * <tr><td>{@code FLEETGATE_SIGNING_SECRET}</td><td>none</td><td>base64 secret (32+ bytes) from which each session's event-signing key is derived; required for logins</td></tr>
 * </table>
 */
public final class FleetgateSettings {
    /** Name of the charger radius setting. */
    public static final String CHARGER_RADIUS_M = "CHARGER_RADIUS_M";
    /** Name of the exclusive session duration setting. */
    public static final String EXCLUSIVE_DURATION_MIN = "EXCLUSIVE_DURATION_MIN";
    /** Name of the accuracy cap setting. */
    public static final String MAX_ACCURACY_M = "MAX_ACCURACY_M";
    /** Name of the rule for an activation that reports no accuracy. */
    public static final String UNKNOWN_ACCURACY = "UNKNOWN_ACCURACY";
    /** Name of the future tolerance for event timestamps. */
    public static final String EVENT_FUTURE_TOLERANCE_S = "EVENT_FUTURE_TOLERANCE_S";
    /** Name of the longest time between an event's {@code recorded_at} and its sync. */
    public static final String EVENT_MAX_OFFLINE_AGE_H = "EVENT_MAX_OFFLINE_AGE_H";
    /** Name of the clock skew allowed around a session's lifetime for signed events. */
    public static final String EVENT_SESSION_SKEW_S = "EVENT_SESSION_SKEW_S";
    /** Name of the implausible-speed threshold. */
    public static final String MAX_SPEED_KMH = "MAX_SPEED_KMH";
    /** Name of the session idle timeout. */
    public static final String SESSION_IDLE_TIMEOUT_MIN = "SESSION_IDLE_TIMEOUT_MIN";
    /** Name of the session's absolute lifetime. */
    public static final String SESSION_MAX_AGE_H = "SESSION_MAX_AGE_H";
    /** Name of the failed-login limit. */
    public static final String LOGIN_MAX_ATTEMPTS = "LOGIN_MAX_ATTEMPTS";
    /** Name of the lockout length. */
    public static final String LOGIN_LOCKOUT_MIN = "LOGIN_LOCKOUT_MIN";
    /** Name of the longest (progressive) lock. */
    public static final String LOGIN_LOCKOUT_MAX_MIN = "LOGIN_LOCKOUT_MAX_MIN";
    /** Name of the failed-login limit per source. */
    public static final String LOGIN_SOURCE_MAX_ATTEMPTS = "LOGIN_SOURCE_MAX_ATTEMPTS";
    /** Name of the number of PIN hashes computed at once. */
    public static final String LOGIN_HASH_CONCURRENCY = "LOGIN_HASH_CONCURRENCY";
    /** Name of the number of logins that may wait for a hashing slot. */
    public static final String LOGIN_HASH_QUEUE = "LOGIN_HASH_QUEUE";
    /** Name of the PIN hashing work factor. */
    public static final String PIN_HASH_ITERATIONS = "PIN_HASH_ITERATIONS";
    /** Name of the PIN pepper secret. */
    public static final String PIN_PEPPER = "FLEETGATE_PIN_PEPPER";
    /** Name of the event-signing secret. */
    public static final String SIGNING_SECRET = "FLEETGATE_SIGNING_SECRET";

    /** The longest exclusive session a setting may ask for. */
    public static final Duration MAX_EXCLUSIVE_DURATION = Duration.ofDays(1);

    private static final FleetgateSettings DEFAULTS = builder().build();

    private final double chargerRadiusM;
    private final Duration exclusiveDuration;
    private final double maxAccuracyM;
    private final UnknownAccuracy unknownAccuracy;
    private final Duration eventFutureTolerance;
    private final double maxSpeedKmh;
    private final Duration eventMaxOfflineAge;
    private final Duration eventSessionSkew;
    private final Duration sessionIdleTimeout;
    private final Duration sessionMaxAge;
    private final int loginMaxAttempts;
    private final Duration loginLockout;
    private final Duration loginLockoutMax;
    private final int loginSourceMaxAttempts;
    private final int loginHashConcurrency;
    private final int loginHashQueue;
    private final int pinHashIterations;
    private final byte[] pinPepper;
    private final byte[] signingSecret;

    private FleetgateSettings(Builder b) {
        this.sessionIdleTimeout = b.sessionIdleTimeout;
        this.sessionMaxAge = b.sessionMaxAge;
        this.loginMaxAttempts = b.loginMaxAttempts;
        this.loginLockout = b.loginLockout;
        this.loginLockoutMax = b.loginLockoutMax;
        this.loginSourceMaxAttempts = b.loginSourceMaxAttempts;
        this.loginHashConcurrency = b.loginHashConcurrency;
        this.loginHashQueue = b.loginHashQueue;
        this.pinHashIterations = b.pinHashIterations;
        this.pinPepper = b.pinPepper;
        this.signingSecret = b.signingSecret;
        this.chargerRadiusM = b.chargerRadiusM;
        this.exclusiveDuration = b.exclusiveDuration;
        this.maxAccuracyM = b.maxAccuracyM;
        this.unknownAccuracy = b.unknownAccuracy;
        this.eventFutureTolerance = b.eventFutureTolerance;
        this.maxSpeedKmh = b.maxSpeedKmh;
        this.eventMaxOfflineAge = b.eventMaxOfflineAge;
        this.eventSessionSkew = b.eventSessionSkew;
    }


    /** {@return the defaults} */
    public static FleetgateSettings defaults() {
        return DEFAULTS;
    }

    /** {@return a builder holding the defaults} */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Reads the settings from a map such as {@code System.getenv()}; absent names keep their
     * defaults, other names are ignored.
     *
     * @param env names to text values
     * @return the settings
     * @throws IllegalArgumentException naming the setting whose value is not valid
     */
    public static FleetgateSettings fromEnv(Map<String, String> env) {
        Objects.requireNonNull(env, "env");
        Builder b = builder();
        read(env, CHARGER_RADIUS_M, Double::parseDouble, b::chargerRadiusMeters);
        read(env, EXCLUSIVE_DURATION_MIN, Long::parseLong, m -> b.exclusiveDuration(Duration.ofMinutes(m)));
        read(env, MAX_ACCURACY_M, Double::parseDouble, b::maxAccuracyMeters);
        read(env, UNKNOWN_ACCURACY, t -> t, t -> b.unknownAccuracy(UnknownAccuracy.parse(t)));
        read(env, EVENT_FUTURE_TOLERANCE_S, Long::parseLong, s -> b.eventFutureTolerance(Duration.ofSeconds(s)));
        read(env, MAX_SPEED_KMH, Double::parseDouble, b::maxSpeedKmh);
        read(env, EVENT_MAX_OFFLINE_AGE_H, Long::parseLong, h -> b.eventMaxOfflineAge(Duration.ofHours(h)));
        read(env, EVENT_SESSION_SKEW_S, Long::parseLong, sk -> b.eventSessionSkew(Duration.ofSeconds(sk)));
        read(env, SESSION_IDLE_TIMEOUT_MIN, Long::parseLong, m -> b.sessionIdleTimeout(Duration.ofMinutes(m)));
        read(env, SESSION_MAX_AGE_H, Long::parseLong, h -> b.sessionMaxAge(Duration.ofHours(h)));
        read(env, LOGIN_MAX_ATTEMPTS, Integer::parseInt, b::loginMaxAttempts);
        read(env, LOGIN_LOCKOUT_MIN, Long::parseLong, m -> b.loginLockout(Duration.ofMinutes(m)));
        read(env, LOGIN_LOCKOUT_MAX_MIN, Long::parseLong, m -> b.loginLockoutMax(Duration.ofMinutes(m)));
        read(env, LOGIN_SOURCE_MAX_ATTEMPTS, Integer::parseInt, b::loginSourceMaxAttempts);
        read(env, LOGIN_HASH_CONCURRENCY, Integer::parseInt, b::loginHashConcurrency);
        read(env, LOGIN_HASH_QUEUE, Integer::parseInt, b::loginHashQueue);
        read(env, PIN_HASH_ITERATIONS, Integer::parseInt, b::pinHashIterations);
        readSecret(env, PIN_PEPPER, b::pinPepper);
        readSecret(env, SIGNING_SECRET, b::signingSecret);
        return b.build();
    }

    private static <T> void read(Map<String, String> env, String name, Function<String, T> parse,
                                 java.util.function.Consumer<T> set) {
        String text = env.get(name);
        if (text == null) {
            return;
        }
        T value;
        try {
            value = parse.apply(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a number, got '" + text + "'", e);
        }
        try {
            set.accept(value);
        } catch (IllegalArgumentException | ArithmeticException e) {
            String why = e instanceof ArithmeticException ? name + " is out of range" : e.getMessage();
            throw new IllegalArgumentException(why + ", got '" + text + "'", e);
        }
    }

    /** {@return how close to a charger a driver must be to activate, metres} */
    public double chargerRadiusM() {
        return chargerRadiusM;
    }

    private static void readSecret(Map<String, String> env, String name, java.util.function.Consumer<byte[]> set) {
        String text = env.get(name);
        if (text == null || text.isBlank()) {
            return;
        }
        byte[] value;
        try {
            value = java.util.Base64.getDecoder().decode(text.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + " must be base64", e);
        }
        set.accept(value);
    }

    /** {@return how long an exclusive session lasts from activation} */
    public Duration exclusiveDuration() {
        return exclusiveDuration;
    }

    /** {@return the worst reported GPS accuracy accepted for activation, metres} */
    public double maxAccuracyM() {
        return maxAccuracyM;
    }

    /** {@return what an activation without a reported accuracy gets} */
    public UnknownAccuracy unknownAccuracy() {
        return unknownAccuracy;
    }

    /** {@return how long a device session may go without an authenticated call} */
    public Duration sessionIdleTimeout() {
        return sessionIdleTimeout;
    }

    /** {@return how long a device session lasts at most} */
    public Duration sessionMaxAge() {
        return sessionMaxAge;
    }

    /** {@return wrong PINs for one username that lock it} */
    public int loginMaxAttempts() {
        return loginMaxAttempts;
    }

    /** {@return how long a lock lasts, and the window failures are counted in} */
    public Duration loginLockout() {
        return loginLockout;
    }

    /** {@return the longest lock; each new lock doubles the last up to this (never shorter than {@link #loginLockout()})} */
    public Duration loginLockoutMax() {
        return loginLockoutMax.compareTo(loginLockout) < 0 ? loginLockout : loginLockoutMax;
    }

    /** {@return wrong PINs from one source within the window that lock the source} */
    public int loginSourceMaxAttempts() {
        return loginSourceMaxAttempts;
    }

    /** {@return PIN hashes one service instance computes at once} */
    public int loginHashConcurrency() {
        return loginHashConcurrency;
    }

    /** {@return logins that may wait for a hashing slot before further ones are refused at once} */
    public int loginHashQueue() {
        return loginHashQueue;
    }

    /** {@return PBKDF2 iterations for new PIN hashes} */
    public int pinHashIterations() {
        return pinHashIterations;
    }

    /** {@return a copy of the PIN pepper, or {@code null} when none is set} */
    public byte[] pinPepper() {
        return pinPepper == null ? null : pinPepper.clone();
    }

    /** {@return a copy of the event-signing secret, or {@code null} when none is set} */
    public byte[] signingSecret() {
        return signingSecret == null ? null : signingSecret.clone();
    }

    /** {@return how far ahead of the server clock an event's {@code recorded_at} may be} */
    public Duration eventFutureTolerance() {
        return eventFutureTolerance;
    }

    /** {@return how long after its {@code recorded_at} an event may still be applied; older ones are quarantined} */
    public Duration eventMaxOfflineAge() {
        return eventMaxOfflineAge;
    }

    /** {@return how far outside its session's lifetime a signed event's {@code recorded_at} may lie} */
    public Duration eventSessionSkew() {
        return eventSessionSkew;
    }


    /** {@return the speed between a driver's located events above which they are flagged, km/h} */
    public double maxSpeedKmh() {
        return maxSpeedKmh;
    }

    @Override
    public String toString() {
        return "FleetgateSettings{" + CHARGER_RADIUS_M + "=" + chargerRadiusM
                + ", " + EXCLUSIVE_DURATION_MIN + "=" + exclusiveDuration.toMinutes()
                + ", " + MAX_ACCURACY_M + "=" + maxAccuracyM
                + ", " + UNKNOWN_ACCURACY + "=" + unknownAccuracy.setting()
                + ", " + EVENT_FUTURE_TOLERANCE_S + "=" + eventFutureTolerance.toSeconds()
                + ", " + MAX_SPEED_KMH + "=" + maxSpeedKmh
                + ", " + EVENT_MAX_OFFLINE_AGE_H + "=" + eventMaxOfflineAge.toHours()
                + ", " + EVENT_SESSION_SKEW_S + "=" + eventSessionSkew.toSeconds()
                + ", " + SESSION_IDLE_TIMEOUT_MIN + "=" + sessionIdleTimeout.toMinutes()
                + ", " + SESSION_MAX_AGE_H + "=" + sessionMaxAge.toHours()
                + ", " + LOGIN_MAX_ATTEMPTS + "=" + loginMaxAttempts
                + ", " + LOGIN_LOCKOUT_MIN + "=" + loginLockout.toMinutes()
                + ", " + LOGIN_LOCKOUT_MAX_MIN + "=" + loginLockoutMax().toMinutes()
                + ", " + LOGIN_SOURCE_MAX_ATTEMPTS + "=" + loginSourceMaxAttempts
                + ", " + LOGIN_HASH_CONCURRENCY + "=" + loginHashConcurrency
                + ", " + LOGIN_HASH_QUEUE + "=" + loginHashQueue
                + ", " + PIN_HASH_ITERATIONS + "=" + pinHashIterations
                + ", " + PIN_PEPPER + "=" + (pinPepper == null ? "unset" : "set")
                + ", " + SIGNING_SECRET + "=" + (signingSecret == null ? "unset" : "set") + "}";
    }

    /** Builds {@link FleetgateSettings}; not thread-safe. */
    public static final class Builder {
        private double chargerRadiusM = 150;
        private Duration exclusiveDuration = Duration.ofMinutes(60);
        private double maxAccuracyM = 100;
        private UnknownAccuracy unknownAccuracy = UnknownAccuracy.ASSUME_CAP;
        private Duration eventFutureTolerance = Duration.ofMinutes(5);
        private double maxSpeedKmh = 200;
        private Duration eventMaxOfflineAge = Duration.ofDays(7);
        private Duration eventSessionSkew = Duration.ofMinutes(2);
        private Duration sessionIdleTimeout = Duration.ofMinutes(30);
        private Duration sessionMaxAge = Duration.ofHours(12);
        private int loginMaxAttempts = 5;
        private Duration loginLockout = Duration.ofMinutes(15);
        private Duration loginLockoutMax = Duration.ofDays(1);
        private int loginSourceMaxAttempts = 30;
        private int loginHashConcurrency = Math.max(1, Runtime.getRuntime().availableProcessors() - 1);
        private int loginHashQueue = 8;
        private int pinHashIterations = 600_000;
        private byte[] pinPepper;
        private byte[] signingSecret;

        private Builder() {
        }

        /**
         * {@return this builder}
         *
         * @param timeout one minute to one day
         * @throws IllegalArgumentException naming {@code SESSION_IDLE_TIMEOUT_MIN} if out of range
         */
        public Builder sessionIdleTimeout(Duration timeout) {
            this.sessionIdleTimeout = between(SESSION_IDLE_TIMEOUT_MIN, timeout, Duration.ofMinutes(1), Duration.ofDays(1));
            return this;
        }

        /**
         * {@return this builder}
         *
         * @param age one hour to 30 days
         * @throws IllegalArgumentException naming {@code SESSION_MAX_AGE_H} if out of range
         */
        public Builder sessionMaxAge(Duration age) {
            this.sessionMaxAge = between(SESSION_MAX_AGE_H, age, Duration.ofHours(1), Duration.ofDays(30));
            return this;
        }

        /**
         * {@return this builder}
         *
         * @param attempts 1 to 100
         * @throws IllegalArgumentException naming {@code LOGIN_MAX_ATTEMPTS} if out of range
         */
        public Builder loginMaxAttempts(int attempts) {
            if (attempts < 1 || attempts > 100) {
                throw new IllegalArgumentException(LOGIN_MAX_ATTEMPTS + " must be between 1 and 100");
            }
            this.loginMaxAttempts = attempts;
            return this;
        }

        /**
         * {@return this builder}
         *
         * @param lockout one minute to one day
         * @throws IllegalArgumentException naming {@code LOGIN_LOCKOUT_MIN} if out of range
         */
        public Builder loginLockout(Duration lockout) {
            this.loginLockout = between(LOGIN_LOCKOUT_MIN, lockout, Duration.ofMinutes(1), Duration.ofDays(1));
            return this;
        }

        /**
         * {@return this builder}
         *
         * @param longest one minute to 30 days; a value below {@code LOGIN_LOCKOUT_MIN} means locks do not grow
         * @throws IllegalArgumentException naming {@code LOGIN_LOCKOUT_MAX_MIN} if out of range
         */
        public Builder loginLockoutMax(Duration longest) {
            this.loginLockoutMax = between(LOGIN_LOCKOUT_MAX_MIN, longest, Duration.ofMinutes(1), Duration.ofDays(30));
            return this;
        }

        /**
         * {@return this builder}
         *
         * @param attempts 1 to 10,000
         * @throws IllegalArgumentException naming {@code LOGIN_SOURCE_MAX_ATTEMPTS} if out of range
         */
        public Builder loginSourceMaxAttempts(int attempts) {
            if (attempts < 1 || attempts > 10_000) {
                throw new IllegalArgumentException(LOGIN_SOURCE_MAX_ATTEMPTS + " must be between 1 and 10000");
            }
            this.loginSourceMaxAttempts = attempts;
            return this;
        }

        /**
         * {@return this builder}
         *
         * @param hashes 1 to 1,024
         * @throws IllegalArgumentException naming {@code LOGIN_HASH_CONCURRENCY} if out of range
         */
        public Builder loginHashConcurrency(int hashes) {
            if (hashes < 1 || hashes > 1_024) {
                throw new IllegalArgumentException(LOGIN_HASH_CONCURRENCY + " must be between 1 and 1024");
            }
            this.loginHashConcurrency = hashes;
            return this;
        }

        /**
         * {@return this builder}
         *
         * @param waiting 0 to 10,000 (0: a login that finds every slot taken is refused at once)
         * @throws IllegalArgumentException naming {@code LOGIN_HASH_QUEUE} if out of range
         */
        public Builder loginHashQueue(int waiting) {
            if (waiting < 0 || waiting > 10_000) {
                throw new IllegalArgumentException(LOGIN_HASH_QUEUE + " must be between 0 and 10000");
            }
            this.loginHashQueue = waiting;
            return this;
        }

        /**
         * {@return this builder}
         *
         * @param iterations 1,000 to 10,000,000; production wants the default 600,000
         * @throws IllegalArgumentException naming {@code PIN_HASH_ITERATIONS} if out of range
         */
        public Builder pinHashIterations(int iterations) {
            if (iterations < 1_000 || iterations > 10_000_000) {
                throw new IllegalArgumentException(PIN_HASH_ITERATIONS + " must be between 1000 and 10000000");
            }
            this.pinHashIterations = iterations;
            return this;
        }

        /**
         * {@return this builder}
         *
         * @param pepper at least 16 bytes, or {@code null} for none
         * @throws IllegalArgumentException naming {@code FLEETGATE_PIN_PEPPER} if too short
         */
        public Builder pinPepper(byte[] pepper) {
            if (pepper != null && pepper.length < 16) {
                throw new IllegalArgumentException(PIN_PEPPER + " must be at least 16 bytes");
            }
            this.pinPepper = pepper == null ? null : pepper.clone();
            return this;
        }

        /**
         * {@return this builder}
         *
         * @param secret at least 32 bytes, or {@code null} for none
         * @throws IllegalArgumentException naming {@code FLEETGATE_SIGNING_SECRET} if too short
         */
        public Builder signingSecret(byte[] secret) {
            if (secret != null && secret.length < 32) {
                throw new IllegalArgumentException(SIGNING_SECRET + " must be at least 32 bytes");
            }
            this.signingSecret = secret == null ? null : secret.clone();
            return this;
        }

        private static Duration between(String name, Duration value, Duration min, Duration max) {
            Objects.requireNonNull(value, name);
            if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
                throw new IllegalArgumentException(name + " is out of range");
            }
            return value;
        }

        /**
         * {@return this builder}
         *
         * @param age one hour to 365 days
         * @throws IllegalArgumentException naming {@code EVENT_MAX_OFFLINE_AGE_H} if out of range
         */
        public Builder eventMaxOfflineAge(Duration age) {
            Objects.requireNonNull(age, EVENT_MAX_OFFLINE_AGE_H);
            if (age.compareTo(Duration.ofHours(1)) < 0 || age.compareTo(Duration.ofDays(365)) > 0) {
                throw new IllegalArgumentException(EVENT_MAX_OFFLINE_AGE_H + " must be between 1 and 8760");
            }
            this.eventMaxOfflineAge = age;
            return this;
        }

        /**
         * {@return this builder}
         *
         * @param skew 0 to one hour
         * @throws IllegalArgumentException naming {@code EVENT_SESSION_SKEW_S} if out of range
         */
        public Builder eventSessionSkew(Duration skew) {
            Objects.requireNonNull(skew, EVENT_SESSION_SKEW_S);
            if (skew.isNegative() || skew.compareTo(Duration.ofHours(1)) > 0) {
                throw new IllegalArgumentException(EVENT_SESSION_SKEW_S + " must be between 0 and 3600");
            }
            this.eventSessionSkew = skew;
            return this;
        }


        /**
         * {@return this builder}
         *
         * @param tolerance 0 to one day
         * @throws IllegalArgumentException naming {@code EVENT_FUTURE_TOLERANCE_S} if out of range
         */
        public Builder eventFutureTolerance(Duration tolerance) {
            Objects.requireNonNull(tolerance, EVENT_FUTURE_TOLERANCE_S);
            if (tolerance.isNegative() || tolerance.compareTo(Duration.ofDays(1)) > 0) {
                throw new IllegalArgumentException(EVENT_FUTURE_TOLERANCE_S + " must be between 0 and 86400");
            }
            this.eventFutureTolerance = tolerance;
            return this;
        }

        /**
         * {@return this builder}
         *
         * @param kmh greater than 0
         * @throws IllegalArgumentException naming {@code MAX_SPEED_KMH} if not positive and finite
         */
        public Builder maxSpeedKmh(double kmh) {
            this.maxSpeedKmh = positive(MAX_SPEED_KMH, kmh);
            return this;
        }

        /**
         * {@return this builder}
         *
         * @param metres greater than 0
         * @throws IllegalArgumentException naming {@code CHARGER_RADIUS_M} if not positive and finite
         */
        public Builder chargerRadiusMeters(double metres) {
            this.chargerRadiusM = positive(CHARGER_RADIUS_M, metres);
            return this;
        }

        /**
         * {@return this builder}
         *
         * @param duration at least one second, at most one day
         * @throws IllegalArgumentException naming {@code EXCLUSIVE_DURATION_MIN} if out of range
         */
        public Builder exclusiveDuration(Duration duration) {
            Objects.requireNonNull(duration, EXCLUSIVE_DURATION_MIN);
            if (duration.compareTo(Duration.ofSeconds(1)) < 0) {
                throw new IllegalArgumentException(EXCLUSIVE_DURATION_MIN + " must be positive");
            }
            if (duration.compareTo(MAX_EXCLUSIVE_DURATION) > 0) {
                throw new IllegalArgumentException(EXCLUSIVE_DURATION_MIN + " must be at most "
                        + MAX_EXCLUSIVE_DURATION.toMinutes() + " (one day)");
            }
            this.exclusiveDuration = duration;
            return this;
        }

        /**
         * {@return this builder}
         *
         * @param metres greater than 0
         * @throws IllegalArgumentException naming {@code MAX_ACCURACY_M} if not positive and finite
         */
        public Builder maxAccuracyMeters(double metres) {
            this.maxAccuracyM = positive(MAX_ACCURACY_M, metres);
            return this;
        }

        /**
         * {@return this builder}
         *
         * @param rule what an activation without {@code accuracy_m} gets ({@code UNKNOWN_ACCURACY})
         */
        public Builder unknownAccuracy(UnknownAccuracy rule) {
            this.unknownAccuracy = Objects.requireNonNull(rule, UNKNOWN_ACCURACY);
            return this;
        }

        /** {@return the settings} */
        public FleetgateSettings build() {
            return new FleetgateSettings(this);
        }

        private static double positive(String name, double value) {
            if (!(value > 0) || Double.isInfinite(value)) {
                throw new IllegalArgumentException(name + " must be a positive number");
            }
            return value;
        }
    }

    /**
     * What an activation that reports no GPS accuracy gets ({@code UNKNOWN_ACCURACY}). Review flags
     * on route events are not affected: an event without accuracy never gets the benefit of the
     * doubt there (its point alone is checked against the fence).
     */
    public enum UnknownAccuracy {
        /**
         * Taken as exactly {@code MAX_ACCURACY_M}: the accuracy check passes and the radius check
         * uses the point alone. The default, because the seed's contract makes {@code accuracy_m}
         * optional and existing clients omit it.
         */
        ASSUME_CAP,
        /** Refused with {@code ACCURACY_TOO_LOW}: for hosts whose phones always report accuracy. */
        REFUSE;

        /** {@return the setting's text, e.g. {@code assume_cap}} */
        public String setting() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        static UnknownAccuracy parse(String text) {
            for (UnknownAccuracy u : values()) {
                if (u.setting().equals(text.toLowerCase(java.util.Locale.ROOT))) {
                    return u;
                }
            }
            throw new IllegalArgumentException(UNKNOWN_ACCURACY + " must be assume_cap or refuse");
        }
    }
}
