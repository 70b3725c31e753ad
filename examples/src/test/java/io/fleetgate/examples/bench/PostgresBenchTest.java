package io.fleetgate.examples.bench;

import io.fleetgate.examples.JsonLines;
import io.fleetgate.testkit.TestPostgres;

import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The harness on PostgreSQL with tiny sizes, on the server given by the system properties
 * {@code fleetgate.test.pg.url}, {@code .user} and {@code .password} (scripts/test provisions
 * one): both arms run under the store's row-level security, each fix ingest arm stores every fix
 * it claims, and the run leaves no schema behind. Without a server the test fails, saying how to
 * give one: PostgreSQL tests never skip. The benchmarks' own JDBC reaches the server directly
 * ({@link TestPostgres#directUrl()}); the pooler benchmark also through {@link TestPostgres#url()},
 * PgBouncer in scripts/test's second pass.
 */
class PostgresBenchTest {

    @Test
    void runWhenDatabaseBenchmarksOnPostgresThenOneResultLinePerBenchmarkAndThreadCount() throws Exception {
        String url = TestPostgres.directUrl();
        List<String> args = new ArrayList<>(List.of("--only",
                "activate,active,complete,sync,sync-proof,positions-ingest,sync-positions", "--db", url));
        String user = TestPostgres.user();
        String password = TestPostgres.password();
        args.addAll(List.of("--db-user", TestPostgres.runtimeUser(), "--db-owner-user", user));
        if (TestPostgres.runtimePassword() != null && !TestPostgres.runtimePassword().isEmpty()) {
            args.addAll(List.of("--db-password", TestPostgres.runtimePassword()));
        }
        if (password != null && !password.isEmpty()) {
            args.addAll(List.of("--db-owner-password", password));
        }

        long schemasBefore = benchSchemas(url, user, password);

        List<String> results = BenchTest.runTiny(args);

        assertThat(results).allSatisfy(line -> assertThat(line).matches(BenchTest.RESULT));
        assertThat(results).extracting(line -> line.split(" ")[1] + " " + line.split(" ")[2] + " " + line.split(" ")[3])
                .containsExactly("activate postgres 1", "activate postgres 2", "active postgres 1", "active postgres 2",
                        "complete postgres 1", "complete postgres 2", "sync postgres 1", "sync postgres 2",
                        "sync-proof postgres 1", "sync-proof postgres 2", "positions-ingest-unnest postgres 2",
                        "positions-ingest-copy postgres 2", "sync-positions postgres 1", "sync-positions postgres 2");
        assertThat(benchSchemas(url, user, password)).as("bench schemas left behind").isEqualTo(schemasBefore);
    }

    @Test
    void runWhenPushAndFeedBenchmarksOnPostgresThenTwoHostsDeliverEverythingAndNoSchemaIsLeft() throws Exception {
        String url = TestPostgres.directUrl();
        String user = TestPostgres.user();
        String password = TestPostgres.password();
        List<String> args = new ArrayList<>(List.of("--only", "push-latency,stream-clients,feed-query", "--db", url,
                "--db-user", TestPostgres.runtimeUser(), "--db-owner-user", user));
        if (TestPostgres.runtimePassword() != null && !TestPostgres.runtimePassword().isEmpty()) {
            args.addAll(List.of("--db-password", TestPostgres.runtimePassword()));
        }
        if (password != null && !password.isEmpty()) {
            args.addAll(List.of("--db-owner-password", password));
        }
        long schemasBefore = benchSchemas(url, user, password);
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        Bench.run(Bench.Options.parse(args), Plan.tiny(), JmhSuite.JmhPlan.quick(),
                io.fleetgate.examples.http.LoginFlood.Params.tiny(), Map.of(),
                io.fleetgate.examples.http.PushBench.Params.tiny(), List.of(FeedQuery.MIN_ROWS, 2 * FeedQuery.MIN_ROWS),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();

        assertThat(lines.stream().filter(l -> l.startsWith("RESULT ")).map(l -> l.split(" ")[1] + " " + l.split(" ")[2])
                .toList()).containsExactly("push-latency-sync postgres", "feed-query-page postgres",
                "feed-query-head postgres", "feed-query-page-quiet postgres", "feed-query-head-quiet postgres");
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("LATENCY push-latency postgres 2 ")
                .as("synced through one host, every event on the other's stream").contains(" missing=0 ", " hosts=2 "));
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("STREAMS stream-clients postgres 5 changes=16 lacking=0 ")
                .contains(" http_5xx=0 dropped=0 oom=no host_alive=yes met=yes"));
        assertThat(lines.stream().filter(l -> l.startsWith("PLAN feed-query-")).toList()).as("custom and generic plans")
                .hasSize(8);
        assertThat(benchSchemas(url, user, password)).as("bench schemas left behind").isEqualTo(schemasBefore);
    }

    @Test
    void runWhenPoolerBenchmarkThenEachHotPathThroughThePoolerAgainstDirectAndNoSchemaIsLeft() throws Exception {
        String url = TestPostgres.directUrl();
        String user = TestPostgres.user();
        String password = TestPostgres.password();
        // in scripts/test's first pass url() is the server itself: the "pooled" store is then set
        // for a transaction pooler on a direct connection, which the store accepts
        List<String> args = new ArrayList<>(List.of("--only", "pooler", "--db", url, "--pooled-db", TestPostgres.url(),
                "--db-user", TestPostgres.runtimeUser(), "--db-owner-user", user));
        if (TestPostgres.runtimePassword() != null && !TestPostgres.runtimePassword().isEmpty()) {
            args.addAll(List.of("--db-password", TestPostgres.runtimePassword()));
        }
        if (password != null && !password.isEmpty()) {
            args.addAll(List.of("--db-owner-password", password));
        }
        long schemasBefore = benchSchemas(url, user, password);

        List<String> results = BenchTest.runTiny(args);

        assertThat(results).allSatisfy(line -> assertThat(line).matches(BenchTest.RESULT));
        assertThat(results).extracting(line -> line.split(" ")[1] + " " + line.split(" ")[2] + " " + line.split(" ")[3])
                .containsExactly("pooler-activate postgres 1", "pooler-activate postgres 2", "pooler-active postgres 1",
                        "pooler-active postgres 2", "pooler-sync postgres 1", "pooler-sync postgres 2");
        assertThat(benchSchemas(url, user, password)).as("bench schemas left behind").isEqualTo(schemasBefore);
    }

    @Test
    void ingestWhenEachArmRunsOnPostgresThenEachStoresEveryFixItClaimsUnderRowLevelSecurity() throws Exception {
        Level level = JsonLines.level();
        JsonLines.setLevel(Level.WARN);
        try (BenchStore db = BenchStore.postgres(TestPostgres.directUrl(), TestPostgres.user(), TestPostgres.password(),
                TestPostgres.runtimeUser(), TestPostgres.runtimePassword())) {
            DbSuite suite = new DbSuite(db, DbSuite.rowLevelSecurity(db));
            suite.seed();
            assertThat(suite.raw().accessContext()).as("driver_fixes has row-level security").isTrue();

            // COPY twice: the second round runs on the staging tables the first made
            long expected = 0;
            for (Arm arm : List.of(suite.ingestOurs(), suite.ingestBaseline(RawJdbc.FixInsert.UNNEST),
                    suite.ingestBaseline(RawJdbc.FixInsert.COPY), suite.ingestBaseline(RawJdbc.FixInsert.COPY))) {
                Arm.Round round = arm.prepare(400, 2);
                round.run(0);
                round.run(1);
                expected += 400;
                assertThat(suite.raw().countFixes()).isEqualTo(expected);
            }
            assertThat(expected).isEqualTo(1600);
        } finally {
            JsonLines.setLevel(level);
        }
    }

    private static long benchSchemas(String url, String user, String password) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, user, password); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'fleetgate_bench_%'")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
