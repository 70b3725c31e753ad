package io.fleetgate.examples.torture;

import io.fleetgate.examples.http.RunningHost;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The torture steps on SQLite with tiny sizes, two hosts in this JVM sharing one file: each
 * scenario's checks pass on a healthy store and report a VIOLATION (exit 1) when the database is
 * broken behind the hosts' backs. The faults themselves (kill -9, a database restart) are
 * {@code scripts/torture}'s; see docs/reliability.md.
 */
class TortureTest {
    /** The settings every torture host runs with (scripts/torture exports the same). */
    static final Map<String, String> ENV = Map.of("PIN_HASH_ITERATIONS", "1000",
            "FLEETGATE_SIGNING_SECRET", "dG9ydHVyZS10ZXN0LXNlY3JldC1vZi0zMi1ieXRlcy4uLi4=",
            "LOGIN_MAX_ATTEMPTS", "100", "LOGIN_SOURCE_MAX_ATTEMPTS", "10000", "LOGIN_HASH_CONCURRENCY", "16",
            "LOGIN_HASH_QUEUE", "1000", "HTTP_RATE_LIMIT_PER_S", "0");
    static final Path FIXTURES = Path.of("fixtures/torture.json");

    @TempDir
    Path dir;

    private String db() {
        return "jdbc:sqlite:" + dir.resolve("torture.db");
    }

    /** The result of one step: its exit status and what it printed. */
    record Step(int status, String out) {
        String scenario() {
            return out.lines().filter(l -> l.startsWith("SCENARIO ")).findFirst().orElse("");
        }
    }

    static Step step(List<String> args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int status = Torture.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        return new Step(status, out.toString(StandardCharsets.UTF_8));
    }

    static List<String> with(List<String> args, String... more) {
        List<String> all = new ArrayList<>(args);
        all.addAll(List.of(more));
        return all;
    }

    private Step race(String scenario, String... options) throws Exception {
        try (RunningHost a = RunningHost.start(db(), null, null, FIXTURES, ENV);
             RunningHost b = RunningHost.start(db(), null, null, null, ENV)) {
            return step(with(List.of(scenario, "--base", a.baseUrl() + "," + b.baseUrl(), "--db", db()), options));
        }
    }

    @Test
    void raceActivateWhenTwoHostsThenExactlyOneCreatedAndTheRestConflict() throws Exception {
        Step s = race("race-activate", "--size", "12");

        assertThat(s.scenario()).startsWith("SCENARIO race-activate ok load=12-activations/2-hosts faults=none violations=0 ")
                .contains("201=1 409=11 active_in_db=1");
        assertThat(s.status()).isZero();
    }

    @Test
    void raceLoginWhenTwoHostsThenOneCurrentSessionAndOneWorkingToken() throws Exception {
        Step s = race("race-login", "--size", "8");

        assertThat(s.scenario()).startsWith("SCENARIO race-login ok load=8-logins/2-hosts faults=none violations=0 ")
                .contains("200=8 ").contains("current_in_db=1 tokens_working=1");
        assertThat(s.status()).isZero();
    }

    @Test
    void raceEventsWhenTwoHostsThenLogIsTheAcceptedEventsAndReplaysToTheBatch() throws Exception {
        Step s = race("race-events", "--size", "12", "--threads", "2");

        assertThat(s.scenario()).startsWith("SCENARIO race-events ok load=12-events/6-requests/2-threads/2-hosts "
                + "faults=none violations=0 accepted=");
        assertThat(s.status()).isZero();
    }

    @Test
    void loadThenVerifyWhenHostRestartedThenEveryAcknowledgedWriteIsStored() throws Exception {
        Path ledger = dir.resolve("ledger");
        Step load;
        try (RunningHost a = RunningHost.start(db(), null, null, FIXTURES, ENV)) {
            load = step(List.of("load", "--base", a.baseUrl(), "--ledger", ledger.toString(), "--seconds", "1"));
        }
        Step verify;
        try (RunningHost restarted = RunningHost.start(db(), null, null, FIXTURES, ENV)) {
            verify = step(List.of("verify", "--name", "crash-test", "--base", restarted.baseUrl(), "--db", db(),
                    "--ledger", ledger.toString(), "--load", "tiny", "--faults", "restart"));
        }

        assertThat(load.out()).startsWith("LOAD ops=");
        assertThat(Files.readAllLines(ledger)).anyMatch(l -> l.startsWith("activated "))
                .anyMatch(l -> l.startsWith("completed ")).noneMatch(l -> l.startsWith("violation "));
        assertThat(verify.scenario()).startsWith("SCENARIO crash-test ok load=tiny faults=restart violations=0 ");
        assertThat(verify.status()).isZero();
    }

    @Test
    void verifyWhenAnAcknowledgedEventIsMissingThenViolation() throws Exception {
        Path ledger = dir.resolve("ledger");
        Files.writeString(ledger, "event never-stored\n");
        Step verify;
        try (RunningHost a = RunningHost.start(db(), null, null, FIXTURES, ENV)) {
            verify = step(List.of("verify", "--name", "crash-test", "--base", a.baseUrl(), "--db", db(),
                    "--ledger", ledger.toString()));
        }

        assertThat(verify.scenario()).startsWith("SCENARIO crash-test VIOLATION ")
                .contains("violations=1 ").contains("acknowledged event never-stored is not in the log");
        assertThat(verify.status()).isEqualTo(1);
    }

