package io.fleetgate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FleetgateSettingsTest {

    @Test
    void defaultsWhenNothingConfiguredThen150Metres60Minutes100Metres() {
        FleetgateSettings s = FleetgateSettings.defaults();

        assertThat(s.chargerRadiusM()).isEqualTo(150.0);
        assertThat(s.exclusiveDuration()).isEqualTo(Duration.ofMinutes(60));
        assertThat(s.maxAccuracyM()).isEqualTo(100.0);
    }

    @Test
    void buildWhenBuilderUntouchedThenSameAsDefaults() {
        FleetgateSettings s = FleetgateSettings.builder().build();

        assertThat(s.chargerRadiusM()).isEqualTo(150.0);
        assertThat(s.exclusiveDuration()).isEqualTo(Duration.ofHours(1));
        assertThat(s.maxAccuracyM()).isEqualTo(100.0);
    }

    @Test
    void fromEnvWhenEmptyMapThenDefaults() {
        FleetgateSettings s = FleetgateSettings.fromEnv(Map.of());

        assertThat(s.chargerRadiusM()).isEqualTo(150.0);
        assertThat(s.exclusiveDuration()).isEqualTo(Duration.ofMinutes(60));
        assertThat(s.maxAccuracyM()).isEqualTo(100.0);
    }

    @Test
    void fromEnvWhenAllValuesGivenThenUsed() {
        FleetgateSettings s = FleetgateSettings.fromEnv(Map.of(
                "CHARGER_RADIUS_M", "250.5",
                "EXCLUSIVE_DURATION_MIN", "90",
                "MAX_ACCURACY_M", "35"));

        assertThat(s.chargerRadiusM()).isEqualTo(250.5);
        assertThat(s.exclusiveDuration()).isEqualTo(Duration.ofMinutes(90));
        assertThat(s.maxAccuracyM()).isEqualTo(35.0);
    }

    @Test
    void fromEnvWhenOnlyOneValueGivenThenOthersKeepDefaults() {
        FleetgateSettings s = FleetgateSettings.fromEnv(Map.of("EXCLUSIVE_DURATION_MIN", "1"));

        assertThat(s.exclusiveDuration()).isEqualTo(Duration.ofMinutes(1));
        assertThat(s.chargerRadiusM()).isEqualTo(150.0);
        assertThat(s.maxAccuracyM()).isEqualTo(100.0);
    }

    @Test
    void fromEnvWhenValuesHaveSurroundingWhitespaceThenTrimmed() {
        FleetgateSettings s = FleetgateSettings.fromEnv(Map.of(
                "CHARGER_RADIUS_M", " 75 ",
                "EXCLUSIVE_DURATION_MIN", "\t15\n",
                "MAX_ACCURACY_M", " 20.25"));

        assertThat(s.chargerRadiusM()).isEqualTo(75.0);
        assertThat(s.exclusiveDuration()).isEqualTo(Duration.ofMinutes(15));
        assertThat(s.maxAccuracyM()).isEqualTo(20.25);
    }

    @Test
    void fromEnvWhenUnrelatedKeysPresentThenIgnored() {
        Map<String, String> env = new HashMap<>();
        env.put("PATH", "/usr/bin:/bin");
        env.put("HOME", "not a number");
        env.put("charger_radius_m", "abc");
        env.put("CHARGER_RADIUS", "-1");
        env.put("FLEETGATE_MAX_ACCURACY_M", "0");
        env.put("MAX_ACCURACY_M ", "x");
        env.put("EXCLUSIVE_DURATION_MIN_X", "1.5");

        FleetgateSettings s = FleetgateSettings.fromEnv(env);

        assertThat(s.chargerRadiusM()).isEqualTo(150.0);
        assertThat(s.exclusiveDuration()).isEqualTo(Duration.ofMinutes(60));
        assertThat(s.maxAccuracyM()).isEqualTo(100.0);
    }

    @Test
    void fromEnvWhenUnrelatedKeysBesideValidOnesThenValidOnesUsed() {
        FleetgateSettings s = FleetgateSettings.fromEnv(Map.of(
                "CHARGER_RADIUS_M", "300",
                "SOMETHING_ELSE", "garbage"));

        assertThat(s.chargerRadiusM()).isEqualTo(300.0);
    }

    @Test
    void fromEnvWhenMapNullThenNullPointerException() {
        assertThatThrownBy(() -> FleetgateSettings.fromEnv(null)).isInstanceOf(NullPointerException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "0", "-5", "NaN", "", "Infinity", "-Infinity", "  ", "0.0", "-0", "1e400"})
    void fromEnvWhenChargerRadiusInvalidThenIllegalArgumentNamingIt(String value) {
        assertThatThrownBy(() -> FleetgateSettings.fromEnv(Map.of("CHARGER_RADIUS_M", value)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("CHARGER_RADIUS_M")
                .hasMessageContaining("'" + value + "'");
    }

    @Test
    void fromEnvWhenUnknownAccuracyGivenThenReadInAnyCaseAndInvalidNamed() {
        assertThat(FleetgateSettings.defaults().unknownAccuracy()).isEqualTo(FleetgateSettings.UnknownAccuracy.ASSUME_CAP);
        assertThat(FleetgateSettings.fromEnv(Map.of("UNKNOWN_ACCURACY", " Refuse ")).unknownAccuracy())
                .isEqualTo(FleetgateSettings.UnknownAccuracy.REFUSE);
        assertThatThrownBy(() -> FleetgateSettings.fromEnv(Map.of("UNKNOWN_ACCURACY", "ignore")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("UNKNOWN_ACCURACY").hasMessageContaining("'ignore'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "0", "-5", "NaN", "", "Infinity", "-Infinity", "  ", "0.0", "-0", "1e400"})
    void fromEnvWhenMaxAccuracyInvalidThenIllegalArgumentNamingIt(String value) {
        assertThatThrownBy(() -> FleetgateSettings.fromEnv(Map.of("MAX_ACCURACY_M", value)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("MAX_ACCURACY_M")
                .hasMessageContaining("'" + value + "'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.5", "0", "-1", "x", "", " ", "60m", "1e2", "99999999999999999999", "1441", "153722867280912931"})
    void fromEnvWhenExclusiveDurationInvalidThenIllegalArgumentNamingIt(String value) {
        assertThatThrownBy(() -> FleetgateSettings.fromEnv(Map.of("EXCLUSIVE_DURATION_MIN", value)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("EXCLUSIVE_DURATION_MIN")
                .hasMessageContaining("'" + value + "'");
    }

    @Test
    void fromEnvWhenOneOfSeveralValuesInvalidThenErrorNamesOnlyTheBadSetting() {
        assertThatThrownBy(() -> FleetgateSettings.fromEnv(Map.of(
                "CHARGER_RADIUS_M", "150",
                "EXCLUSIVE_DURATION_MIN", "60",
                "MAX_ACCURACY_M", "-3")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("MAX_ACCURACY_M")
                .hasMessageNotContaining("CHARGER_RADIUS_M")
                .hasMessageNotContaining("EXCLUSIVE_DURATION_MIN");
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.0, -0.0, -5, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY})
    void chargerRadiusMetersWhenNotPositiveFiniteThenIllegalArgumentNamingIt(double value) {
        FleetgateSettings.Builder b = FleetgateSettings.builder();

        assertThatThrownBy(() -> b.chargerRadiusMeters(value))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("CHARGER_RADIUS_M");
        assertThat(b.build().chargerRadiusM()).as("rejected value not kept").isEqualTo(150.0);
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.0, -0.0, -5, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY})
    void maxAccuracyMetersWhenNotPositiveFiniteThenIllegalArgumentNamingIt(double value) {
        FleetgateSettings.Builder b = FleetgateSettings.builder();

        assertThatThrownBy(() -> b.maxAccuracyMeters(value))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("MAX_ACCURACY_M");
        assertThat(b.build().maxAccuracyM()).as("rejected value not kept").isEqualTo(100.0);
    }

    @Test
    void exclusiveDurationWhenShorterThanOneSecondThenIllegalArgumentNamingIt() {
        for (Duration d : new Duration[] {Duration.ZERO, Duration.ofMillis(999), Duration.ofMinutes(-1),
                Duration.ofNanos(-1)}) {
            FleetgateSettings.Builder b = FleetgateSettings.builder();
            assertThatThrownBy(() -> b.exclusiveDuration(d))
                    .as(d.toString())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("EXCLUSIVE_DURATION_MIN");
            assertThat(b.build().exclusiveDuration()).isEqualTo(Duration.ofMinutes(60));
        }
    }

    @Test
    void exclusiveDurationWhenNullThenNullPointerNamingIt() {
        assertThatThrownBy(() -> FleetgateSettings.builder().exclusiveDuration(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("EXCLUSIVE_DURATION_MIN");
    }

    @Test
    void buildWhenValidValuesSetThenKept() {
        FleetgateSettings s = FleetgateSettings.builder()
                .chargerRadiusMeters(Double.MIN_VALUE)
                .exclusiveDuration(Duration.ofSeconds(1))
                .maxAccuracyMeters(Double.MAX_VALUE)
                .build();

        assertThat(s.chargerRadiusM()).isEqualTo(Double.MIN_VALUE);
        assertThat(s.exclusiveDuration()).isEqualTo(Duration.ofSeconds(1));
        assertThat(s.maxAccuracyM()).isEqualTo(Double.MAX_VALUE);
    }

    @Test
    void toStringWhenDefaultsThenListsEachSettingByName() {
        assertThat(FleetgateSettings.defaults().toString())
                .isEqualTo("FleetgateSettings{CHARGER_RADIUS_M=150.0, EXCLUSIVE_DURATION_MIN=60, MAX_ACCURACY_M=100.0, UNKNOWN_ACCURACY=assume_cap, "
                        + "EVENT_FUTURE_TOLERANCE_S=300, MAX_SPEED_KMH=200.0, EVENT_MAX_OFFLINE_AGE_H=168, EVENT_SESSION_SKEW_S=120, SESSION_IDLE_TIMEOUT_MIN=30, "
                        + "SESSION_MAX_AGE_H=12, LOGIN_MAX_ATTEMPTS=5, LOGIN_LOCKOUT_MIN=15, "
                        + "LOGIN_LOCKOUT_MAX_MIN=1440, LOGIN_SOURCE_MAX_ATTEMPTS=30, LOGIN_HASH_CONCURRENCY="
                        + Math.max(1, Runtime.getRuntime().availableProcessors() - 1) + ", LOGIN_HASH_QUEUE=8, "
                        + "PIN_HASH_ITERATIONS=600000, "
                        + "FLEETGATE_PIN_PEPPER=unset, FLEETGATE_SIGNING_SECRET=unset}");
    }

    @Test
    void toStringWhenSecretsSetThenNeverShowsThem() {
        String text = FleetgateSettings.fromEnv(Map.of(
                "FLEETGATE_SIGNING_SECRET", "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
                "FLEETGATE_PIN_PEPPER", "cGVwcGVyLW9mLTE2LWJ5dGVzIQ==")).toString();
        assertThat(text).contains("FLEETGATE_SIGNING_SECRET=set", "FLEETGATE_PIN_PEPPER=set")
                .doesNotContain("MDEy").doesNotContain("cGVw").doesNotContain("0123456789");
    }

    @Test
    void fromEnvWhenSessionSettingsGivenThenReadAndSecretsDecoded() {
        FleetgateSettings s = FleetgateSettings.fromEnv(Map.of("SESSION_IDLE_TIMEOUT_MIN", "10",
                "SESSION_MAX_AGE_H", "8", "LOGIN_MAX_ATTEMPTS", "3", "LOGIN_LOCKOUT_MIN", "5",
                "PIN_HASH_ITERATIONS", "310000",
                "FLEETGATE_SIGNING_SECRET", "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
                "LOGIN_LOCKOUT_MAX_MIN", "120", "LOGIN_SOURCE_MAX_ATTEMPTS", "7", "LOGIN_HASH_CONCURRENCY", "3",
                "LOGIN_HASH_QUEUE", "0"));
        assertThat(s.loginLockoutMax()).isEqualTo(java.time.Duration.ofMinutes(120));
        assertThat(s.loginSourceMaxAttempts()).isEqualTo(7);
        assertThat(s.loginHashConcurrency()).isEqualTo(3);
        assertThat(s.loginHashQueue()).isEqualTo(0);
        assertThat(s.sessionIdleTimeout()).isEqualTo(java.time.Duration.ofMinutes(10));
        assertThat(s.sessionMaxAge()).isEqualTo(java.time.Duration.ofHours(8));
        assertThat(s.loginMaxAttempts()).isEqualTo(3);
        assertThat(s.loginLockout()).isEqualTo(java.time.Duration.ofMinutes(5));
        assertThat(s.pinHashIterations()).isEqualTo(310_000);
        assertThat(new String(s.signingSecret(), java.nio.charset.StandardCharsets.US_ASCII))
                .isEqualTo("0123456789abcdef0123456789abcdef");
    }

    @ParameterizedTest
    @ValueSource(strings = {"SESSION_IDLE_TIMEOUT_MIN=0", "SESSION_MAX_AGE_H=0", "SESSION_MAX_AGE_H=721",
            "LOGIN_MAX_ATTEMPTS=0", "LOGIN_MAX_ATTEMPTS=x", "LOGIN_LOCKOUT_MIN=0", "PIN_HASH_ITERATIONS=999",
            "LOGIN_LOCKOUT_MAX_MIN=0", "LOGIN_SOURCE_MAX_ATTEMPTS=0", "LOGIN_HASH_CONCURRENCY=0", "LOGIN_HASH_QUEUE=-1",
            "FLEETGATE_SIGNING_SECRET=c2hvcnQ=", "FLEETGATE_SIGNING_SECRET=%%%", "FLEETGATE_PIN_PEPPER=c2hvcnQ="})
    void fromEnvWhenSessionSettingInvalidThenIllegalArgumentNamingIt(String entry) {
        String name = entry.substring(0, entry.indexOf('='));
        assertThatThrownBy(() -> FleetgateSettings.fromEnv(Map.of(name, entry.substring(name.length() + 1))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(name);
    }

    @Test
    void settingNamesWhenReadThenMatchTheDocumentedEnvironmentNames() {
        assertThat(FleetgateSettings.CHARGER_RADIUS_M).isEqualTo("CHARGER_RADIUS_M");
        assertThat(FleetgateSettings.EXCLUSIVE_DURATION_MIN).isEqualTo("EXCLUSIVE_DURATION_MIN");
        assertThat(FleetgateSettings.MAX_ACCURACY_M).isEqualTo("MAX_ACCURACY_M");
        assertThat(FleetgateSettings.EVENT_FUTURE_TOLERANCE_S).isEqualTo("EVENT_FUTURE_TOLERANCE_S");
        assertThat(FleetgateSettings.MAX_SPEED_KMH).isEqualTo("MAX_SPEED_KMH");
    }

    @Test
    void fromEnvWhenExecutionSettingsGivenThenRead() {
        FleetgateSettings s = FleetgateSettings.fromEnv(Map.of("EVENT_FUTURE_TOLERANCE_S", "30", "MAX_SPEED_KMH", "120"));
        assertThat(s.eventFutureTolerance()).isEqualTo(java.time.Duration.ofSeconds(30));
        assertThat(s.maxSpeedKmh()).isEqualTo(120.0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "86401", "x", "1.5"})
    void fromEnvWhenFutureToleranceInvalidThenIllegalArgumentNamingIt(String value) {
        assertThatThrownBy(() -> FleetgateSettings.fromEnv(Map.of("EVENT_FUTURE_TOLERANCE_S", value)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("EVENT_FUTURE_TOLERANCE_S");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-5", "NaN", "Infinity", "fast"})
    void fromEnvWhenMaxSpeedInvalidThenIllegalArgumentNamingIt(String value) {
        assertThatThrownBy(() -> FleetgateSettings.fromEnv(Map.of("MAX_SPEED_KMH", value)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("MAX_SPEED_KMH");
    }
}
