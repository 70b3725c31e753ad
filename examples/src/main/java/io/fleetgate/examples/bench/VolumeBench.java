package io.fleetgate.examples.bench;

import io.fleetgate.Fleetgate;
import io.fleetgate.FleetgateSettings;
import io.fleetgate.Principal;
import io.fleetgate.exclusive.ActivateRequest;
import io.fleetgate.exclusive.ExclusiveSession;
import io.fleetgate.exclusive.ExclusiveSessionStatus;
import io.fleetgate.execution.CreateBatchRequest;
import io.fleetgate.execution.DriverEventRequest;
import io.fleetgate.execution.DriverEventType;
import io.fleetgate.execution.EventOutcome;
import io.fleetgate.execution.EventPage;
import io.fleetgate.execution.Stop;
import io.fleetgate.session.EnrolRequest;
import io.fleetgate.session.LoginRequest;
import io.fleetgate.supervisor.BoardPage;
import io.fleetgate.supervisor.ChangePage;
import io.fleetgate.supervisor.ReviewPage;

import java.io.PrintStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * The {@code volume} benchmark (issue #19, item 5): whether each hot path costs the same on a
 * database with realistic volume as on a small one. Two PostgreSQL schemas are filled by SQL
 * generation ({@link VolumeFill}): the small one (10 workspaces of 100 drivers: 1,000 drivers, 500
 * batches, ~20,000 events) and the volume one (at {@code --volume-scale 1}: 100 workspaces of 1,000
 * drivers, 50,000 batches, ~2M events, ~220,000 exclusive and device sessions, 500,000 fixes). Then
 * {@link AbRunner} alternates the volume database (“ours”) and the small one (“baseline”) round by
 * round on every path, one thread, through the library's public services:
 * {@code login} (a driver's PIN on their current device), {@code activate} (an exclusive session,
 * a new driver), {@code active} (a driver with an ACTIVE session), {@code complete}, {@code sync}
 * (one call of the 10-event route cycle, completed, on a new batch of a driver with history), {@code batch}
 * (a supervisor reads a batch with its stops), {@code events-deep} (a page of 10 of a batch's events
 * after a cursor 20 events in), {@code review-queue} and {@code review-queue-deep} (a page of 20,
 * the first and the one after 20 items), {@code board} (a page of 50 drivers), {@code sweeper} (the
 * exclusive sessions' and the position stream's sweeps, nothing due) and {@code feed} (a page of 100
 * changes a page before a workspace's newest). Every call's answer is checked (a refusal fails the
 * arm). RESULT {@code volume-<path> postgres 1 <volume ops/s> <small ops/s> <ratio>}: a ratio of
 * {@value #TARGET} or more is a p50 at volume at most 1.5× the small database's ({@code VOLUME} lines
 * give the per-call medians in milliseconds: each round's mean, the median over the rounds).
 *
 * <p>The library runs with PBKDF2 at its floor (1,000 iterations) so that {@code login} measures
 * the database, not the hash (the same on both sides), and arrival confirmation off (the routes
 * carry no fixes; see {@code sync}).
 */
final class VolumeBench {
    /** The RESULT names' prefix, and the name in {@code --only}. */
    static final String NAME = "volume";
    /** The paths, in the order they run. */
    static final List<String> PATHS = List.of("login", "activate", "active", "complete", "sync", "batch", "events-deep",
            "review-queue", "review-queue-deep", "board", "sweeper", "feed");
    /** The least ratio volume ÷ small: p50 at volume at most 1.5× the small one's. */
    static final double TARGET = 1 / 1.5;
    /** Warm-up operations per side at most (a path of a few milliseconds: 1,000 calls warm it). */
    static final int WARMUP_OPS = 1_000;
    static final int BOARD_PAGE = 50;
    static final int QUEUE_PAGE = 20;
    static final int EVENTS_PAGE = 10;
    static final int FEED_PAGE = 100;

    private VolumeBench() {
    }

    /** @return the RESULT names, {@code volume-login} … */
    static List<String> names() {
        return PATHS.stream().map(p -> NAME + "-" + p).toList();
    }

    /** One filled database and the library on it. */
    private static final class Side {
        final BenchStore db;
        final Fleetgate fleetgate;
        final VolumeFill.Filled filled;
        final Random random = new Random(19);
        final List<String> feedCursors = new ArrayList<>();
        /** When each driver's last route of the {@code sync} path ended: the next one starts after it. */
        final java.util.Map<String, Instant> routeEnds = new java.util.HashMap<>();

        Side(BenchStore db, Fleetgate fleetgate, VolumeFill.Filled filled) {
            this.db = db;
            this.fleetgate = fleetgate;
            this.filled = filled;
        }

        int workspaces() {
            return filled.shape().workspaces();
        }

        int drivers() {
            return filled.shape().driversPerWorkspace();
        }

        int batches() {
            return filled.shape().batchesPerWorkspace();
        }

        Principal supervisor(int w) {
            return Principal.supervisor(VolumeFill.Filled.supervisor(w), VolumeFill.Filled.workspace(w));
        }
    }

    /**
     * Fills both databases and runs the selected paths.
     *
     * @param open     opens a new, empty, migrated PostgreSQL database
     * @param scale    the volume database's scale (1: the full size)
     * @param keep     whether the filled schemas stay after the run
     * @param plan     rounds (threads: 1)
     * @param selected which RESULT names run
     * @param log      progress
     * @param lines    gets the {@code VOLUME} lines
     * @return one comparison per path
     * @throws Exception if a fill or a path fails
     */
    static List<Comparison> run(FeedQuery.Opener open, double scale, boolean keep, Plan plan,
                                Predicate<String> selected, PrintStream log, List<String> lines) throws Exception {
        List<Comparison> out = new ArrayList<>();
        try (BenchStore smallDb = open.open(); BenchStore largeDb = open.open()) {
            if (!smallDb.postgres()) {
                throw new IllegalArgumentException("the volume benchmark runs on PostgreSQL: give --db");
            }
            if (keep) {
                lines.add("VOLUME-KEPT small " + smallDb.keep());
                lines.add("VOLUME-KEPT volume " + largeDb.keep());
            }
            Side small = side(smallDb, VolumeFill.Shape.small(), log);
            Side large = side(largeDb, VolumeFill.Shape.volume(scale), log);
            lines.add(String.format(Locale.ROOT, "VOLUME-FILL small %s in %.1f s", small.filled.shape(), small.filled.seconds()));
            lines.add(String.format(Locale.ROOT, "VOLUME-FILL volume %s in %.1f s (scale %s)", large.filled.shape(),
                    large.filled.seconds(), scale));
            Plan p = plan.withThreads(List.of(1)).withWarmupOps(Math.min(plan.warmupOps(), WARMUP_OPS));
            for (String path : PATHS) {
                String name = NAME + "-" + path;
                if (!selected.test(name)) {
                    continue;
                }
                try (AbRunner runner = new AbRunner(1, log)) {
                    Comparison c = runner.compare(name, "postgres", arm(path, large), arm(path, small), p, 0, TARGET);
                    out.add(c);
                    double smallMs = 1000 / c.baselineMedian();
                    double largeMs = 1000 / c.oursMedian();
                    lines.add(String.format(Locale.ROOT, "VOLUME %s p50_small_ms %.3f p50_volume_ms %.3f volume/small %.2f %s",
                            path, smallMs, largeMs, largeMs / smallMs, c.met() ? "flat" : "NOT FLAT"));
                }
            }
        }
        return out;
    }

    private static Side side(BenchStore db, VolumeFill.Shape shape, PrintStream log) throws SQLException {
        FleetgateSettings settings = FleetgateSettings.defaults()
                .withExclusive(e -> e.withDuration(Duration.ofHours(12)))
                .withLogin(l -> l.withPinHashIterations(1_000))
                .withPositions(x -> x.withConfirmation(0, x.confirmDwell()))
                .withSessions(x -> x.withSigningSecret(secret()));
        Fleetgate fleetgate = Fleetgate.builder().store(db.store()).settings(settings).build();
        fleetgate.credentials().enrol(Principal.system(), new EnrolRequest(VolumeFill.TEMPLATE_USER,
                VolumeFill.TEMPLATE_USER, VolumeFill.PIN));
        log.printf(Locale.ROOT, "  volume fill of %s%n", shape);
        Side side = new Side(db, fleetgate, VolumeFill.fill(db, shape, log));
        // a cursor a page before each workspace's newest change
        try (Connection c = db.store().dataSource().getConnection()) {
            c.setAutoCommit(false);
            db.contextKey().bind(c, Principal.system(), Instant.now());
            try (PreparedStatement ps = c.prepareStatement("SELECT seq FROM changes WHERE workspace_id = ?"
                    + " ORDER BY workspace_id DESC, seq DESC LIMIT 1 OFFSET ?")) {
                for (int w = 0; w < shape.workspaces(); w++) {
                    ps.setString(1, VolumeFill.Filled.workspace(w));
                    ps.setInt(2, FEED_PAGE);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (!rs.next()) {
                            throw new IllegalStateException("workspace " + w + " has no " + (FEED_PAGE + 1) + " changes");
                        }
                        side.feedCursors.add(FeedQuery.cursor(VolumeFill.Filled.workspace(w), rs.getLong(1)));
                    }
                }
            } finally {
                c.rollback();
                c.setAutoCommit(true);
            }
        }
        return side;
    }

    /** @return a new random session-signing secret for the run (32 bytes) */
    private static byte[] secret() {
        byte[] key = new byte[32];
        new java.security.SecureRandom().nextBytes(key);
        return key;
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }

    /** The arm of one path on one side; each operation is one call, checked. */
    private static Arm arm(String path, Side s) {
        Fleetgate f = s.fleetgate;
        return switch (path) {
            case "login" -> (ops, threads) -> {
                String[] users = new String[ops];
                for (int i = 0; i < ops; i++) {
                    users[i] = VolumeFill.Filled.driver(s.random.nextInt(s.workspaces()), s.random.nextInt(s.drivers()));
                }
                return t -> {
                    for (String u : users) {
                        var r = f.sessions().login(Principal.system(), new LoginRequest(u, VolumeFill.PIN, "dev-" + u));
                        if (!r.session().userId().equals(u)) {
                            throw new IllegalStateException("login of " + u + " gave " + r.session().userId());
                        }
                    }
                };
            };
            case "activate" -> (ops, threads) -> {
                Principal[] drivers = new Principal[ops];
                ActivateRequest[] requests = new ActivateRequest[ops];
                for (int i = 0; i < ops; i++) {
                    drivers[i] = Principal.driver("vact-" + UUID.randomUUID());
                    requests[i] = activation(s.random.nextInt(50));
                }
                return t -> {
                    for (int i = 0; i < ops; i++) {
                        if (f.exclusive().activate(drivers[i], requests[i]).status() != ExclusiveSessionStatus.ACTIVE) {
                            throw new IllegalStateException("activation refused");
                        }
                    }
                };
            };
            case "active" -> (ops, threads) -> {
                Principal[] drivers = new Principal[ops];
                for (int i = 0; i < ops; i++) {
                    // the fill gives driver i an ACTIVE session when i % 5 == 1
                    int d = s.random.nextInt(s.drivers() / 5) * 5 + 1;
                    drivers[i] = Principal.driver(VolumeFill.Filled.driver(s.random.nextInt(s.workspaces()), d));
                }
                return t -> {
                    for (Principal d : drivers) {
                        if (f.exclusive().active(d, false).isEmpty()) {
                            throw new IllegalStateException("no ACTIVE session for " + d.userId());
                        }
                    }
                };
            };
            case "complete" -> (ops, threads) -> {
                Principal[] drivers = new Principal[ops];
                String[] sessions = new String[ops];
                for (int i = 0; i < ops; i++) {
                    drivers[i] = Principal.driver("vcmp-" + UUID.randomUUID());
                    sessions[i] = f.exclusive().activate(drivers[i], activation(s.random.nextInt(50))).id();
                }
                return t -> {
                    for (int i = 0; i < ops; i++) {
                        ExclusiveSession done = f.exclusive().complete(drivers[i], sessions[i]);
                        if (done.status() != ExclusiveSessionStatus.COMPLETED) {
                            throw new IllegalStateException("complete gave " + done.status());
                        }
                    }
                };
            };
            case "sync" -> (ops, threads) -> {
                Principal[] drivers = new Principal[ops];
                List<List<DriverEventRequest>> calls = new ArrayList<>(ops);
                for (int i = 0; i < ops; i++) {
                    // a driver whose batch of the fill is off route (driver 2j of batch j, j % 10 != 0), whose
                    // last route (a driver drives several in a run) ended at least a minute before this one
                    // starts: located events an impossible speed apart would be flagged
                    int w;
                    String driverId;
                    Instant start;
                    do {
                        w = s.random.nextInt(s.workspaces());
                        int j = s.random.nextInt(s.batches());
                        driverId = VolumeFill.Filled.onRoute(j) ? null : VolumeFill.Filled.driver(w, 2 * j);
                        Instant earliest = now().minus(Duration.ofHours(2));
                        Instant after = driverId == null ? null : s.routeEnds.get(driverId);
                        start = after == null || after.isBefore(earliest) ? earliest : after.plusSeconds(60);
                    } while (driverId == null || start.isAfter(now().minus(Duration.ofMinutes(5))));
                    s.routeEnds.put(driverId, start.plusSeconds(10L * DbSuite.PLAIN.types().length));
                    String batchId = "vsync-" + UUID.randomUUID();
                    double lat = 52.0 + (w % 10) * 0.1;
                    double lng = 13.0 + (w / 10 % 10) * 0.1;
                    f.execution().createBatch(Principal.system(), new CreateBatchRequest(batchId,
                            VolumeFill.Filled.workspace(w), driverId, List.of(Stop.of(lat, lng, 50),
                            Stop.of(lat + 0.001, lng + 0.001, 50)), null, null));
                    drivers[i] = Principal.driver(driverId);
                    calls.add(route(batchId, lat, lng, start));
                }
                return t -> {
                    for (int i = 0; i < ops; i++) {
                        for (EventOutcome o : f.execution().sync(drivers[i], calls.get(i))) {
                            if (o.result() != EventOutcome.Result.ACCEPTED || o.flaggedForReview()) {
                                throw new IllegalStateException("sync gave " + o);
                            }
                        }
                    }
                };
            };
            case "batch" -> (ops, threads) -> {
                int[] w = new int[ops];
                String[] batches = new String[ops];
                for (int i = 0; i < ops; i++) {
                    w[i] = s.random.nextInt(s.workspaces());
                    batches[i] = VolumeFill.Filled.batch(w[i], s.random.nextInt(s.batches()));
                }
                return t -> {
                    for (int i = 0; i < ops; i++) {
                        if (f.execution().batch(s.supervisor(w[i]), batches[i]).stops().size() != 2) {
                            throw new IllegalStateException("batch " + batches[i] + " without its stops");
                        }
                    }
                };
            };
            case "events-deep" -> (ops, threads) -> {
                Principal[] who = new Principal[ops];
                String[] batches = new String[ops];
                String[] cursors = new String[ops];
                for (int i = 0; i < ops; i++) {
                    int w = s.random.nextInt(s.workspaces());
                    who[i] = s.supervisor(w);
                    batches[i] = VolumeFill.Filled.batch(w, s.random.nextInt(s.batches()));
                    cursors[i] = f.execution().events(who[i], batches[i], 20, null).next();
                }
                return t -> {
                    for (int i = 0; i < ops; i++) {
                        EventPage page = f.execution().events(who[i], batches[i], EVENTS_PAGE, cursors[i]);
                        if (page.events().size() != EVENTS_PAGE) {
                            throw new IllegalStateException("a page of " + page.events().size() + " events");
                        }
                    }
                };
            };
            case "review-queue", "review-queue-deep" -> (ops, threads) -> {
                boolean deep = path.endsWith("-deep");
                Principal[] who = new Principal[ops];
                String[] cursors = new String[ops];
                for (int i = 0; i < ops; i++) {
                    who[i] = s.supervisor(s.random.nextInt(s.workspaces()));
                    cursors[i] = deep ? f.supervisor().reviewQueue(who[i], QUEUE_PAGE, null).next() : null;
                }
                return t -> {
                    for (int i = 0; i < ops; i++) {
                        ReviewPage page = f.supervisor().reviewQueue(who[i], QUEUE_PAGE, cursors[i]);
                        if (page.items().size() != QUEUE_PAGE) {
                            throw new IllegalStateException("a review page of " + page.items().size() + " items");
                        }
                    }
                };
            };
            case "board" -> (ops, threads) -> {
                Principal[] who = new Principal[ops];
                for (int i = 0; i < ops; i++) {
                    who[i] = s.supervisor(s.random.nextInt(s.workspaces()));
                }
                return t -> {
                    for (Principal p : who) {
                        BoardPage page = f.supervisor().statusBoard(p, BOARD_PAGE, null);
                        if (page.drivers().size() != BOARD_PAGE || page.next() == null) {
                            throw new IllegalStateException("a board page of " + page.drivers().size() + " drivers");
                        }
                    }
                };
            };
            case "sweeper" -> (ops, threads) -> t -> {
                for (int i = 0; i < ops; i++) {
                    int expired = f.exclusive().expireDue(Principal.system(), 100).size();
                    var report = f.positions().sweep(Principal.system());
                    if (expired != 0 || report.quietRaised() != 0 || report.arrivalsConfirmed() != 0) {
                        throw new IllegalStateException("the sweep found work: " + expired + " expired, " + report);
                    }
                }
            };
            case "feed" -> (ops, threads) -> {
                Principal[] who = new Principal[ops];
                String[] cursors = new String[ops];
                for (int i = 0; i < ops; i++) {
                    int w = s.random.nextInt(s.workspaces());
                    who[i] = s.supervisor(w);
                    cursors[i] = s.feedCursors.get(w);
                }
                return t -> {
                    for (int i = 0; i < ops; i++) {
                        ChangePage page = f.changes().changes(who[i], cursors[i], FEED_PAGE);
                        if (page.changes().size() != FEED_PAGE) {
                            throw new IllegalStateException("a feed page of " + page.changes().size() + " changes");
                        }
                    }
                };
            };
            default -> throw new IllegalArgumentException("no volume path " + path);
        };
    }

    /** @return an activation at filled charger {@code k} and merchant {@code k}, about 30 m away */
    private static ActivateRequest activation(int k) {
        double lat = 52.0 + (k % 10) * 0.1;
        double lng = 13.0 + (k / 10) * 0.1;
        return ActivateRequest.of(String.format(Locale.ROOT, "vmer-%02d", k), String.format(Locale.ROOT, "vchg-%02d", k),
                lat + 0.0002, lng + 0.0002).withAccuracy(8.0);
    }

    /** @return the route cycle of {@link DbSuite#PLAIN}, completed instead of cancelled, 10 s apart from {@code start} */
    private static List<DriverEventRequest> route(String batchId, double lat, double lng, Instant start) {
        DbSuite.Cycle cycle = DbSuite.PLAIN;
        double[][] places = {{lat, lng}, {lat + 0.001, lng + 0.001}, {lat + 0.0005, lng + 0.0005}};
        List<DriverEventRequest> out = new ArrayList<>();
        for (int k = 0; k < cycle.types().length; k++) {
            double[] at = places[cycle.where()[k]];
            // the cycle ends in a completed route, as the filled batches do (a cancelled one would stay
            // INACTIVE, and each later login of the driver would activate it)
            DriverEventType type = k == cycle.types().length - 1 ? DriverEventType.ROUTE_COMPLETED : cycle.types()[k];
            DriverEventRequest e = DriverEventRequest.of(UUID.randomUUID().toString(), batchId, type,
                    start.plusSeconds(10L * k)).at(at[0], at[1], 5.0);
            Object stop = cycle.stop()[k];
            out.add(stop instanceof Integer index ? e.stop(index) : e);
        }
        return out;
    }
}
