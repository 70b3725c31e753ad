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
                        "sync-unnest postgres 1", "sync-unnest postgres 2",
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

    @Test
    void volumeWhenSmokeScaleThenOneResultAndVolumeLinePerPathAndNoSchemaIsLeft() throws Exception {
        String url = TestPostgres.directUrl();
        String user = TestPostgres.user();
        String password = TestPostgres.password();
        List<String> args = new ArrayList<>(List.of("--only", "volume", "--volume-scale", "0.001", "--db", url,
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
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();

        List<String> results = lines.stream().filter(l -> l.startsWith("RESULT ")).toList();
        assertThat(results).allSatisfy(line -> assertThat(line).matches(BenchTest.RESULT));
        assertThat(results).extracting(l -> l.split(" ")[1] + " " + l.split(" ")[2] + " " + l.split(" ")[3])
                .containsExactlyElementsOf(VolumeBench.PATHS.stream().map(p -> "volume-" + p + " postgres 1").toList());
        assertThat(lines.stream().filter(l -> l.startsWith("VOLUME ")).map(l -> l.split(" ")[1]).toList())
                .containsExactlyElementsOf(VolumeBench.PATHS);
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("VOLUME-FILL small 10 workspaces x 100 drivers"));
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("VOLUME-FILL volume 10 workspaces x 100 drivers"));
        assertThat(benchSchemas(url, user, password)).as("bench schemas left behind").isEqualTo(schemasBefore);
    }

    @Test
    void volumeFillWhenFilledThenEveryBatchReplaysItsLogAndTheLibraryCarriesOnFromTheFilledRows() throws Exception {
        Level level = JsonLines.level();
        JsonLines.setLevel(Level.WARN);
        try (BenchStore db = BenchStore.postgres(TestPostgres.directUrl(), TestPostgres.user(), TestPostgres.password(),
                TestPostgres.runtimeUser(), TestPostgres.runtimePassword())) {
            io.fleetgate.Fleetgate fleetgate = io.fleetgate.Fleetgate.builder().store(db.store())
                    .settings(io.fleetgate.FleetgateSettings.defaults()
                            .withPositions(x -> x.withConfirmation(0, x.confirmDwell()))
                            .withSessions(x -> x.withSigningSecret(
                                    "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII)))).build();
            fleetgate.credentials().enrol(io.fleetgate.Principal.system(), new io.fleetgate.session.EnrolRequest(
                    VolumeFill.TEMPLATE_USER, VolumeFill.TEMPLATE_USER, VolumeFill.PIN));
            VolumeFill.Shape shape = new VolumeFill.Shape(2, 40);
            VolumeFill.fill(db, shape, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));

            try (Connection c = db.ownerConnection()) {
                c.setAutoCommit(false);
                db.contextKey().bind(c, io.fleetgate.Principal.system(), java.time.Instant.now());
                assertThat(count(c, "SELECT count(*) FROM driver_events")).isEqualTo(shape.events());
                assertThat(count(c, "SELECT count(*) FROM delivery_batches")).isEqualTo(shape.batches());
                assertThat(count(c, "SELECT count(*) FROM workspace_members WHERE role = 'DRIVER'")).isEqualTo(80);
                // each batch: versions 1..n without a gap, each event leaving from the status the one before
                // reached, the batch at its last event's status and version
                assertThat(count(c, "SELECT count(*) FROM delivery_batches b WHERE b.version <> (SELECT count(*)"
                        + " FROM driver_events e WHERE e.batch_id = b.id) OR b.driver_status <> (SELECT e.driver_status"
                        + " FROM driver_events e WHERE e.batch_id = b.id AND e.batch_version = b.version)")).isZero();
                assertThat(count(c, "SELECT count(*) FROM driver_events e JOIN driver_events p ON p.batch_id = e.batch_id"
                        + " AND p.batch_version = e.batch_version - 1 WHERE p.driver_status <> e.previous_status"
                        + " OR p.recorded_at >= e.recorded_at")).isZero();
                // the feed holds one EVENT per event, its seqs below the sequence's next value
                assertThat(count(c, "SELECT count(*) FROM changes WHERE kind = 'EVENT'")).isEqualTo(shape.events());
                assertThat(count(c, "SELECT count(*) FROM changes WHERE seq > (SELECT last_value FROM changes_seq)"))
                        .isZero();
                c.rollback();
            }

            // a filled driver logs in with the PIN; an on-route batch takes the route's next events
            String driver = VolumeFill.Filled.driver(1, 0);
            var login = fleetgate.sessions().login(io.fleetgate.Principal.system(),
                    new io.fleetgate.session.LoginRequest(driver, VolumeFill.PIN, "dev-" + driver));
            assertThat(login.session().userId()).isEqualTo(driver);
            String batch = VolumeFill.Filled.batch(1, 0);
            io.fleetgate.execution.Batch before = fleetgate.execution().batch(io.fleetgate.Principal.system(), batch);
            assertThat(before.status()).isEqualTo(io.fleetgate.execution.DriverStatus.EN_ROUTE);
            assertThat(before.version()).isEqualTo(VolumeFill.EVENTS_ON_ROUTE);
            java.time.Instant t = java.time.Instant.now().minusSeconds(60);
            var outcomes = fleetgate.execution().sync(io.fleetgate.Principal.driver(driver), List.of(
                    io.fleetgate.execution.DriverEventRequest.of("next-1", batch,
                            io.fleetgate.execution.DriverEventType.ARRIVED_AT_STOP, t).at(52.101, 13.001, 5.0).stop(1),
                    io.fleetgate.execution.DriverEventRequest.of("next-2", batch,
                            io.fleetgate.execution.DriverEventType.DEPARTED_STOP, t.plusSeconds(10)).at(52.101, 13.001, 5.0),
                    io.fleetgate.execution.DriverEventRequest.of("next-3", batch,
                            io.fleetgate.execution.DriverEventType.ROUTE_CANCELLED, t.plusSeconds(20)).at(52.101, 13.001, 5.0)));
            assertThat(outcomes).allSatisfy(o -> assertThat(o.result())
                    .isEqualTo(io.fleetgate.execution.EventOutcome.Result.ACCEPTED));
            assertThat(fleetgate.execution().batch(io.fleetgate.Principal.system(), batch).version())
                    .isEqualTo(VolumeFill.EVENTS_ON_ROUTE + 3L);
            io.fleetgate.Principal sup = io.fleetgate.Principal.supervisor(VolumeFill.Filled.supervisor(1),
                    VolumeFill.Filled.workspace(1));
            assertThat(fleetgate.supervisor().statusBoard(sup, 40, null).drivers()).hasSize(40)
                    .allSatisfy(r -> assertThat(r.driverId()).startsWith("drv-0001-"));
            assertThat(fleetgate.supervisor().reviewQueue(sup, 5, null).items()).hasSize(5);
        } finally {
            JsonLines.setLevel(level);
        }
    }

    @Test
    void syncUnnestWhenBothArmsRunTheSameRouteThenTheyWriteTheSameLogAndBatch() throws Exception {
        Level level = JsonLines.level();
        JsonLines.setLevel(Level.WARN);
        try (BenchStore db = BenchStore.postgres(TestPostgres.directUrl(), TestPostgres.user(), TestPostgres.password(),
                TestPostgres.runtimeUser(), TestPostgres.runtimePassword())) {
            DbSuite suite = new DbSuite(db, DbSuite.rowLevelSecurity(db));
            suite.seed();

            suite.syncOurs(DbSuite.PLAIN, 7).prepare(33, 1).run(0);
            suite.syncBaseline(DbSuite.PLAIN, 7, RawJdbc.SyncInsert.UNNEST).prepare(33, 1).run(0);

            try (Connection c = db.ownerConnection()) {
                c.setAutoCommit(false);
                db.contextKey().bind(c, io.fleetgate.Principal.system(), java.time.Instant.now());
                List<List<String>> logs = new ArrayList<>();
                try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT batch_id,"
                        + " concat_ws(' ', event_type, previous_status, driver_status, batch_version, stop_index, stop_id,"
                        + " lat, lng, accuracy_m, flagged_for_review, flag_reasons, payload, reason, session_id,"
                        + " actor_id = driver_id, length(content_hash)) FROM driver_events ORDER BY batch_id, batch_version")) {
                    String batch = null;
                    while (rs.next()) {
                        if (!rs.getString(1).equals(batch)) {
                            batch = rs.getString(1);
                            logs.add(new ArrayList<>());
                        }
                        logs.get(logs.size() - 1).add(rs.getString(2));
                    }
                }
                assertThat(logs).hasSize(2);
                assertThat(logs.get(0)).hasSize(33).isEqualTo(logs.get(1));
                assertThat(count(c, "SELECT count(DISTINCT concat_ws(' ', driver_status, current_stop_index,"
                        + " visited_stops, version)) FROM delivery_batches")).isEqualTo(1);
                c.rollback();
            }
        } finally {
            JsonLines.setLevel(level);
        }
    }

    private static long count(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
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
