package io.fleetgate.examples.bench;

import io.fleetgate.Fleetgate;
import io.fleetgate.FleetgateSettings;
import io.fleetgate.Principal;
import io.fleetgate.access.Workspace;
import io.fleetgate.supervisor.ChangeFeed;
import io.fleetgate.supervisor.ChangePage;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * The {@code feed-query} benchmark (issue #18): what reading the change feed costs as the log
 * grows. Two databases of the same kind (two SQLite files, or two PostgreSQL schemas), one with a
 * small {@code changes} table and one with a large one (10,000 and 1,000,000 rows by default),
 * filled by one set-based {@code INSERT … SELECT} each (not through the services: only the rows
 * matter), spread over {@value #WORKSPACES} busy workspaces in interleaved seqs, and one row in
 * {@value #QUIET_EVERY} of the older half to a quiet workspace. A supervisor reads through
 * {@link ChangeFeed}: {@code feed-query-page} is {@code changes(cursor, 100)} from a cursor 100
 * changes before a busy workspace's newest (a full page), {@code feed-query-head} is {@code head()};
 * the {@code -quiet} pair does the same for the quiet workspace. {@link AbRunner} alternates the large database (“ours”) and the small one
 * (“baseline”) round by round, so the ratio is large ÷ small: flat is 1, the target is ≥ 0.8.
 * The query plans of both statements on the large database are returned as {@code PLAN} lines
 * (PostgreSQL {@code EXPLAIN (ANALYZE, BUFFERS)} as the runtime role with the reader's context
 * bound, so row-level security applies, as a custom and as a generic plan; SQLite {@code EXPLAIN
 * QUERY PLAN}).
 */
final class FeedQuery {
    /** The benchmark's name in {@code --only}; its RESULT names add {@code -page} and {@code -head}. */
    static final String NAME = "feed-query";
    /** Workspaces the rows are spread over. */
    static final int WORKSPACES = 10;
    /** The page size read. */
    static final int PAGE = 100;
    /** Its RESULT names, in the order they run. */
    static final List<String> NAMES = List.of(NAME + "-page", NAME + "-head", NAME + "-page-quiet", NAME + "-head-quiet");
    /** Warm-up operations per side (fewer than the other database benchmarks': a slow read may take 20 ms). */
    static final int WARMUP_OPS = 2_000;
    /** The least ratio large ÷ small: the cost stays flat. */
    static final double TARGET = 0.8;

    private static final String WORKSPACE = "ws-feed-0";
    /** A quiet workspace: one change in {@value #QUIET_EVERY}, in the older half of the log only. */
    private static final String QUIET = "ws-feed-quiet";
    private static final int QUIET_EVERY = 40;
    /** The fewest rows a table may have: the quiet workspace needs a full page and one more. */
    static final long MIN_ROWS = 2L * QUIET_EVERY * (PAGE + 1);
    private static final String FIND = "io/fleetgate/store/jdbc/sql/changes/find.sql";
    private static final String HEAD = "io/fleetgate/store/jdbc/sql/changes/head.sql";

    private FeedQuery() {
    }

    /** One filled database and a reader of it. */
    private record Side(BenchStore db, ChangeFeed feed, long rows, Reader busy, Reader quiet) {
        Reader reader(boolean quiet) {
            return quiet ? this.quiet : busy;
        }
    }

    /** A supervisor of one workspace, and a cursor a page before its newest change. */
    private record Reader(String workspaceId, Principal principal, String cursor, long after) {
    }

    /**
     * Runs both comparisons.
     *
     * @param open     opens a new, empty database of the run's kind
     * @param small    rows in the small table
     * @param large    rows in the large table
     * @param plan     rounds (threads: 1)
     * @param selected which RESULT names run
     * @param log      progress
     * @param plans    gets the query plans' lines ({@code PLAN …} and the plan indented)
     * @return the comparisons ({@code feed-query-page}, {@code feed-query-head})
     * @throws Exception if a database cannot be filled or a read fails
     */
    static List<Comparison> run(Opener open, long small, long large, Plan plan, Predicate<String> selected,
                                PrintStream log, List<String> plans) throws Exception {
        List<Comparison> out = new ArrayList<>();
        try (BenchStore smallDb = open.open(); BenchStore largeDb = open.open()) {
            Side s = fill(smallDb, small, log);
            Side l = fill(largeDb, large, log);
            explain(l, plans);
            String kind = largeDb.kind();
            for (String name : NAMES) {
                if (!selected.test(name)) {
                    continue;
                }
                boolean quiet = name.endsWith("-quiet");
                try (AbRunner runner = new AbRunner(1, log)) {
                    // the JIT warms the feed's read path in a few thousand calls; the slow side may take 20 ms a call
                    Plan p = plan.withWarmupOps(Math.min(plan.warmupOps(), WARMUP_OPS));
                    out.add(name.startsWith(NAME + "-page")
                            ? runner.compare(name, kind, page(l.reader(quiet), l.feed()), page(s.reader(quiet), s.feed()),
                            p, 0, TARGET)
                            : runner.compare(name, kind, head(l.reader(quiet), l.feed()), head(s.reader(quiet), s.feed()),
                            p, 0, TARGET));
                }
            }
        }
        return out;
    }

    /** Opens a new, empty, migrated database. */
    @FunctionalInterface
    interface Opener {
        /**
         * @return the database
         * @throws Exception if it cannot be made
         */
        BenchStore open() throws Exception;
    }

    private static Arm page(Reader reader, ChangeFeed feed) {
        return (ops, threads) -> t -> {
            for (int i = Arm.from(ops, threads, t); i < Arm.to(ops, threads, t); i++) {
                ChangePage p = feed.changes(reader.principal(), reader.cursor(), PAGE);
                if (p.changes().size() != PAGE) {
                    throw new IllegalStateException("a page of " + p.changes().size() + " changes, not " + PAGE);
                }
            }
        };
    }

    private static Arm head(Reader reader, ChangeFeed feed) {
        return (ops, threads) -> t -> {
            for (int i = Arm.from(ops, threads, t); i < Arm.to(ops, threads, t); i++) {
                if (feed.head(reader.principal(), null) == null) {
                    throw new IllegalStateException("no head");
                }
            }
        };
    }

    /** Fills the database's {@code changes} with {@code rows} rows and returns a reader positioned near the end. */
    private static Side fill(BenchStore db, long rows, PrintStream log) throws SQLException {
        if (rows < MIN_ROWS) {
            throw new IllegalArgumentException("feed-query needs at least " + MIN_ROWS + " rows, got " + rows);
        }
        Fleetgate fleetgate = Fleetgate.builder().store(db.store()).settings(FleetgateSettings.defaults()).build();
        for (int w = 0; w < WORKSPACES; w++) {
            fleetgate.access().upsertWorkspace(Principal.system(), new Workspace("ws-feed-" + w, "feed " + w));
        }
        fleetgate.access().upsertWorkspace(Principal.system(), new Workspace(QUIET, "quiet"));
        long started = System.nanoTime();
        long at = Instant.now().minus(20, ChronoUnit.DAYS).truncatedTo(ChronoUnit.MICROS).toEpochMilli() * 1000;
        if (db.postgres()) {
            // as the owner: only it may insert into changes (V14); seqs given, the sequence moved past them
            try (Connection c = db.ownerConnection()) {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO changes (seq, workspace_id, kind, entity_id,"
                        + " driver_id, batch_id, at, summary) SELECT g, CASE WHEN g % ? = 0 AND g <= ? THEN ?"
                        + " ELSE 'ws-feed-' || (g % ?) END, 'EVENT', 'ev-' || g,"
                        + " 'drv-' || (g % 97), 'batch-' || (g % 997), to_timestamp(? / 1e6) + g * interval '1 millisecond',"
                        + " jsonb_build_object('event_type', 'DELAY_REPORTED', 'status', 'DELAYED', 'flagged', 'false')"
                        + " FROM generate_series(1, ?) g")) {
                    ps.setInt(1, QUIET_EVERY);
                    ps.setLong(2, rows / 2);
                    ps.setString(3, QUIET);
                    ps.setInt(4, WORKSPACES);
                    ps.setLong(5, at);
                    ps.setLong(6, rows);
                    ps.executeUpdate();
                }
                try (PreparedStatement ps = c.prepareStatement("SELECT setval('changes_seq', ?)")) {
                    ps.setLong(1, rows);
                    ps.executeQuery().close();
                }
                try (Statement st = c.createStatement()) {
                    st.execute("ANALYZE changes");
                }
            }
        } else {
            try (Connection c = db.store().dataSource().getConnection()) {
                try (PreparedStatement ps = c.prepareStatement("WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1"
                        + " FROM g WHERE n < ?) INSERT INTO changes (seq, workspace_id, kind, entity_id, driver_id,"
                        + " batch_id, at, summary) SELECT n, CASE WHEN n % ? = 0 AND n <= ? THEN ? ELSE 'ws-feed-' || (n % ?)"
                        + " END, 'EVENT', 'ev-' || n, 'drv-' || (n % 97),"
                        + " 'batch-' || (n % 997), ? + n * 1000,"
                        + " '{\"event_type\":\"DELAY_REPORTED\",\"status\":\"DELAYED\",\"flagged\":\"false\"}' FROM g")) {
                    ps.setLong(1, rows);
                    ps.setInt(2, QUIET_EVERY);
                    ps.setLong(3, rows / 2);
                    ps.setString(4, QUIET);
                    ps.setInt(5, WORKSPACES);
                    ps.setLong(6, at);
                    ps.executeUpdate();
                }
                try (Statement st = c.createStatement()) {
                    st.execute("ANALYZE");
                }
            }
        }
        long count;
        long nearEnd;
        long quietNearEnd;
        // PostgreSQL forces row-level security on changes, the owner included: read as the system
        try (Connection c = db.store().dataSource().getConnection()) {
            c.setAutoCommit(false);
            if (db.postgres()) {
                db.contextKey().bind(c, Principal.system(), Instant.now());
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT (SELECT count(*) FROM changes), (SELECT seq FROM"
                    + " changes WHERE workspace_id = ? ORDER BY seq DESC LIMIT 1 OFFSET ?), (SELECT seq FROM"
                    + " changes WHERE workspace_id = ? ORDER BY seq DESC LIMIT 1 OFFSET ?)")) {
                ps.setString(1, WORKSPACE);
                ps.setInt(2, PAGE);
                ps.setString(3, QUIET);
                ps.setInt(4, PAGE);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    count = rs.getLong(1);
                    nearEnd = rs.getLong(2);
                    quietNearEnd = rs.getLong(3);
                }
            } finally {
                c.rollback();
                c.setAutoCommit(true);
            }
        }
        if (count != rows) {
            throw new IllegalStateException("changes holds " + count + " rows, not " + rows);
        }
        log.printf(Locale.ROOT, "  feed-query %s: %,d changes over %d busy workspaces and a quiet one written in %.1f s%n",
                db.kind(), rows, WORKSPACES, (System.nanoTime() - started) / 1e9);
        return new Side(db, fleetgate.changes(), rows,
                new Reader(WORKSPACE, Principal.supervisor("feed-reader", WORKSPACE), cursor(WORKSPACE, nearEnd), nearEnd),
                new Reader(QUIET, Principal.supervisor("feed-quiet", QUIET), cursor(QUIET, quietNearEnd), quietNearEnd));
    }

    /**
     * @param workspaceId the workspace
     * @param seq         the last seq read
     * @return the feed's cursor for it, as {@code docs/changes.md} describes it
     */
    static String cursor(String workspaceId, long seq) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString(("f1:" + seq + ":" + workspaceId).getBytes(StandardCharsets.UTF_8));
    }

    /** Prints the plans of the store's own page and head statements on the side's database. */
    private static void explain(Side side, List<String> log) throws Exception {
        for (boolean quiet : new boolean[] {false, true}) {
            explain(side, side.reader(quiet), quiet ? "-quiet" : "", log);
        }
    }

    private static void explain(Side side, Reader reader, String suffix, List<String> log) throws Exception {
        String find = positional(resource(FIND));
        String head = positional(resource(HEAD));
        long after = reader.after();
        BenchStore db = side.db();
        try (Connection c = db.store().dataSource().getConnection()) {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                if (db.postgres()) {
                    db.contextKey().bind(c, reader.principal(), Instant.now());
                }
                for (String mode : db.postgres() ? List.of("force_custom_plan", "force_generic_plan") : List.of("")) {
                    explain(c, db, mode, find, head, reader, suffix, after, side.rows(), log);
                }
            } finally {
                c.rollback();
                c.setAutoCommit(auto);
            }
        }
    }

    /**
     * PostgreSQL plans a statement for its values the first five times it is executed as a server-side
     * prepared statement, then may switch to a generic plan (pgjdbc prepares on the server from the
     * fifth use): both are shown, as {@code plan_cache_mode} forces each.
     */
    private static void explain(Connection c, BenchStore db, String mode, String find, String head, Reader reader,
                                String suffix, long after, long rows, List<String> log) throws SQLException {
        if (!mode.isEmpty()) {
            try (Statement st = c.createStatement()) {
                st.execute("SET LOCAL plan_cache_mode = " + mode);
            }
        }
        String how = mode.isEmpty() ? "" : " " + mode;
        log.add(String.format(Locale.ROOT, "PLAN feed-query-page%s %s %d rows%s:", suffix, db.kind(), rows, how));
        plan(c, db.postgres(), find, List.of(reader.workspaceId(), after, PAGE), log);
        log.add(String.format(Locale.ROOT, "PLAN feed-query-head%s %s %d rows%s:", suffix, db.kind(), rows, how));
        plan(c, db.postgres(), head, List.of(reader.workspaceId()), log);
    }

    /**
     * SQLite: {@code EXPLAIN QUERY PLAN} with the values bound. PostgreSQL: {@code PREPARE} then
     * {@code EXPLAIN (ANALYZE, BUFFERS) EXECUTE} with the values, as a server-side prepared
     * statement is planned (pgjdbc prepares on the server from a statement's fifth use); the values
     * are the bench's own workspace ids and numbers, written as literals.
     */
    private static void plan(Connection c, boolean postgres, String sql, List<Object> values, List<String> log)
            throws SQLException {
        if (!postgres) {
            try (PreparedStatement ps = c.prepareStatement("EXPLAIN QUERY PLAN " + sql)) {
                for (int i = 0; i < values.size(); i++) {
                    ps.setObject(i + 1, values.get(i));
                }
                printPlan(ps, false, log);
            }
            return;
        }
        StringBuilder numbered = new StringBuilder();
        int n = 0;
        for (char ch : sql.toCharArray()) {
            numbered.append(ch == '?' ? "$" + (++n) : String.valueOf(ch));
        }
        StringBuilder args = new StringBuilder();
        for (Object v : values) {
            args.append(args.isEmpty() ? "" : ", ").append(v instanceof String text ? "'" + text.replace("'", "''") + "'" : v);
        }
        try (Statement st = c.createStatement()) {
            st.execute("PREPARE fleetgate_bench_plan AS " + numbered);
            try (PreparedStatement ps = c.prepareStatement("EXPLAIN (ANALYZE, BUFFERS) EXECUTE fleetgate_bench_plan(" + args + ")")) {
                printPlan(ps, true, log);
            } finally {
                st.execute("DEALLOCATE fleetgate_bench_plan");
            }
        }
    }

    private static void printPlan(PreparedStatement ps, boolean postgres, List<String> log) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                // SQLite: id, parent, notused, detail
                log.add("    " + (postgres ? rs.getString(1) : rs.getString(4)));
            }
        }
    }

    /** @return the statement without its comment lines, Jdbi's named parameters made positional */
    static String positional(String sql) {
        StringBuilder out = new StringBuilder();
        for (String line : sql.split("\n")) {
            if (!line.strip().startsWith("--")) {
                out.append(line).append('\n');
            }
        }
        return out.toString().replaceAll(":[a-z_]+", "?").strip();
    }

    private static String resource(String path) throws IOException {
        try (InputStream in = FeedQuery.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IOException("no resource " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
