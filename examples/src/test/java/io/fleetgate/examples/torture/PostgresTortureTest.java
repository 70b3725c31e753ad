package io.fleetgate.examples.torture;

import io.fleetgate.testkit.TestPostgres;

import io.fleetgate.examples.http.RunningHost;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;

import static io.fleetgate.examples.torture.TortureTest.ENV;
import static io.fleetgate.examples.torture.TortureTest.FIXTURES;
import static io.fleetgate.examples.torture.TortureTest.step;
import static io.fleetgate.examples.torture.TortureTest.with;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The torture steps on PostgreSQL with tiny sizes, two hosts in this JVM on a fresh schema of the
 * server given by the system properties {@code fleetgate.test.pg.url}, {@code .user} and
 * {@code .password} (the owner), {@code .runtime.user} and {@code .runtime.password} (the role the
 * hosts run as); scripts/test provisions them. The invariants are read under row-level security as
 * the system, over an owner connection (which holds the context key). Without a server every test fails saying how to give one: never
 * skipped. ({@code outage --terminate} is not run here: it terminates every other backend of the
 * role on the database, so it belongs to scripts/torture's own cluster.)
 */
class PostgresTortureTest {
    private final String schema = "torture_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    private boolean created;

    @TempDir
    Path dir;

    /** The server, directly: for raw JDBC and the torture steps' own reads of the invariants. */
    private static String server() {
        return TestPostgres.directUrl();
    }

    private static String user() {
        return TestPostgres.user();
    }

    private static String password() {
        return TestPostgres.password();
    }

    private static void execute(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(server(), user(), password()); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    /** @return the JDBC URL of a fresh schema */
    private String db() throws SQLException {
        if (!created) {
            execute("CREATE SCHEMA " + schema);
            created = true;
        }
        String url = server();
        return url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    private RunningHost host(Path fixtures) throws SQLException {
        return RunningHost.start(hostDb(), TestPostgres.runtimeUser(), TestPostgres.runtimePassword(), user(), password(),
                fixtures, hostEnv(ENV));
    }

    /** @return the schema's URL for the hosts: through PgBouncer in scripts/test's second pass */
    private String hostDb() throws SQLException {
        String direct = db();
        String url = TestPostgres.url();
        return url + (url.contains("?") ? "&" : "?") + direct.substring(direct.indexOf("currentSchema="));
    }

    /** @return {@code env} plus, in scripts/test's PgBouncer pass, the hosts' pooler settings */
    private java.util.Map<String, String> hostEnv(java.util.Map<String, String> env) throws SQLException {
        if (!TestPostgres.throughTransactionPooler()) {
            return env;
        }
        java.util.Map<String, String> pooled = new java.util.HashMap<>(env);
        pooled.put("FLEETGATE_PG_POOLER", "transaction");
        pooled.put("FLEETGATE_PG_LISTEN_URL", db());
        return pooled;
    }

    private List<String> dbArgs() throws SQLException {
        return List.of("--db", db(), "--db-user", user(), "--db-password", password());
    }

    @AfterEach
    void dropSchema() throws SQLException {
        if (created) {
            execute("DROP SCHEMA " + schema + " CASCADE");
        }
    }

    @Test
    void raceActivateWhenTwoHostsThenExactlyOneCreatedAndTheRestConflict() throws Exception {
        TortureTest.Step s;
        try (RunningHost a = host(FIXTURES); RunningHost b = host(null)) {
            s = step(with(List.of("race-activate", "--base", a.baseUrl() + "," + b.baseUrl(), "--size", "12"),
                    dbArgs().toArray(String[]::new)));
        }

        assertThat(s.scenario()).startsWith("SCENARIO race-activate ok load=12-activations/2-hosts faults=none violations=0 ")
                .contains("201=1 409=11 active_in_db=1");
        assertThat(s.status()).isZero();
    }

    @Test
    void loadThenVerifyWhenHostRestartedThenEveryAcknowledgedWriteIsStored() throws Exception {
        Path ledger = dir.resolve("ledger");
        try (RunningHost a = host(FIXTURES)) {
            assertThat(step(List.of("load", "--base", a.baseUrl(), "--ledger", ledger.toString(), "--seconds", "1"))
                    .out()).startsWith("LOAD ops=");
        }
        TortureTest.Step verify;
        try (RunningHost restarted = host(FIXTURES)) {
            verify = step(with(List.of("verify", "--name", "crash-test", "--base", restarted.baseUrl(), "--ledger",
                    ledger.toString(), "--load", "tiny", "--faults", "restart"), dbArgs().toArray(String[]::new)));
        }

        assertThat(verify.scenario()).startsWith("SCENARIO crash-test ok load=tiny faults=restart violations=0 ");
        assertThat(verify.status()).isZero();
    }

    @Test
    void loginFloodWhenTheHashingLaneIsSmallThenBusyRefusalsAndEveryNormalRequestServed() throws Exception {
        java.util.Map<String, String> env = new java.util.HashMap<>(ENV);
        env.putAll(java.util.Map.of("LOGIN_HASH_CONCURRENCY", "1", "LOGIN_HASH_QUEUE", "0"));
        TortureTest.Step s;
        try (RunningHost a = RunningHost.start(hostDb(), TestPostgres.runtimeUser(), TestPostgres.runtimePassword(), user(),
                password(), FIXTURES, hostEnv(env))) {
            s = step(List.of("login-flood", "--base", a.baseUrl(), "--size", "8", "--seconds", "1"));
        }

        assertThat(s.scenario()).startsWith("SCENARIO login-flood ok load=8-logins-in-flight/1s faults=none violations=0 ")
                .containsPattern(" logins_429_busy=[1-9][0-9]*");
        assertThat(s.status()).isZero();
    }
}
