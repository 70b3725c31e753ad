package io.fleetgate;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FleetgateSettingsTest {
    private static final String SECRET = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";
    private static final String PEPPER = "cGVwcGVyLW9mLTE2LWJ5dGVzIQ==";

    @Test
    void defaultsWhenNothingConfiguredThenEachConcernHasTheDocumentedDefaults() {
        FleetgateSettings s = FleetgateSettings.defaults();

        assertThat(s.exclusive()).isEqualTo(new ExclusiveSettings(150, Duration.ofMinutes(60), 100,
                ExclusiveSettings.UnknownAccuracy.ASSUME_CAP));
        assertThat(s.login()).isEqualTo(new LoginSettings(5, Duration.ofMinutes(15), Duration.ofDays(1), 30,
                Math.max(1, Runtime.getRuntime().availableProcessors() - 1), 8, 600_000, null));
        assertThat(s.sync()).isEqualTo(new SyncSettings(Duration.ofMinutes(5), Duration.ofDays(7), Duration.ofMinutes(2),
                200));
        assertThat(s.sessions()).isEqualTo(new SessionSettings(Duration.ofMinutes(30), Duration.ofHours(12), null));
        assertThat(FleetgateSettings.fromEnv(Map.of())).isEqualTo(s);
    }

    @Test
    void fromEnvWhenEverySettingGivenThenEachReadIntoItsConcern() {
        Map<String, String> env = new HashMap<>();
        env.put("CHARGER_RADIUS_M", "250.5");
        env.put("EXCLUSIVE_DURATION_MIN", "90");
        env.put("MAX_ACCURACY_M", "35");
        env.put("UNKNOWN_ACCURACY", " Refuse ");
        env.put("LOGIN_MAX_ATTEMPTS", "3");
        env.put("LOGIN_LOCKOUT_MIN", "5");
        env.put("LOGIN_LOCKOUT_MAX_MIN", "120");
        env.put("LOGIN_SOURCE_MAX_ATTEMPTS", "7");
        env.put("LOGIN_HASH_CONCURRENCY", "3");
        env.put("LOGIN_HASH_QUEUE", "0");
        env.put("PIN_HASH_ITERATIONS", "310000");
        env.put("FLEETGATE_PIN_PEPPER", PEPPER);
        env.put("EVENT_FUTURE_TOLERANCE_S", "30");
        env.put("EVENT_MAX_OFFLINE_AGE_H", "48");
        env.put("EVENT_SESSION_SKEW_S", "10");
        env.put("MAX_SPEED_KMH", "120");
        env.put("STOP_FAILURE_REASONS", " RECIPIENT_ABSENT, GATE_LOCKED ,OTHER,");
        env.put("STOP_MAX_PROOFS", "5");
        env.put("SESSION_IDLE_TIMEOUT_MIN", "10");
        env.put("SESSION_MAX_AGE_H", "8");
        env.put("FLEETGATE_SIGNING_SECRET", SECRET);

        FleetgateSettings s = FleetgateSettings.fromEnv(env);

        assertThat(s.exclusive()).isEqualTo(new ExclusiveSettings(250.5, Duration.ofMinutes(90), 35,
                ExclusiveSettings.UnknownAccuracy.REFUSE));
        assertThat(s.login()).isEqualTo(new LoginSettings(3, Duration.ofMinutes(5), Duration.ofMinutes(120), 7, 3, 0,
                310_000, "pepper-of-16-bytes!".getBytes(StandardCharsets.US_ASCII)));
        assertThat(s.sync()).isEqualTo(new SyncSettings(Duration.ofSeconds(30), Duration.ofHours(48),
                Duration.ofSeconds(10), 120));
        assertThat(s.stops()).isEqualTo(new StopSettings(Set.of("RECIPIENT_ABSENT", "GATE_LOCKED", "OTHER"), 5));
        assertThat(s.sessions()).isEqualTo(new SessionSettings(Duration.ofMinutes(10), Duration.ofHours(8),
                "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void fromEnvWhenValuesHaveSurroundingWhitespaceThenTrimmedAndOthersKeepDefaults() {
        FleetgateSettings s = FleetgateSettings.fromEnv(Map.of("CHARGER_RADIUS_M", " 75 ", "EXCLUSIVE_DURATION_MIN",
                "\t15\n"));

        assertThat(s.exclusive().chargerRadiusMeters()).isEqualTo(75.0);
        assertThat(s.exclusive().duration()).isEqualTo(Duration.ofMinutes(15));
        assertThat(s.exclusive().maxAccuracyMeters()).isEqualTo(100.0);
        assertThat(s.login()).isEqualTo(LoginSettings.defaults());
    }

    @Test
    void fromEnvWhenUnrelatedOrMisspelledKeysThenIgnored() {
        Map<String, String> env = new HashMap<>();
        env.put("PATH", "/usr/bin:/bin");
        env.put("charger_radius_m", "abc");
        env.put("CHARGER_RADIUS", "-1");
        env.put("MAX_ACCURACY_M ", "x");
        env.put("EXCLUSIVE_DURATION_MIN_X", "1.5");

        assertThat(FleetgateSettings.fromEnv(env)).isEqualTo(FleetgateSettings.defaults());
    }

    @Test
    void fromEnvWhenSecretBlankThenAbsent() {
        FleetgateSettings s = FleetgateSettings.fromEnv(Map.of("FLEETGATE_SIGNING_SECRET", " ", "FLEETGATE_PIN_PEPPER", ""));

        assertThat(s.sessions().signingSecret()).isNull();
        assertThat(s.login().pinPepper()).isNull();
    }

    @Test
    void fromEnvWhenMapNullThenNullPointerException() {
        assertThatThrownBy(() -> FleetgateSettings.fromEnv(null)).isInstanceOf(NullPointerException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"CHARGER_RADIUS_M=abc", "CHARGER_RADIUS_M=0", "CHARGER_RADIUS_M=-5", "CHARGER_RADIUS_M=NaN",
            "CHARGER_RADIUS_M=", "CHARGER_RADIUS_M=Infinity", "CHARGER_RADIUS_M=-0", "CHARGER_RADIUS_M=1e400",
            "MAX_ACCURACY_M=0.0", "MAX_ACCURACY_M=-Infinity", "MAX_ACCURACY_M=  ",
            "EXCLUSIVE_DURATION_MIN=1.5", "EXCLUSIVE_DURATION_MIN=0", "EXCLUSIVE_DURATION_MIN=60m",
            "EXCLUSIVE_DURATION_MIN=99999999999999999999", "EXCLUSIVE_DURATION_MIN=1441",
            "EXCLUSIVE_DURATION_MIN=153722867280912931", "UNKNOWN_ACCURACY=ignore",
            "SESSION_IDLE_TIMEOUT_MIN=0", "SESSION_MAX_AGE_H=0", "SESSION_MAX_AGE_H=721", "LOGIN_MAX_ATTEMPTS=0",
            "LOGIN_MAX_ATTEMPTS=x", "LOGIN_MAX_ATTEMPTS=99999999999", "LOGIN_LOCKOUT_MIN=0", "PIN_HASH_ITERATIONS=999",
            "LOGIN_LOCKOUT_MAX_MIN=0", "LOGIN_SOURCE_MAX_ATTEMPTS=0", "LOGIN_HASH_CONCURRENCY=0", "LOGIN_HASH_QUEUE=-1",
            "FLEETGATE_SIGNING_SECRET=c2hvcnQ=", "FLEETGATE_SIGNING_SECRET=%%%", "FLEETGATE_PIN_PEPPER=c2hvcnQ=",
            "EVENT_FUTURE_TOLERANCE_S=-1", "EVENT_FUTURE_TOLERANCE_S=86401", "EVENT_FUTURE_TOLERANCE_S=1.5",
            "EVENT_MAX_OFFLINE_AGE_H=0", "EVENT_MAX_OFFLINE_AGE_H=8761", "EVENT_SESSION_SKEW_S=-1",
            "EVENT_SESSION_SKEW_S=3601", "MAX_SPEED_KMH=0", "MAX_SPEED_KMH=fast",
            "STOP_FAILURE_REASONS=,", "STOP_FAILURE_REASONS=gate locked", "STOP_MAX_PROOFS=0", "STOP_MAX_PROOFS=1001"})
    void fromEnvWhenValueInvalidThenIllegalArgumentNamingTheSettingAndTheValue(String entry) {
        String name = entry.substring(0, entry.indexOf('='));
        String value = entry.substring(name.length() + 1);
        assertThatThrownBy(() -> FleetgateSettings.fromEnv(Map.of(name, value)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(name)
                .hasMessageContaining("'" + value + "'");
    }

    @Test
    void fromEnvWhenOneOfSeveralValuesInvalidThenErrorNamesOnlyTheBadSetting() {
        assertThatThrownBy(() -> FleetgateSettings.fromEnv(Map.of("CHARGER_RADIUS_M", "150",
                "EXCLUSIVE_DURATION_MIN", "60", "MAX_ACCURACY_M", "-3")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("MAX_ACCURACY_M")
                .hasMessageNotContaining("CHARGER_RADIUS_M")
                .hasMessageNotContaining("EXCLUSIVE_DURATION_MIN");
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.0, -0.0, -5, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY})
    void withChargerRadiusMetersWhenNotPositiveFiniteThenIllegalArgumentNamingTheParameter(double value) {
        ExclusiveSettings before = ExclusiveSettings.defaults();

        assertThatThrownBy(() -> before.withChargerRadiusMeters(value))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("chargerRadiusMeters").hasMessageContaining("CHARGER_RADIUS_M");
        assertThat(before.chargerRadiusMeters()).as("the settings are immutable").isEqualTo(150.0);
    }

    @Test
    void withDurationWhenOutOfRangeOrNullThenRefusedNamingTheParameter() {
        for (Duration d : new Duration[] {Duration.ZERO, Duration.ofMillis(999), Duration.ofMinutes(-1),
                Duration.ofDays(1).plusNanos(1)}) {
            assertThatThrownBy(() -> ExclusiveSettings.defaults().withDuration(d)).as(d.toString())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("duration").hasMessageContaining("EXCLUSIVE_DURATION_MIN");
        }
        assertThatThrownBy(() -> ExclusiveSettings.defaults().withDuration(null))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("duration");
    }

    @Test
    void withMethodsWhenValidThenKeptInTheirConcernAndOthersUntouched() {
        FleetgateSettings s = FleetgateSettings.defaults()
                .withExclusive(e -> e.withChargerRadiusMeters(Double.MIN_VALUE).withDuration(Duration.ofSeconds(1))
                        .withMaxAccuracyMeters(Double.MAX_VALUE))
                .withLogin(l -> l.withMaxAttempts(100).withHashQueue(0))
                .withSync(y -> y.withMaxSpeedKmh(80).withSessionSkew(Duration.ZERO))
                .withSessions(d -> d.withIdleTimeout(Duration.ofMinutes(1)));

        assertThat(s.exclusive().chargerRadiusMeters()).isEqualTo(Double.MIN_VALUE);
        assertThat(s.exclusive().duration()).isEqualTo(Duration.ofSeconds(1));
        assertThat(s.exclusive().maxAccuracyMeters()).isEqualTo(Double.MAX_VALUE);
        assertThat(s.login().maxAttempts()).isEqualTo(100);
        assertThat(s.login().hashQueue()).isZero();
        assertThat(s.login().lockout()).isEqualTo(LoginSettings.defaults().lockout());
        assertThat(s.sync().maxSpeedKmh()).isEqualTo(80);
        assertThat(s.sync().sessionSkew()).isZero();
        assertThat(s.sessions().idleTimeout()).isEqualTo(Duration.ofMinutes(1));
        assertThat(FleetgateSettings.defaults().exclusive()).as("defaults untouched").isEqualTo(ExclusiveSettings.defaults());
    }

    @Test
    void secretsWhenSetThenCopiedInAndOutSoNoCallerCanChangeThem() {
        byte[] secret = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
        SessionSettings s = SessionSettings.defaults().withSigningSecret(secret);
        secret[0] = 'X';
        s.signingSecret()[1] = 'Y';

        assertThat(new String(s.signingSecret(), StandardCharsets.US_ASCII)).isEqualTo("0123456789abcdef0123456789abcdef");
    }

    @Test
    void toStringWhenSecretsSetThenNeverShowsThem() {
        String text = FleetgateSettings.fromEnv(Map.of("FLEETGATE_SIGNING_SECRET", SECRET, "FLEETGATE_PIN_PEPPER", PEPPER))
                .toString();

        assertThat(text).contains("signingSecret=set", "pinPepper=set").contains("chargerRadiusMeters=150.0")
                .doesNotContain("MDEy").doesNotContain("cGVw").doesNotContain("0123456789").doesNotContain("pepper-of");
        assertThat(FleetgateSettings.defaults().toString()).contains("signingSecret=none", "pinPepper=none");
    }

    @Test
    void environmentTableWhenReadThenListsEverySettingReadByFromEnvOnce() {
        List<String> names = FleetgateSettings.environmentTable().lines().skip(2)
                .map(l -> l.substring(3, l.indexOf('`', 3))).toList();

        assertThat(names).doesNotHaveDuplicates().containsExactlyInAnyOrder("CHARGER_RADIUS_M", "EXCLUSIVE_DURATION_MIN",
                "MAX_ACCURACY_M", "UNKNOWN_ACCURACY", "LOGIN_MAX_ATTEMPTS", "LOGIN_LOCKOUT_MIN", "LOGIN_LOCKOUT_MAX_MIN",
                "LOGIN_SOURCE_MAX_ATTEMPTS", "LOGIN_HASH_CONCURRENCY", "LOGIN_HASH_QUEUE", "PIN_HASH_ITERATIONS",
                "FLEETGATE_PIN_PEPPER", "EVENT_FUTURE_TOLERANCE_S", "EVENT_MAX_OFFLINE_AGE_H", "EVENT_SESSION_SKEW_S",
                "MAX_SPEED_KMH", "STOP_FAILURE_REASONS", "STOP_MAX_PROOFS", "FIX_MAX_ACCURACY_M", "ARRIVAL_CONFIRM_FIXES",
                "ARRIVAL_CONFIRM_DWELL_S", "ARRIVAL_WINDOW_S", "EXIT_RADIUS_FACTOR", "QUIET_AFTER_MIN", "EXCURSION_GAP_S",
                "FIX_RETENTION_D", "CHANGE_RETENTION_D", "SESSION_IDLE_TIMEOUT_MIN", "SESSION_MAX_AGE_H", "FLEETGATE_SIGNING_SECRET");
        for (String name : names) {
            assertThatThrownBy(() -> FleetgateSettings.fromEnv(Map.of(name, "%not valid%")))
                    .as("%s is read", name).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(name);
        }
    }

    @Test
    void docsSettingsWhenReadThenHoldTheEnvironmentTableVerbatim() throws IOException {
        String doc = Files.readString(Path.of("../docs/settings.md"), StandardCharsets.UTF_8);

        assertThat(doc).as("docs/settings.md is generated from FleetgateSettings.environmentTable(); regenerate it")
                .contains(FleetgateSettings.environmentTable());
    }
}
