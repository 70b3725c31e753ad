package io.fleetgate.examples.bench;

import io.fleetgate.examples.JsonLines;
import io.fleetgate.examples.http.LoginFlood;
import io.fleetgate.examples.http.PushBench;
import org.slf4j.event.Level;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The {@code bench} command: what fleetgate costs over the database work it must do, and what its
 * rules engine and geo code cost against the libraries a user would otherwise pick.
 *
 * <pre>
 * java -jar fleetgate-examples.jar bench [--quick] [--db JDBC_URL --db-user U --db-password P
 *                                        [--db-owner-user O --db-owner-password OP]]
 *                                        [--gc] [--only NAME,…] [--access-context auto|on|off]
 * </pre>
 *
 * <p>Database benchmarks run on a new SQLite file by default, or on a new schema of the
 * PostgreSQL database given with {@code --db}; either is removed at the end, so a run changes
 * nothing else. They are measured by {@link AbRunner} (fleetgate and a hand-written JDBC
 * baseline, {@link RawJdbc}, in alternating rounds); the rules-engine and geo benchmarks by JMH
 * ({@link JmhSuite}). Progress goes to standard error; standard output gets a table with medians
 * and spreads, then one line per benchmark:
 * {@code RESULT <name> <store> <threads> <ops_per_s> <baseline_ops_per_s> <ratio>}; then for
 * {@code push-latency} a {@code LATENCY} line and for {@code stream-clients} a {@code STREAMS} line
 * ({@link PushBench}), {@code feed-query}'s {@code PLAN} lines ({@link FeedQuery}), and for
 * {@code login-flood} ({@link LoginFlood}) one line of probe latencies idle and under a login flood.
 */
public final class Bench {
    static final String USAGE = """
            usage: java -jar fleetgate-examples.jar bench [options]
              --quick                  short rounds (under 2 minutes on SQLite)
              --db JDBC_URL            run the database benchmarks on PostgreSQL instead of SQLite
                                       (a new schema is created and dropped)
              --db-user USER           PostgreSQL role the store runs as (with --db)
              --db-password PASSWORD   its password (with --db)
              --db-owner-user OWNER    the role that owns the database's schemas: it creates,
                                       migrates and drops the run's schema (without it, --db-user
                                       does, and the store runs as that owner)
              --db-owner-password PW   its password
              --pooled-db JDBC_URL     pooler: the same database as --db through PgBouncer in
                                       transaction mode (the run's schema is reached both ways)
              --gc                     report JMH allocation per operation (always on without --quick)
              --only NAME,...          run only these benchmarks (activate, active, complete, sync,
                                       sync-proof, positions-ingest, sync-positions, statemachine,
                                       stopguard, polygon, haversine, geofence, login-flood,
                                       push-latency, stream-clients, feed-query, pooler, volume, or a full
                                       RESULT name); login-flood reads LOGIN_HASH_CONCURRENCY
                                       and LOGIN_HASH_QUEUE from the environment
              --flood-nice N           login-flood's attacker process priority: 19 (default, the
                                       lowest: it stands in for machines of its own) to 0 (the
                                       host's own priority)
              --access-context MODE    auto (default): the baseline binds the caller per transaction
                                       on PostgreSQL when the schema has row-level security; on; off
              --stream-clients N       stream-clients: concurrent streams (default 500)
              --feed-sizes S,L         feed-query: rows in the small and the large changes table
                                       (default 10000,1000000)
              --volume-scale X         volume (PostgreSQL; runs only when --only names it): the
                                       volume database's size, above 0 up to 1 (default 1: 100,000
                                       drivers, 50,000 batches, ~2M events); e.g. 0.05 for a smoke run
              --volume-keep            volume: leave both filled schemas in place (printed as
                                       VOLUME-KEPT lines) to look at their plans; drop them after
            """;

    /** The login flood's name in {@code --only} and its RESULT line. */
    static final String LOGIN_FLOOD = "login-flood";
    /** The push latency benchmark's name in {@code --only}; its throughput RESULT is {@code push-latency-sync}. */
    static final String PUSH_LATENCY = "push-latency";
    /** The 500-streams benchmark's name in {@code --only} and its STREAMS line. */
    static final String STREAM_CLIENTS = "stream-clients";
    /** {@code feed-query}'s table sizes, small and large, unless {@code --feed-sizes} says otherwise. */
    static final List<Long> FEED_SIZES = List.of(10_000L, 1_000_000L);

    private Bench() {
    }

