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
 * </table>
 */
public final class FleetgateSettings {
    /** Name of the charger radius setting. */
    public static final String CHARGER_RADIUS_M = "CHARGER_RADIUS_M";
    /** Name of the exclusive session duration setting. */
    public static final String EXCLUSIVE_DURATION_MIN = "EXCLUSIVE_DURATION_MIN";
    /** Name of the accuracy cap setting. */
    public static final String MAX_ACCURACY_M = "MAX_ACCURACY_M";

    /** The longest exclusive session a setting may ask for. */
    public static final Duration MAX_EXCLUSIVE_DURATION = Duration.ofDays(1);

    private static final FleetgateSettings DEFAULTS = builder().build();

    private final double chargerRadiusM;
    private final Duration exclusiveDuration;
    private final double maxAccuracyM;

    private FleetgateSettings(Builder b) {
        this.chargerRadiusM = b.chargerRadiusM;
        this.exclusiveDuration = b.exclusiveDuration;
        this.maxAccuracyM = b.maxAccuracyM;
    }

    /** @return the defaults */
    public static FleetgateSettings defaults() {
        return DEFAULTS;
    }

    /** @return a builder holding the defaults */
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

    /** @return how close to a charger a driver must be to activate, metres */
    public double chargerRadiusM() {
        return chargerRadiusM;
    }

    /** @return how long an exclusive session lasts from activation */
    public Duration exclusiveDuration() {
        return exclusiveDuration;
    }

    /** @return the worst reported GPS accuracy accepted for activation, metres */
    public double maxAccuracyM() {
        return maxAccuracyM;
    }

    @Override
    public String toString() {
        return "FleetgateSettings{" + CHARGER_RADIUS_M + "=" + chargerRadiusM
                + ", " + EXCLUSIVE_DURATION_MIN + "=" + exclusiveDuration.toMinutes()
                + ", " + MAX_ACCURACY_M + "=" + maxAccuracyM + "}";
    }

    /** Builds {@link FleetgateSettings}; not thread-safe. */
    public static final class Builder {
        private double chargerRadiusM = 150;
        private Duration exclusiveDuration = Duration.ofMinutes(60);
        private double maxAccuracyM = 100;

        private Builder() {
        }

        /**
         * @param metres greater than 0
         * @return this builder
         * @throws IllegalArgumentException naming {@code CHARGER_RADIUS_M} if not positive and finite
         */
        public Builder chargerRadiusMeters(double metres) {
            this.chargerRadiusM = positive(CHARGER_RADIUS_M, metres);
            return this;
        }

        /**
         * @param duration at least one second, at most one day
         * @return this builder
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
         * @param metres greater than 0
         * @return this builder
         * @throws IllegalArgumentException naming {@code MAX_ACCURACY_M} if not positive and finite
         */
        public Builder maxAccuracyMeters(double metres) {
            this.maxAccuracyM = positive(MAX_ACCURACY_M, metres);
            return this;
        }

        /** @return the settings */
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
}
