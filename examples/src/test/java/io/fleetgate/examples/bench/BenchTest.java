package io.fleetgate.examples.bench;

import io.fleetgate.examples.JsonLines;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.event.Level;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * The harness itself, on SQLite with tiny sizes: that it runs every database benchmark on both
 * arms, prints its RESULT lines in the documented format, and that the baseline writes what the
 * library writes. The numbers are not checked: no timed assertions.
 */
class BenchTest {
    static final Pattern RESULT = Pattern.compile(
            "^RESULT (activate|active|complete|sync|sync-proof|sync-(unnest|prepared)|positions-ingest-(batch|unnest|copy)"
                    + "|sync-positions|pooler-(activate|active|sync)|volume-[a-z-]+"
                    + "|statemachine[-a-z0-9]*|stopguard[-a-z]*|polygon[-a-z]*|haversine[-a-z]*|geofence[-a-z]*)"
                    + " (sqlite|postgres|none) [1-9][0-9]* [0-9]+\\.[0-9] [0-9]+\\.[0-9] [0-9]+\\.[0-9]{3}$");

    @Test
    void runWhenDatabaseBenchmarksOnSqliteThenOneResultLinePerBenchmarkAndThreadCount() throws Exception {
        List<String> results = runTiny(List.of("--only", "activate,active,complete,sync,sync-proof"));

        assertThat(results).allSatisfy(line -> assertThat(line).matches(RESULT));
        assertThat(results).extracting(line -> line.split(" ")[1] + " " + line.split(" ")[2] + " " + line.split(" ")[3])
                .containsExactly("activate sqlite 1", "activate sqlite 2", "active sqlite 1", "active sqlite 2",
                        "complete sqlite 1", "complete sqlite 2", "sync sqlite 1", "sync sqlite 2",
                        "sync-prepared sqlite 1", "sync-prepared sqlite 2",
                        "sync-proof sqlite 1", "sync-proof sqlite 2",
                        // selected by "sync" (a name selects those it is a prefix of, up to a '-')
                        "sync-positions sqlite 1", "sync-positions sqlite 2");
    }

    @Test
    void runWhenPositionBenchmarksOnSqliteThenIngestAgainstTheBatchAndSyncAtEachThreadCount() throws Exception {
        List<String> results = runTiny(List.of("--only", "positions-ingest,sync-positions"));

        assertThat(results).allSatisfy(line -> assertThat(line).matches(RESULT));
        assertThat(results).extracting(line -> line.split(" ")[1] + " " + line.split(" ")[2] + " " + line.split(" ")[3])
                .containsExactly("positions-ingest-batch sqlite 2", "sync-positions sqlite 1", "sync-positions sqlite 2");
    }

    @Test
    void runWhenOnlyAFullIngestResultNameThenThatOneRuns() throws Exception {
        assertThat(runTiny(List.of("--only", "positions-ingest-batch"))).extracting(line -> line.split(" ")[1])
                .containsExactly("positions-ingest-batch");
        assertThat(runTiny(List.of("--only", "positions-ingest-copy"))).as("no COPY on SQLite").isEmpty();
    }

    @Test
    void tableWhenAbsoluteTargetThenPrintedAndMetOnlyWhenBothAreReached() {
        Comparison fast = new Comparison("positions-ingest-unnest", "postgres", 8, List.of(30_000.0, 30_000.0),
                List.of(40_000.0, 40_000.0), 0.6, null, null, 20_000);
        Comparison slow = new Comparison("positions-ingest-unnest", "postgres", 8, List.of(15_000.0, 15_000.0),
                List.of(20_000.0, 20_000.0), 0.6, null, null, 20_000);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Bench.printTable(List.of(fast, slow), new PrintStream(out, true, StandardCharsets.UTF_8));

        assertThat(fast.ratio()).isCloseTo(0.75, within(1e-12));
        assertThat(slow.ratio()).isCloseTo(0.75, within(1e-12));
        assertThat(fast.met()).isTrue();
        assertThat(slow.met()).as("ratio met, 15,000 fixes/s under the 20,000 floor").isFalse();
        assertThat(fast.targets()).isEqualTo(">=0.60 & >=20.0k/s");
        assertThat(out.toString(StandardCharsets.UTF_8)).contains(">=0.60 & >=20.0k/s yes").contains(">=0.60 & >=20.0k/s NO");
        assertThat(new Comparison("active", "sqlite", 1, List.of(1.0), List.of(1.0), 0.8, null, null).targets())
                .isEqualTo(">=0.80");
    }