    /** Parsed command line. */
    record Options(boolean quick, String dbUrl, String dbUser, String dbPassword, String dbOwnerUser,
                   String dbOwnerPassword, boolean gc, List<String> only, Boolean accessContext, Integer floodNice,
                   boolean help, Integer streamClients, List<Long> feedSizes, String pooledDbUrl, double volumeScale,
                   boolean volumeKeep) {

        static Options parse(List<String> args) {
            boolean quick = false;
            boolean gc = false;
            boolean help = false;
            String url = null;
            String user = null;
            String password = null;
            String ownerUser = null;
            String ownerPassword = null;
            List<String> only = List.of();
            Boolean context = null;
            Integer floodNice = null;
            Integer streamClients = null;
            List<Long> feedSizes = null;
            String pooled = null;
            double volumeScale = 1;
            boolean volumeKeep = false;
            for (int i = 0; i < args.size(); i++) {
                String a = args.get(i);
                switch (a) {
                    case "--quick" -> quick = true;
                    case "--gc" -> gc = true;
                    case "--help", "-h" -> help = true;
                    case "--db" -> url = value(args, ++i, a);
                    case "--db-user" -> user = value(args, ++i, a);
                    case "--db-password" -> password = value(args, ++i, a);
                    case "--db-owner-user" -> ownerUser = value(args, ++i, a);
                    case "--db-owner-password" -> ownerPassword = value(args, ++i, a);
                    case "--pooled-db" -> pooled = value(args, ++i, a);
                    case "--only" -> only = List.of(value(args, ++i, a).split(","));
                    case "--flood-nice" -> floodNice = niceness(value(args, ++i, a));
                    case "--stream-clients" -> streamClients = (int) whole(value(args, ++i, a), a, 1, 10_000);
                    case "--feed-sizes" -> feedSizes = feedSizes(value(args, ++i, a));
                    case "--volume-scale" -> volumeScale = scale(value(args, ++i, a));
                    case "--volume-keep" -> volumeKeep = true;
                    case "--access-context" -> context = switch (value(args, ++i, a)) {
                        case "auto" -> null;
                        case "on" -> Boolean.TRUE;
                        case "off" -> Boolean.FALSE;
                        default -> throw new IllegalArgumentException("--access-context takes auto, on or off");
                    };
                    default -> throw new IllegalArgumentException("unknown option " + a);
                }
            }
            if (url == null && (user != null || password != null || ownerUser != null || ownerPassword != null)) {
                throw new IllegalArgumentException("--db-user, --db-password, --db-owner-user and --db-owner-password need --db");
            }
            if (pooled != null && (url == null || !pooled.startsWith("jdbc:postgresql:"))) {
                throw new IllegalArgumentException("--pooled-db takes a jdbc:postgresql: URL and goes with --db");
            }
            boolean pooler = only.stream().anyMatch(n -> n.equals(DbSuite.POOLER) || n.startsWith(DbSuite.POOLER + "-"));
            if (pooler && (pooled == null || user == null || ownerUser == null)) {
                throw new IllegalArgumentException("pooler needs --db, --db-user, --db-owner-user and --pooled-db (the "
                        + "same database through PgBouncer in transaction mode)");
            }
            boolean volume = only.stream().anyMatch(n -> n.equals(VolumeBench.NAME) || VolumeBench.names().contains(n));
            if (volume && url == null) {
                throw new IllegalArgumentException("volume runs on PostgreSQL only: give --db (and the roles)");
            }
            return new Options(quick, url, user, password, ownerUser, ownerPassword, gc || !quick, only, context, floodNice,
                    help, streamClients, feedSizes, pooled, volumeScale, volumeKeep);
        }

        private static double scale(String value) {
            double v;
            try {
                v = Double.parseDouble(value);
            } catch (NumberFormatException e) {
                v = Double.NaN;
            }
            if (!(v > 0 && v <= 1)) {
                throw new IllegalArgumentException("--volume-scale takes a number above 0 and at most 1, got '" + value + "'");
            }
            return v;
        }

        /**
         * @return whether the {@code volume} path of that RESULT name is to run: only when
         *         {@code --only} names it (its fill takes minutes)
         */
        boolean volumeSelected(String name) {
            return !only.isEmpty() && selected(name);
        }

        private static long whole(String value, String option, long min, long max) {
            if (!value.matches("[0-9]{1,10}") || Long.parseLong(value) < min || Long.parseLong(value) > max) {
                throw new IllegalArgumentException(option + " takes a whole number from " + min + " to " + max
                        + ", got '" + value + "'");
            }
            return Long.parseLong(value);
        }

        private static List<Long> feedSizes(String value) {
            String[] parts = value.split(",");
            if (parts.length != 2) {
                throw new IllegalArgumentException("--feed-sizes takes SMALL,LARGE, e.g. 10000,1000000");
            }
            long min = FeedQuery.MIN_ROWS;
            long small = whole(parts[0], "--feed-sizes", min, 100_000_000);
            long large = whole(parts[1], "--feed-sizes", min, 100_000_000);
            return List.of(small, large);
        }

        private static int niceness(String value) {
            if (!value.matches("1?[0-9]")) {
                throw new IllegalArgumentException("--flood-nice takes a whole number from 0 to 19, got '" + value + "'");
            }
            return Integer.parseInt(value);
        }

        private static String value(List<String> args, int i, String option) {
            if (i >= args.size()) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            return args.get(i);
        }

        /** @return whether a benchmark named {@code name} (a RESULT name) is to run */
        boolean selected(String name) {
            return only.isEmpty() || only.stream().anyMatch(o -> name.equals(o) || name.startsWith(o + "-"));
        }
    }