    @Test
    void verifyWhenAWriteAnswered503IsStoredThenViolation() throws Exception {
        Path ledger = dir.resolve("ledger");
        try (RunningHost a = RunningHost.start(db(), null, null, FIXTURES, ENV)) {
            step(List.of("load", "--base", a.baseUrl(), "--ledger", ledger.toString(), "--seconds", "1"));
        }
        String stored = Files.readAllLines(ledger).stream().filter(l -> l.startsWith("event ")).findFirst()
                .orElseThrow().substring("event ".length());
        Path refused = dir.resolve("refused");
        Files.writeString(refused, "refused-event " + stored + "\n");
        Step verify;
        try (RunningHost a = RunningHost.start(db(), null, null, FIXTURES, ENV)) {
            verify = step(List.of("verify", "--name", "crash-test", "--base", a.baseUrl(), "--db", db(),
                    "--ledger", refused.toString()));
        }

        assertThat(verify.scenario()).startsWith("SCENARIO crash-test VIOLATION ")
                .contains("violations=1 ").contains("event " + stored + " was answered 503 but is in the log");
        assertThat(verify.status()).isEqualTo(1);
    }

    @Test
    void outageWhenNoFaultThenEveryAnswerSucceedsAndTheWindowFollows() throws Exception {
        Step s;
        try (RunningHost a = RunningHost.start(db(), null, null, FIXTURES, ENV)) {
            s = step(List.of("outage", "--name", "steady", "--base", a.baseUrl(), "--db", db(), "--seconds", "1",
                    "--faults", "none"));
        }

        assertThat(s.scenario()).startsWith("SCENARIO steady ok load=").contains("faults=none violations=0 ")
                .contains(" window=").doesNotContain("503");
        assertThat(s.status()).isZero();
    }

    @Test
    void outageWhenOutageExpectedButNoneHappenedThenViolation() throws Exception {
        Step s;
        try (RunningHost a = RunningHost.start(db(), null, null, FIXTURES, ENV)) {
            s = step(List.of("outage", "--name", "steady", "--base", a.baseUrl(), "--db", db(), "--seconds", "1",
                    "--expect-outage"));
        }

        assertThat(s.scenario()).startsWith("SCENARIO steady VIOLATION ")
                .contains("the outage was not observed");
        assertThat(s.status()).isEqualTo(1);
    }

    @Test
    void checkWhenBatchStatusDisagreesWithItsLogOrTwoSessionsActiveThenViolations() throws Exception {
        try (RunningHost a = RunningHost.start(db(), null, null, FIXTURES, ENV)) {
            assertThat(step(List.of("race-activate", "--base", a.baseUrl(), "--db", db(), "--size", "2")).status())
                    .isZero();
        }
        try (Connection c = DriverManager.getConnection(db()); Statement st = c.createStatement()) {
            st.execute("UPDATE delivery_batches SET driver_status = 'COMPLETED' WHERE id = 'b_2'");
            st.execute("DROP INDEX ux_exclusive_sessions_one_active");
            st.execute("INSERT INTO exclusive_sessions SELECT 'copy', driver_id, merchant_id, merchant_place_id,"
                    + " charger_id, charger_place_id, intent_session_id, status, activated_at, expires_at, completed_at,"
                    + " created_at, updated_at, activation_lat, activation_lng, activation_accuracy_m,"
                    + " activation_distance_to_charger_m FROM exclusive_sessions WHERE status = 'ACTIVE'");
        }

        List<String> violations = Invariants.check(new Invariants.Db(db(), null, null));

        assertThat(violations).containsExactlyInAnyOrder(
                "driver d_1 has more than one ACTIVE exclusive session",
                "batch b_2 is COMPLETED v0 but its log replays to INACTIVE v0");
    }

    private Step loginFlood(Map<String, String> lane) throws Exception {
        Map<String, String> env = new java.util.HashMap<>(ENV);
        env.putAll(lane);
        try (RunningHost a = RunningHost.start(db(), null, null, FIXTURES, env)) {
            return step(List.of("login-flood", "--base", a.baseUrl(), "--size", "8", "--seconds", "1"));
        }
    }

    @Test
    void loginFloodWhenTheHashingLaneIsSmallThenBusyRefusalsAndEveryNormalRequestServed() throws Exception {
        Step s = loginFlood(Map.of("LOGIN_HASH_CONCURRENCY", "1", "LOGIN_HASH_QUEUE", "0"));

        assertThat(s.scenario()).startsWith("SCENARIO login-flood ok load=8-logins-in-flight/1s faults=none violations=0 ")
                .containsPattern(" logins_429_busy=[1-9][0-9]*");
        assertThat(s.status()).isZero();
    }

    @Test
    void loginFloodWhenTheLaneNeverFillsThenViolation() throws Exception {
        Step s = loginFlood(Map.of());

        assertThat(s.scenario()).startsWith("SCENARIO login-flood VIOLATION ").contains(" logins_429_busy=0");
        assertThat(s.status()).isEqualTo(1);
    }

    @Test
    void runWhenUnknownStepOrMissingOptionThenUsageAndExit2() throws Exception {
        assertThat(step(List.of("nope")).status()).isEqualTo(2);
        assertThat(step(List.of("race-activate", "--base", "http://127.0.0.1:1")).status()).isEqualTo(2);
    }
}