    @Test
    void runWhenOnlyOneBenchmarkThenOthersDoNotRun() throws Exception {
        List<String> results = runTiny(List.of("--only", "active"));

        assertThat(results).extracting(line -> line.split(" ")[1]).containsExactly("active", "active");
    }

    static final Pattern FLOOD_RESULT = Pattern.compile("^RESULT login-flood sqlite 4 idle_median_ms=[0-9]+\\.[0-9]{3}"
            + " idle_p95_ms=[0-9]+\\.[0-9]{3} flood_median_ms=[0-9]+\\.[0-9]{3} flood_p95_ms=[0-9]+\\.[0-9]{3}"
            + " ratio=[0-9]+\\.[0-9]{3} logins_200=([0-9]+) logins_401=([0-9]+) logins_429_busy=([0-9]+)"
            + " logins_429_locked=0 logins_other=0 hash_concurrency=1 hash_queue=0 flood_nice=([0-9]+)$");

    @Test
    void runWhenPushAndFeedBenchmarksThenEveryChangeArrivesAndTheFeedReadsTheIndex() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Bench.run(Bench.Options.parse(List.of("--only", "push-latency,stream-clients,feed-query")), Plan.tiny(),
                JmhSuite.JmhPlan.quick(), io.fleetgate.examples.http.LoginFlood.Params.tiny(), Map.of(),
                io.fleetgate.examples.http.PushBench.Params.tiny(), List.of(FeedQuery.MIN_ROWS, 2 * FeedQuery.MIN_ROWS),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();

        assertThat(lines.stream().filter(l -> l.startsWith("RESULT ")).map(l -> l.split(" ")[1]).toList())
                .containsExactly("push-latency-sync", "feed-query-page", "feed-query-head", "feed-query-page-quiet",
                        "feed-query-head-quiet");
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("RESULT push-latency-sync sqlite 2 "));
        String latency = lines.stream().filter(l -> l.startsWith("LATENCY ")).findFirst().orElseThrow();
        assertThat(latency).as("every acknowledged event reached the stream").startsWith("LATENCY push-latency sqlite 2 ")
                .contains(" missing=0 ", " hosts=1 ").doesNotContain("samples=0 ");
        String streams = lines.stream().filter(l -> l.startsWith("STREAMS ")).findFirst().orElseThrow();
        assertThat(streams).as("every client got every change, nothing failed")
                .startsWith("STREAMS stream-clients sqlite 5 changes=16 lacking=0 ")
                .contains(" http_5xx=0 dropped=0 oom=no host_alive=yes met=yes");
        assertThat(lines.stream().filter(l -> l.startsWith("    SEARCH changes USING")).toList()).hasSize(4)
                .allSatisfy(l -> assertThat(l).contains("INDEX ix_changes_workspace"));
    }

    @Test
    void optionsWhenVolumeThenPostgresOnlyOptInAndItsScaleChecked() {
        Bench.Options o = Bench.Options.parse(List.of("--only", "volume", "--volume-scale", "0.05", "--db", "jdbc:x"));
        assertThat(o.volumeScale()).isEqualTo(0.05);
        assertThat(o.volumeSelected("volume-board")).isTrue();
        assertThat(Bench.Options.parse(List.of("--db", "jdbc:x")).volumeSelected("volume-board"))
                .as("a run of everything leaves the volume fill out").isFalse();
        assertThat(Bench.Options.parse(List.of()).volumeScale()).isEqualTo(1.0);
        assertThatThrownBy(() -> Bench.Options.parse(List.of("--only", "volume"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--db");
        assertThatThrownBy(() -> Bench.Options.parse(List.of("--only", "volume-login")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--db");
        for (String bad : List.of("0", "1.5", "-1", "x", "NaN")) {
            assertThatThrownBy(() -> Bench.Options.parse(List.of("--volume-scale", bad))).as(bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--volume-scale");
        }
        assertThat(VolumeFill.Shape.volume(1)).isEqualTo(new VolumeFill.Shape(100, 1000));
        assertThat(VolumeFill.Shape.volume(1).events()).isEqualTo(100L * (50 * 36 + 450 * 40));
        assertThat(VolumeFill.Shape.volume(0.05)).isEqualTo(new VolumeFill.Shape(10, 500));
        assertThat(VolumeFill.Shape.volume(0.001)).isEqualTo(VolumeFill.Shape.small());
    }

    @Test
    void optionsWhenFeedSizesOrStreamClientsThenParsedAndCheckedWithTheOptionNamed() {
        Bench.Options o = Bench.Options.parse(List.of("--feed-sizes", "10000,1000000", "--stream-clients", "200"));
        assertThat(o.feedSizes()).containsExactly(10_000L, 1_000_000L);
        assertThat(o.streamClients()).isEqualTo(200);
        for (List<String> bad : List.of(List.of("--feed-sizes", "10000"), List.of("--feed-sizes", "10,1000000"),
                List.of("--feed-sizes", "x,y"), List.of("--stream-clients", "0"), List.of("--stream-clients", "-5"))) {
            assertThatThrownBy(() -> Bench.Options.parse(bad)).as("%s", bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(bad.get(0));
        }
    }

    @Test
    void runWhenLoginFloodThenOneResultLineWithMediansAndEveryLoginAnswered() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Bench.run(Bench.Options.parse(List.of("--only", "login-flood")), Plan.tiny(), JmhSuite.JmhPlan.quick(),
                io.fleetgate.examples.http.LoginFlood.Params.tiny(),
                Map.of("LOGIN_HASH_CONCURRENCY", "1", "LOGIN_HASH_QUEUE", "0"),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        List<String> results = out.toString(StandardCharsets.UTF_8).lines().filter(l -> l.startsWith("RESULT ")).toList();

        assertThat(results).hasSize(1);
        var m = FLOOD_RESULT.matcher(results.get(0));
        assertThat(m.matches()).as(results.get(0)).isTrue();
        long answered = Long.parseLong(m.group(1)) + Long.parseLong(m.group(2)) + Long.parseLong(m.group(3));
        assertThat(answered).as("flood logins answered 200, 401 or 429 login_busy").isGreaterThanOrEqualTo(2);
        assertThat(m.group(4)).as("the attacker's niceness").isEqualTo("19");
    }

    @Test
    void parseWhenFloodNiceThenKeptAndOutOfRangeRefused() {
        assertThat(Bench.Options.parse(List.of("--flood-nice", "0")).floodNice()).isZero();
        assertThat(Bench.Options.parse(List.of()).floodNice()).isNull();
        for (String bad : List.of("20", "-1", "x", "")) {
            assertThatThrownBy(() -> Bench.Options.parse(List.of("--flood-nice", bad)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--flood-nice");
        }
    }

    @Test
    void runWhenUnknownOptionThenUsageAndExit2() throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Bench.run(List.of("--nope"), new PrintStream(new ByteArrayOutputStream(), true),
                new PrintStream(err, true, StandardCharsets.UTF_8));

        assertThat(status).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown option --nope").contains("usage:");
    }

    @Test
    void resultLineWhenSamplesThenMediansAndTheMedianOfTheBlocksOfTwoPairs() {
        // the machine got faster during the run: the medians taken apart would read 2.0 / 3.0 = 0.667
        Comparison c = new Comparison("haversine-city", "none", 1, List.of(1.0, 2.0, 3.0), List.of(2.0, 8.0, 3.0),
                0.95, null, null);

        assertThat(c.pairedRatios()).containsExactly(0.5, 0.25, 1.0);
        // blocks: sqrt(0.5 * 0.25) = 0.354 and the last pair alone, 1.0; their median 0.677
        assertThat(c.ratio()).isCloseTo((Math.sqrt(0.125) + 1.0) / 2, within(1e-12));
        assertThat(c.resultLine()).isEqualTo("RESULT haversine-city none 1 2.0 3.0 0.677").matches(RESULT);
    }

    @Test
    void ratioWhenRoundsAlternateSlowAndFastThenTheAlternationCancels() {
        // A B, B A, A B, B A: every odd position 40 % slower; ours is truly 0.8 of the baseline
        double slow = 0.6;
        List<Double> ours = List.of(80 * slow, 80.0, 80 * slow, 80.0);
        List<Double> base = List.of(100.0, 100 * slow, 100.0, 100 * slow);
        Comparison c = new Comparison("active", "sqlite", 1, ours, base, 0.8, null, null);

        assertThat(c.pairedRatios()).hasSize(4).satisfiesExactly(
                p -> assertThat(p).isCloseTo(0.48, within(1e-12)), p -> assertThat(p).isCloseTo(0.8 / 0.6, within(1e-12)),
                p -> assertThat(p).isCloseTo(0.48, within(1e-12)), p -> assertThat(p).isCloseTo(0.8 / 0.6, within(1e-12)));
        assertThat(c.ratio()).isCloseTo(0.8, within(1e-12));
    }

    @Test
    void compareWhenWarmupOpsSetThenEachArmRunsThatManyBeforeAnyRoundIsMeasured() throws Exception {
        List<Integer> ours = new ArrayList<>();
        List<Integer> base = new ArrayList<>();
        Plan plan = new Plan(1, 0, 50, 3, 0.001, 4, 8, 60, 20, List.of(1), 10, 40, 100, 1);
        Comparison c;
        try (AbRunner runner = new AbRunner(1, new PrintStream(new ByteArrayOutputStream(), true))) {
            c = runner.compare("activate", "sqlite", counting(ours), counting(base), plan, 10, 0.8);
        }

        // rounds of 10: warm-up until 50 per arm (5 rounds each), then the 3 measured ones
        assertThat(ours).hasSize(8).allMatch(n -> n == 10);
        assertThat(base).hasSize(8);
        assertThat(c.ours()).hasSize(3);
        assertThat(c.baseline()).hasSize(3);
    }

    private static Arm counting(List<Integer> rounds) {
        return (ops, threads) -> {
            rounds.add(ops);
            return t -> { };
        };
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sync", "sync-proof", "sync-prepared"})
    void syncWhenBothArmsRunTheSameRouteThenTheyWriteTheSameLogAndBatch(String name) throws Exception {
        DbSuite.Cycle cycle = DbSuite.cycle(name.equals("sync-prepared") ? "sync" : name);
        RawJdbc.SyncInsert how = name.equals("sync-prepared") ? RawJdbc.SyncInsert.PREPARED : RawJdbc.SyncInsert.BATCH;
        Level level = JsonLines.level();
        JsonLines.setLevel(Level.WARN);
        try (BenchStore db = BenchStore.sqlite()) {
            DbSuite suite = new DbSuite(db, false);
            suite.seed();

            suite.syncOurs(cycle, 7).prepare(33, 1).run(0);
            suite.syncBaseline(cycle, 7, how).prepare(33, 1).run(0);

            Map<String, List<String>> logs = rows(db, "SELECT batch_id, event_type || ' ' || previous_status || ' '"
                    + " || driver_status || ' ' || batch_version || ' ' || coalesce(stop_index, '-') || ' '"
                    + " || coalesce(stop_id, '-') || ' ' || lat"
                    + " || ' ' || lng || ' ' || accuracy_m || ' ' || flagged_for_review || ' '"
                    + " || flag_reasons || ' ' || actor_id = driver_id FROM driver_events ORDER BY batch_id, batch_version");
            Map<String, List<String>> payloads = rows(db, "SELECT batch_id, payload FROM driver_events"
                    + " ORDER BY batch_id, batch_version");
            Map<String, List<String>> batches = rows(db, "SELECT id, driver_status || ' ' || coalesce(current_stop_index,"
                    + " '-') || ' ' || visited_stops || ' ' || version || ' ' || execution_metadata"
                    + " || ' ' || (actual_start_time IS NOT NULL) FROM delivery_batches");
            Map<String, List<String>> progress = rows(db, "SELECT id, stop_progress FROM delivery_batches");
            assertThat(logs).hasSize(2);
            List<List<String>> both = new ArrayList<>(logs.values());
            assertThat(both.get(0)).hasSize(33).isEqualTo(both.get(1));
            List<List<String>> after = new ArrayList<>(batches.values());
            assertThat(after).hasSize(2);
            assertThat(after.get(0)).isEqualTo(after.get(1));
            // JSON compared as values: key order is the writer's
            assertThat(parsed(payloads).get(0)).isEqualTo(parsed(payloads).get(1));
            // the arms' routes start at their own instants: compare the progress without them
            List<List<Object>> stops = parsed(progress.entrySet().stream().collect(java.util.stream.Collectors.toMap(
                    Map.Entry::getKey, en -> en.getValue().stream()
                            .map(t -> t.replaceAll("\\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z", "<instant>")).toList(),
                    (a, b) -> a, LinkedHashMap::new)));
            assertThat(stops.get(0)).isEqualTo(stops.get(1));
            assertThat(stops.get(0).get(0).toString()).contains(cycle == DbSuite.PLAIN ? "COMPLETED" : "SIGNATURE");
        } finally {
            JsonLines.setLevel(level);
        }
    }

    /** Each fix as both arms store it, its time taken from its driver's first: the same shift gives the same rows. */
    static final String FIX_CONTENT = "SELECT (recorded_at - (SELECT min(g.recorded_at) FROM driver_fixes g"
            + " WHERE g.driver_id = f.driver_id)) || ' ' || lat || ' ' || lng || ' ' || coalesce(accuracy_m, '-') || ' '"
            + " || coalesce(speed_mps, '-') || ' ' || coalesce(heading_deg, '-') || ' ' || marks FROM driver_fixes f";

    @Test
    void ingestWhenBothArmsRunTheSameShiftsThenEachStoresEveryFixAndTheSameRows() throws Exception {
        Level level = JsonLines.level();
        JsonLines.setLevel(Level.WARN);
        try (BenchStore db = BenchStore.sqlite()) {
            DbSuite suite = new DbSuite(db, false);
            suite.seed();

            Arm.Round ours = suite.ingestOurs().prepare(600, 3);
            for (int t = 0; t < 3; t++) {
                ours.run(t);
            }
            assertThat(suite.raw().countFixes()).isEqualTo(600);
            Arm.Round base = suite.ingestBaseline(RawJdbc.FixInsert.BATCH).prepare(600, 3);
            for (int t = 0; t < 3; t++) {
                base.run(t);
            }

            assertThat(suite.raw().countFixes()).isEqualTo(1200);
            assertThat(count(db, "SELECT count(DISTINCT driver_id) FROM driver_fixes")).isEqualTo(6);
            assertThat(count(db, "SELECT count(*) FROM driver_fixes WHERE marks <> 0")).isZero();
            assertThat(count(db, "SELECT count(*) FROM driver_fixes WHERE speed_mps IS NOT NULL")).isBetween(600L, 1000L);
            Map<String, Long> content = new java.util.HashMap<>();
            for (String row : rows(db, FIX_CONTENT.replaceFirst("SELECT ", "SELECT 'all', ")).get("all")) {
                content.merge(row, 1L, Long::sum);
            }
            assertThat(content).hasSize(600).allSatisfy((row, n) -> assertThat(n).as(row).isEqualTo(2));
            // fleetgate's side raised nothing: on route, in the corridor, no jump
            assertThat(count(db, "SELECT count(*) FROM position_alerts")).isZero();
            assertThat(count(db, "SELECT count(*) FROM driver_presence WHERE last_fix_at IS NOT NULL")).isEqualTo(3);
        } finally {
            JsonLines.setLevel(level);
        }
    }

    @Test
    void ingestWhenRoundNotWholeCallsPerThreadThenRefused() throws Exception {
        try (BenchStore db = BenchStore.sqlite()) {
            DbSuite suite = new DbSuite(db, false);
            assertThatThrownBy(() -> suite.ingestOurs().prepare(250, 2)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("multiple of 2 x 100");
        }
    }

    @Test
    void syncPositionsWhenFixesStoredThenArrivalsConfirmedAndWithoutFixesFlagged() throws Exception {
        Level level = JsonLines.level();
        JsonLines.setLevel(Level.WARN);
        try (BenchStore db = BenchStore.sqlite()) {
            DbSuite suite = new DbSuite(db, false);
            suite.seed();

            suite.syncPositionsOn(7).prepare(33, 1).run(0);
            long fixesOn = suite.raw().countFixes();
            suite.syncPositionsOff(7).prepare(33, 1).run(0);

            // 33 events 10 s apart: 66 fixes 5 s apart per route, both arms
            assertThat(fixesOn).isEqualTo(66);
            assertThat(suite.raw().countFixes()).isEqualTo(132);
            assertThat(count(db, "SELECT count(*) FROM driver_events")).isEqualTo(66);
            assertThat(count(db, "SELECT count(*) FROM driver_events WHERE event_type = 'ARRIVED_AT_STOP'")).isEqualTo(14);
            assertThat(count(db, "SELECT count(*) FROM driver_events WHERE flagged_for_review")).isZero();
            assertThat(count(db, "SELECT count(*) FROM delivery_batches WHERE route IS NOT NULL")).isEqualTo(1);
            assertThat(count(db, "SELECT count(*) FROM position_alerts")).isZero();
            // the same route without its fixes: confirmation is on, so every arrival is flagged
            // and the arm refuses to pass for a fast one
            Arm.Round unconfirmed = suite.syncOurs(suite.executionOn(), DbSuite.PLAIN, 7, DbSuite.SYNC_CORRIDOR, false)
                    .prepare(33, 1);
            assertThatThrownBy(() -> unconfirmed.run(0)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("ARRIVAL_UNCONFIRMED");
        } finally {
            JsonLines.setLevel(level);
        }
    }

    private static long count(BenchStore db, String sql) throws SQLException {
        try (Connection c = db.store().dataSource().getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static List<List<Object>> parsed(Map<String, List<String>> rows) throws Exception {
        com.fasterxml.jackson.databind.ObjectMapper mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        List<List<Object>> out = new ArrayList<>();
        for (List<String> texts : rows.values()) {
            List<Object> values = new ArrayList<>();
            for (String text : texts) {
                values.add(mapper.readValue(text, Object.class));
            }
            out.add(values);
        }
        return out;
    }

    static List<String> runTiny(List<String> args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Bench.Options options = Bench.Options.parse(args);
        Bench.run(options, Plan.tiny(), JmhSuite.JmhPlan.quick(), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        return out.toString(StandardCharsets.UTF_8).lines().filter(l -> l.startsWith("RESULT ")).toList();
    }

    private static Map<String, List<String>> rows(BenchStore db, String sql) throws SQLException {
        Map<String, List<String>> out = new LinkedHashMap<>();
        try (Connection c = db.store().dataSource().getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                out.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getString(2));
            }
        }
        return out;
    }
}