    /**
     * Runs the command.
     *
     * @param args the options after {@code bench}
     * @param out  where the table and RESULT lines go
     * @param err  where progress and usage go
     * @return 0, or 2 for a usage error
     * @throws Exception if a benchmark fails
     */
    public static int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
        Options o;
        try {
            o = Options.parse(args);
        } catch (IllegalArgumentException e) {
            err.println("bench: " + e.getMessage());
            err.print(USAGE);
            return 2;
        }
        if (o.help()) {
            out.print(USAGE);
            return 0;
        }
        LoginFlood.Params flood = o.quick() ? LoginFlood.Params.quick() : LoginFlood.Params.full();
        PushBench.Params push = o.quick() ? PushBench.Params.quick() : PushBench.Params.full();
        run(o, o.quick() ? Plan.quick() : Plan.full(), o.quick() ? JmhSuite.JmhPlan.quick() : JmhSuite.JmhPlan.full(),
                o.floodNice() == null ? flood : flood.withNice(o.floodNice()), System.getenv(),
                o.streamClients() == null ? push : push.withClients(o.streamClients()),
                o.feedSizes() == null ? FEED_SIZES : o.feedSizes(), out, err);
        return 0;
    }

    /**
     * Runs the selected benchmarks and prints the table and RESULT lines.
     *
     * @return the comparisons, in the order printed
     */
    static List<Comparison> run(Options o, Plan plan, JmhSuite.JmhPlan jmh, PrintStream out, PrintStream err)
            throws Exception {
        return run(o, plan, jmh, LoginFlood.Params.tiny(), Map.of(), out, err);
    }

    /**
     * Runs the selected benchmarks and prints the table and RESULT lines, the login flood's last.
     *
     * @return the comparisons, in the order printed
     */
    static List<Comparison> run(Options o, Plan plan, JmhSuite.JmhPlan jmh, LoginFlood.Params flood,
                                Map<String, String> env, PrintStream out, PrintStream err) throws Exception {
        return run(o, plan, jmh, flood, env, PushBench.Params.tiny(),
                o.feedSizes() == null ? List.of(FeedQuery.MIN_ROWS, 2 * FeedQuery.MIN_ROWS) : o.feedSizes(), out, err);
    }

    /**
     * Runs the selected benchmarks and prints the table, the RESULT lines, then the LATENCY,
     * STREAMS and login flood's lines.
     *
     * @return the comparisons, in the order printed
     */
    static List<Comparison> run(Options o, Plan plan, JmhSuite.JmhPlan jmh, LoginFlood.Params flood,
                                Map<String, String> env, PushBench.Params push, List<Long> feedSizes, PrintStream out,
                                PrintStream err) throws Exception {
        Level previous = JsonLines.level();
        JsonLines.setLevel(Level.WARN);
        long started = System.nanoTime();
        double loadBefore = load();
        try {
            List<Comparison> results = new ArrayList<>();
            Predicate<String> selected = o::selected;
            if (DbSuite.anySelected(selected)) {
                try (BenchStore db = open(o)) {
                    results.addAll(DbSuite.run(db, plan, selected, o.accessContext(), err));
                }
            }
            if (o.pooledDbUrl() != null && !o.only().isEmpty()
                    && DbSuite.POOLER_PATHS.stream().anyMatch(p -> selected.test(DbSuite.POOLER + "-" + p))) {
                try (BenchStore direct = open(o); BenchStore pooled = direct.throughPooler(o.pooledDbUrl())) {
                    results.addAll(DbSuite.runPooler(direct, pooled, plan, selected, err));
                }
            }
            if (JmhSuite.PAIRS.stream().anyMatch(p -> selected.test(p.name()))) {
                results.addAll(JmhSuite.run(jmh, o.gc(), selected, err));
            }
            List<String> lines = new ArrayList<>();
            if (selected.test(PUSH_LATENCY) || selected.test(PUSH_LATENCY + "-sync")) {
                try (BenchStore db = open(o)) {
                    PushBench.LatencyResult r = PushBench.pushLatency(push, db.hostDb(), err);
                    results.add(new Comparison(PUSH_LATENCY + "-sync", r.store(), r.threads(), r.withStream(),
                            r.noStream(), 0, null, null));
                    lines.add(r.line());
                }
            }
            if (selected.test(STREAM_CLIENTS)) {
                try (BenchStore db = open(o)) {
                    lines.add(PushBench.streamClients(push, db.hostDb(), err).line());
                }
            }
            if (FeedQuery.NAMES.stream().anyMatch(selected)) {
                results.addAll(FeedQuery.run(() -> open(o), feedSizes.get(0), feedSizes.get(1), plan.withThreads(List.of(1)),
                        selected, err, lines));
            }
            if (VolumeBench.names().stream().anyMatch(o::volumeSelected)) {
                results.addAll(VolumeBench.run(() -> open(o), o.volumeScale(), o.volumeKeep(), plan, o::volumeSelected,
                        err, lines));
            }
            if (selected.test(LOGIN_FLOOD)) {
                lines.add(LoginFlood.run(flood, env, err));
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            out.printf(Locale.ROOT, "fleetgate bench (%s): %d cpus, Java %s, load average %.2f before, %.2f after, %.0f s%n",
                    o.quick() ? "quick" : "full", Runtime.getRuntime().availableProcessors(),
                    System.getProperty("java.version"), loadBefore, load(), seconds);
            out.printf(Locale.ROOT, "database: per comparison >= %d warm-up rounds, >= %.1f s and >= %d operations per"
                            + " side, then %d measured rounds per side of ~%.2f s, A/B interleaved; JMH: %d rounds per method, fork 1,"
                            + " %dx%d ms warm-up, %dx%d ms measured%n",
                    plan.warmupRounds(), plan.warmupSeconds(), plan.warmupOps(), plan.measuredRounds(),
                    plan.roundSeconds(), jmh.rounds(),
                    jmh.warmups(), jmh.warmupMillis(), jmh.iterations(), jmh.iterMillis());
            if (!results.isEmpty()) {
                printTable(results, out);
            }
            for (Comparison c : results) {
                out.println(c.resultLine());
            }
            lines.forEach(out::println);
            return results;
        } finally {
            JsonLines.setLevel(previous);
        }
    }

    /** @return a new throwaway database of the run's kind (SQLite, or a schema of {@code --db}) */
    private static BenchStore open(Options o) throws Exception {
        if (o.dbUrl() == null) {
            return BenchStore.sqlite();
        }
        return o.dbOwnerUser() == null
                ? BenchStore.postgres(o.dbUrl(), o.dbUser(), o.dbPassword(), null, null)
                : BenchStore.postgres(o.dbUrl(), o.dbOwnerUser(), o.dbOwnerPassword(), o.dbUser(), o.dbPassword());
    }

    private static double load() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    /** Prints medians with min-max spreads, the paired-round ratios and the targets. */
    static void printTable(List<Comparison> results, PrintStream out) {
        String format = "%-28s %-8s %3s  %-28s %-28s %6s  %-13s %18s %-4s %s%n";
        out.printf(Locale.ROOT, format, "benchmark", "store", "thr", "fleetgate ops/s med [min-max]",
                "baseline ops/s med [min-max]", "ratio", "paired ratios", "target", "met", "B/op ours/base");
        for (Comparison c : results) {
            List<Double> paired = c.pairedRatios();
            String pairs = String.format(Locale.ROOT, "%.2f-%.2f", paired.stream().mapToDouble(d -> d).min().orElse(0),
                    paired.stream().mapToDouble(d -> d).max().orElse(0));
            String alloc = c.oursBytes() == null ? "" : String.format(Locale.ROOT, "%.1f/%.1f", c.oursBytes(),
                    c.baseBytes() == null ? Double.NaN : c.baseBytes());
            out.printf(Locale.ROOT, format, c.name(), c.store(), c.threads(), Comparison.spread(c.ours()),
                    Comparison.spread(c.baseline()), String.format(Locale.ROOT, "%.3f", c.ratio()), pairs,
                    c.targets(), c.met() ? "yes" : "NO", alloc);
        }
    }
}
