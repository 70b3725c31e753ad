package io.fleetgate.examples.http;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServeCommandTest {
    /** A PIN pepper (base64 of 24 bytes), so tests that count warnings see only the one they are about. */
    static final String PEPPER = "cGVwcGVyLWZvci10aGUtc2VydmUtdGVzdHM=";

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(Map<String, String> env, String... args) {
        return ServeCommand.run(List.of(args), env, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void parseWhenNoOptionsThenDefaults() {
        ServeOptions o = ServeOptions.parse(List.of());

        assertThat(o.port()).isEqualTo(8080);
        assertThat(o.dbUrl()).isEqualTo("jdbc:sqlite:fleetgate.db");
        assertThat(o.sqliteFile()).isEqualTo(Path.of("fleetgate.db"));
        assertThat(o.fixtures()).isNull();
    }

    @Test
    void parseWhenAllOptionsThenEachKept() {
        ServeOptions o = ServeOptions.parse(List.of("--port", "0", "--db", "jdbc:postgresql://h/db",
                "--db-user", "u", "--db-password", "p", "--fixtures", "f.json"));

        assertThat(o).isEqualTo(new ServeOptions(0, "jdbc:postgresql://h/db", "u", "p", Path.of("f.json")));
        assertThat(o.sqliteFile()).isNull();
    }

    @Test
    void parseWhenOwnerGivenThenKeptAndPasswordsMayComeFromTheEnvironment() {
        ServeOptions o = ServeOptions.parse(List.of("--db", "jdbc:postgresql://h/db", "--db-user", "app",
                "--db-owner-user", "own", "--db-owner-password", "op"), Map.of());
        assertThat(o).isEqualTo(new ServeOptions(8080, "jdbc:postgresql://h/db", "app", null, null, "own", "op"));

        ServeOptions fromEnv = ServeOptions.parse(List.of("--db", "jdbc:postgresql://h/db", "--db-user", "app",
                "--db-owner-user", "own"), Map.of(ServeOptions.DB_PASSWORD_ENV, "ap", ServeOptions.DB_OWNER_PASSWORD_ENV, "op"));
        assertThat(fromEnv).isEqualTo(new ServeOptions(8080, "jdbc:postgresql://h/db", "app", "ap", null, "own", "op"));
        ServeOptions flagsWin = ServeOptions.parse(List.of("--db", "jdbc:postgresql://h/db", "--db-user", "app",
                "--db-password", "flag"), Map.of(ServeOptions.DB_PASSWORD_ENV, "env"));
        assertThat(flagsWin.dbPassword()).isEqualTo("flag");
    }

    @Test
    void parseWhenPgPoolerSettingsThenKeptAndAWrongOneStopsStartNamingTheValidValues() {
        List<String> pg = List.of("--db", "jdbc:postgresql://pgbouncer:6432/db", "--db-user", "app");
        assertThat(ServeOptions.parse(pg, Map.of()).pgPooler()).isEqualTo(io.fleetgate.store.jdbc.Pooler.NONE);
        assertThat(ServeOptions.parse(pg, Map.of(ServeOptions.PG_POOLER_ENV, "none")).pgPooler())
                .isEqualTo(io.fleetgate.store.jdbc.Pooler.NONE);
        ServeOptions pooled = ServeOptions.parse(pg, Map.of(ServeOptions.PG_POOLER_ENV, "transaction",
                ServeOptions.PG_LISTEN_URL_ENV, "jdbc:postgresql://db:5432/db"));
        assertThat(pooled.pgPooler()).isEqualTo(io.fleetgate.store.jdbc.Pooler.TRANSACTION);
        assertThat(pooled.pgListenUrl()).isEqualTo("jdbc:postgresql://db:5432/db");
        assertThat(ServeOptions.parse(pg, Map.of(ServeOptions.PG_POOLER_ENV, "Session")).pgPooler())
                .isEqualTo(io.fleetgate.store.jdbc.Pooler.SESSION);

        assertThatThrownBy(() -> ServeOptions.parse(pg, Map.of(ServeOptions.PG_POOLER_ENV, "statement")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("FLEETGATE_PG_POOLER must be one of none, session, transaction");
        assertThatThrownBy(() -> ServeOptions.parse(List.of("--db", "jdbc:sqlite:x.db"),
                Map.of(ServeOptions.PG_POOLER_ENV, "transaction")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("FLEETGATE_PG_POOLER is for PostgreSQL");
        assertThatThrownBy(() -> ServeOptions.parse(pg, Map.of(ServeOptions.PG_LISTEN_URL_ENV,
                "jdbc:postgresql://db:5432/db?password=secret")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("FLEETGATE_PG_LISTEN_URL goes with FLEETGATE_PG_POOLER=transaction and must start with "
                        + "jdbc:postgresql:");
    }

    @Test
    void parseWhenInvalidThenOneLineMessage() {
        assertThatThrownBy(() -> ServeOptions.parse(List.of("--port", "x"))).hasMessageContaining("--port");
        assertThatThrownBy(() -> ServeOptions.parse(List.of("--port", "70000"))).hasMessageContaining("65535");
        assertThatThrownBy(() -> ServeOptions.parse(List.of("--port"))).hasMessage("--port needs a value");
        assertThatThrownBy(() -> ServeOptions.parse(List.of("--verbose"))).hasMessageContaining("unknown option");
        assertThatThrownBy(() -> ServeOptions.parse(List.of("--db", "jdbc:mysql://x"))).hasMessageContaining("--db");
        assertThatThrownBy(() -> ServeOptions.parse(List.of("--db", "jdbc:sqlite::memory:")))
                .hasMessageContaining("file path");
    }

    @Test
    void runWhenOptionInvalidThenExit2AndOneLine() {
        assertThat(run(Map.of(), "--port", "nope")).isEqualTo(2);

        assertThat(err().lines()).hasSize(1).allMatch(l -> l.startsWith("serve: "));
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void runWhenSettingInvalidThenExit2AndOneLineNamingIt() {
        assertThat(run(Map.of("CHARGER_RADIUS_M", "-5"), "--port", "0")).isEqualTo(2);

        assertThat(err().lines()).hasSize(1);
        assertThat(err()).contains("CHARGER_RADIUS_M");
    }

    @Test
    void runWhenFixturesInvalidThenExit1AndOneLine(@TempDir Path dir) throws Exception {
        Path fixtures = dir.resolve("bad.json");
        Files.writeString(fixtures, "{\"users\": [{\"id\": \"d_1\", \"username\": \"ana\", \"pin\": \"12\","
                + " \"role\": \"DRIVER\", \"workspace_id\": \"ws_1\"}]}");

        int status = run(Map.of("FLEETGATE_SIGNING_SECRET", HttpApiContract.SIGNING_SECRET,
                        "FLEETGATE_PIN_PEPPER", PEPPER),
                "--port", "0", "--db", "jdbc:sqlite:" + dir.resolve("x.db"), "--fixtures", fixtures.toString());

        assertThat(status).isEqualTo(1);
        assertThat(err().lines()).hasSize(1);
        assertThat(err()).contains("users[0]").contains("pin");
    }

    @Test
    void settingsWhenNoSigningSecretThenRandomOneAndAWarning() {
        PrintStream warnings = new PrintStream(err, true, StandardCharsets.UTF_8);

        var a = HttpHost.settings(Map.of("FLEETGATE_PIN_PEPPER", PEPPER), warnings);
        var b = HttpHost.settings(Map.of("FLEETGATE_PIN_PEPPER", PEPPER), warnings);

        assertThat(a.sessions().signingSecret()).hasSize(32).isNotEqualTo(b.sessions().signingSecret());
        assertThat(err().lines()).hasSize(2).allMatch(l -> l.startsWith("warning: FLEETGATE_SIGNING_SECRET"));
    }

    @Test
    void settingsWhenNoPinPepperThenAWarningAndWhenSetThenNone() {
        PrintStream warnings = new PrintStream(err, true, StandardCharsets.UTF_8);

        HttpHost.settings(Map.of("FLEETGATE_SIGNING_SECRET", HttpApiContract.SIGNING_SECRET), warnings);

        assertThat(err().lines()).singleElement().asString().startsWith("warning: FLEETGATE_PIN_PEPPER is not set");
        err.reset();
        var peppered = HttpHost.settings(Map.of("FLEETGATE_SIGNING_SECRET", HttpApiContract.SIGNING_SECRET,
                "FLEETGATE_PIN_PEPPER", PEPPER), warnings);
        assertThat(peppered.login().pinPepper()).isNotNull();
        assertThat(err()).isEmpty();
    }

    @Test
    void parseWhenLimitsGivenThenFlagsWinOverSettingsAndTheRestKeepDefaults() {
        ServeOptions o = ServeOptions.parse(List.of("--header-timeout-s", "0.5", "--rate-limit-burst", "7"),
                Map.of("HTTP_HEADER_TIMEOUT_S", "9", "HTTP_MAX_CONNECTIONS", "300", "HTTP_RATE_LIMIT_PER_S", "0"));

        assertThat(o.limits().headerTimeout()).isEqualTo(java.time.Duration.ofMillis(500));
        assertThat(o.limits().rateBurst()).isEqualTo(7);
        assertThat(o.limits().maxConnections()).isEqualTo(300);
        assertThat(o.limits().rateLimited()).isFalse();
        assertThat(o.limits().bodyTimeout()).isEqualTo(HttpLimits.DEFAULTS.bodyTimeout());
        assertThat(ServeOptions.parse(List.of()).limits()).isEqualTo(HttpLimits.DEFAULTS);
    }

    @Test
    void parseWhenALimitIsInvalidThenOneLineNamingIt() {
        assertThatThrownBy(() -> ServeOptions.parse(List.of("--max-connections", "0")))
                .hasMessageContaining("HTTP_MAX_CONNECTIONS");
        assertThatThrownBy(() -> ServeOptions.parse(List.of("--idle-timeout-s", "soon")))
                .hasMessageContaining("HTTP_IDLE_TIMEOUT_S");
        assertThatThrownBy(() -> ServeOptions.parse(List.of(), Map.of("HTTP_BODY_TIMEOUT_S", "-1")))
                .hasMessageContaining("HTTP_BODY_TIMEOUT_S");
        assertThatThrownBy(() -> ServeOptions.parse(List.of(), Map.of("HTTP_RATE_LIMIT_PER_S", "-2")))
                .hasMessageContaining("HTTP_RATE_LIMIT_PER_S");
    }

    @Test
    void parseWhenPositionSweepGivenThenFlagWinsOverSettingZeroTurnsItOffAndBadValuesAreNamed() {
        assertThat(ServeOptions.parse(List.of()).positionSweep()).isEqualTo(java.time.Duration.ofSeconds(30));
        assertThat(ServeOptions.parse(List.of(), Map.of(ServeOptions.POSITION_SWEEP_ENV, "90")).positionSweep())
                .isEqualTo(java.time.Duration.ofSeconds(90));
        assertThat(ServeOptions.parse(List.of("--position-sweep-s", "0.25"), Map.of(ServeOptions.POSITION_SWEEP_ENV,
                "90")).positionSweep()).isEqualTo(java.time.Duration.ofMillis(250));
        assertThat(ServeOptions.parse(List.of("--position-sweep-s", "0")).positionSweep()).isZero();

        assertThatThrownBy(() -> ServeOptions.parse(List.of("--position-sweep-s", "-1")))
                .hasMessageContaining("--position-sweep-s");
        assertThatThrownBy(() -> ServeOptions.parse(List.of("--position-sweep-s", "often")))
                .hasMessageContaining("--position-sweep-s");
        assertThatThrownBy(() -> ServeOptions.parse(List.of(), Map.of(ServeOptions.POSITION_SWEEP_ENV, "3601")))
                .hasMessageContaining(ServeOptions.POSITION_SWEEP_ENV);
        assertThatThrownBy(() -> ServeOptions.parse(List.of("--position-sweep-s", "0.0001")))
                .hasMessageContaining("0.001");
    }

    @Test
    void parseWhenDbConnectionTimeoutGivenThenFlagWinsOverSettingAndBadValuesAreNamed() {
        assertThat(ServeOptions.parse(List.of()).dbConnectionTimeout()).as("the store's default").isNull();
        assertThat(ServeOptions.parse(List.of(), Map.of(ServeOptions.DB_CONNECTION_TIMEOUT_ENV, "5"))
                .dbConnectionTimeout()).isEqualTo(java.time.Duration.ofSeconds(5));
        assertThat(ServeOptions.parse(List.of("--db-connection-timeout-s", "2.5"),
                Map.of(ServeOptions.DB_CONNECTION_TIMEOUT_ENV, "5")).dbConnectionTimeout())
                .isEqualTo(java.time.Duration.ofMillis(2500));

        assertThatThrownBy(() -> ServeOptions.parse(List.of("--db-connection-timeout-s", "0.1")))
                .hasMessageContaining("--db-connection-timeout-s must be 0.25 to 600 seconds");
        assertThatThrownBy(() -> ServeOptions.parse(List.of("--db-connection-timeout-s", "soon")))
                .hasMessageContaining("--db-connection-timeout-s");
        assertThatThrownBy(() -> ServeOptions.parse(List.of(), Map.of(ServeOptions.DB_CONNECTION_TIMEOUT_ENV, "601")))
                .hasMessageContaining(ServeOptions.DB_CONNECTION_TIMEOUT_ENV);
    }

    @Test
    void parseWhenDbReplicaGivenThenFlagWinsOverSettingAndOnlyBesidePostgres() {
        List<String> pg = List.of("--db", "jdbc:postgresql://h1/db");
        assertThat(ServeOptions.parse(pg).dbReplicaUrl()).isNull();
        assertThat(ServeOptions.parse(pg, Map.of(ServeOptions.DB_REPLICA_ENV, "jdbc:postgresql://h2/db")).dbReplicaUrl())
                .isEqualTo("jdbc:postgresql://h2/db");
        assertThat(ServeOptions.parse(List.of("--db", "jdbc:postgresql://h1/db", "--db-replica", "jdbc:postgresql://h3/db"),
                Map.of(ServeOptions.DB_REPLICA_ENV, "jdbc:postgresql://h2/db")).dbReplicaUrl())
                .isEqualTo("jdbc:postgresql://h3/db");

        assertThatThrownBy(() -> ServeOptions.parse(List.of("--db-replica", "jdbc:postgresql://h2/db")))
                .as("beside the default SQLite database").hasMessageContaining("--db-replica");
        assertThatThrownBy(() -> ServeOptions.parse(pg, Map.of(ServeOptions.DB_REPLICA_ENV, "jdbc:sqlite:x.db")))
                .hasMessageContaining(ServeOptions.DB_REPLICA_ENV);
    }

    @Test
    void startWhenPortZeroThenListensOnAFreePortOfLoopback(@TempDir Path dir) {
        ServeOptions options = new ServeOptions(0, "jdbc:sqlite:" + dir.resolve("s.db"), null, null,
                HttpApiContract.DEMO);

        try (HttpHost host = HttpHost.start(options, HttpHost.settings(HttpApiContract.env(), System.err),
                java.time.Clock.systemUTC())) {
            assertThat(host.port()).isPositive();
            assertThat(new Api(host.port()).get("/v1/exclusive/active", null).status()).isEqualTo(401);
        }
    }

    @Test
    void startWhenDbConnectionTimeoutGivenThenTheStoresPoolWaitsThatLong(@TempDir Path dir) {
        ServeOptions options = new ServeOptions(0, "jdbc:sqlite:" + dir.resolve("t.db"), null, null, null)
                .withDbConnectionTimeout(java.time.Duration.ofMillis(2500));

        try (HttpHost host = HttpHost.start(options, HttpHost.settings(HttpApiContract.env(), System.err),
                java.time.Clock.systemUTC())) {
            assertThat(((com.zaxxer.hikari.HikariDataSource) host.store().dataSource()).getConnectionTimeout())
                    .isEqualTo(2500);
        }
    }

    @Test
    void docsWhenReadThenEveryEndpointHasItsSection(@TempDir Path dir) throws Exception {
        String docs = Files.readString(Path.of("../docs/http-api.md"));
        ServeOptions options = new ServeOptions(0, "jdbc:sqlite:" + dir.resolve("d.db"), null, null, null);

        try (HttpHost host = HttpHost.start(options, HttpHost.settings(HttpApiContract.env(), System.err),
                java.time.Clock.systemUTC())) {
            List<String> api = host.routes().stream().filter(r -> r.contains(" /v1/")).toList();
            List<String> web = host.routes().stream().filter(r -> !r.contains(" /v1/")).toList();
            assertThat(api).hasSize(21);
            for (String route : api) {
                assertThat(docs).as("docs/http-api.md documents %s", route).contains("### `" + route);
            }
            // the web apps' files: each named in the section on them
            assertThat(web).hasSize(StaticFiles.FILES.size() + 2);
            String section = docs.substring(docs.indexOf("## Web apps"), docs.indexOf("## Fixtures"));
            for (String route : web) {
                String path = route.substring(route.indexOf(' ') + 1);
                assertThat(route).startsWith("GET ");
                assertThat(section).as("docs/http-api.md names %s", path).contains("`" + path + "`");
            }
        }
    }
}
