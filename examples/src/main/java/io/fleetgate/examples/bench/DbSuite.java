package io.fleetgate.examples.bench;

import io.fleetgate.Fleetgate;
import io.fleetgate.FleetgateSettings;
import io.fleetgate.Principal;
import io.fleetgate.access.Workspace;
import io.fleetgate.exclusive.ActivateRequest;
import io.fleetgate.exclusive.Charger;
import io.fleetgate.exclusive.ExclusiveSession;
import io.fleetgate.exclusive.ExclusiveSessionService;
import io.fleetgate.exclusive.ExclusiveSessionStatus;
import io.fleetgate.exclusive.Merchant;
import io.fleetgate.execution.CreateBatchRequest;
import io.fleetgate.execution.DriverEventRequest;
import io.fleetgate.execution.DriverEventType;
import io.fleetgate.execution.DriverExecutionService;
import io.fleetgate.execution.DriverStatus;
import io.fleetgate.execution.EventEncoding;
import io.fleetgate.execution.EventOutcome;
import io.fleetgate.execution.PositionService;
import io.fleetgate.execution.ProofKind;
import io.fleetgate.execution.Stop;
import io.fleetgate.execution.TimeWindow;
import io.fleetgate.geo.Coordinate;
import io.fleetgate.geo.Corridor;
import io.fleetgate.position.Fix;
import io.fleetgate.position.PositionReceipt;
import io.fleetgate.store.jdbc.JdbcStore;

import java.io.PrintStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.Stream;

import static io.fleetgate.execution.DriverEventType.ARRIVED_AT_STOP;
import static io.fleetgate.execution.DriverEventType.DELAY_REPORTED;
import static io.fleetgate.execution.DriverEventType.DEPARTED_STOP;
import static io.fleetgate.execution.DriverEventType.PROOF_CAPTURED;
import static io.fleetgate.execution.DriverEventType.ROUTE_CANCELLED;
import static io.fleetgate.execution.DriverEventType.ROUTE_RESUMED;
import static io.fleetgate.execution.DriverEventType.ROUTE_STARTED;

/**
 * The database benchmarks: each of fleetgate's hot paths through its public services on a
 * {@link JdbcStore}, against {@link RawJdbc} doing the same database work on the same pool and
 * schema, at each thread count of the {@link Plan}.
 *
 * <ul>
 *   <li>{@code activate}: {@link ExclusiveSessionService#activate} for a new driver each time
 *       (charger lookup, merchant lookup, distance, insert guarded by the one-ACTIVE index);</li>
 *   <li>{@code active}: {@link ExclusiveSessionService#active}, the phone's polling path, for
 *       drivers that have an ACTIVE session;</li>
 *   <li>{@code complete}: {@link ExclusiveSessionService#complete} of sessions made ACTIVE before
 *       the round;</li>
 *   <li>{@code sync}: {@link DriverExecutionService#sync} of {@link Plan#syncEvents()} offline
 *       events in calls of {@link Plan#syncChunk()}, one driver and batch per thread, each event a
 *       valid step of the route; throughput in events per second. Arrival confirmation is off
 *       ({@code ARRIVAL_CONFIRM_FIXES=0}) and the batches have no corridor, as for a host whose
 *       phones send no fixes: the baseline writes no flag (issue #17 measures them apart, in
 *       {@code sync-positions});</li>
 *   <li>{@code sync-unnest} (PostgreSQL) and {@code sync-prepared} (SQLite): the same {@code sync}
 *       against the fastest insert each store allows for the same rows (issue #19, item 6): one
 *       {@code INSERT … SELECT FROM unnest(arrays)} per chunk ({@code COPY FROM} is refused on
 *       {@code driver_events}, whose row-level security is forced), or one prepared insert executed
 *       per event in the chunk's transaction; target {@value #SYNC_FASTEST_TARGET};</li>
 *   <li>{@code positions-ingest}: {@link PositionService#ingest} of {@value #FIXES_PER_CALL} fixes
 *       per call from {@link Plan#ingestThreads()} threads, each its own driver and batch (with
 *       stops and a corridor), against the fastest raw insert of the same rows into {@code
 *       driver_fixes} ({@link RawJdbc#insertFixes}): on SQLite a JDBC batch in one transaction per
 *       call ({@code positions-ingest-batch}); on PostgreSQL both {@code INSERT … SELECT FROM
 *       unnest(…)} ({@code -unnest}) and {@code COPY} ({@code -copy}), each its own comparison, so
 *       that the faster decides; throughput in fixes per second;</li>
 *   <li>{@code sync-positions}: what the position stream adds to the event sync: the {@code sync}
 *       cycle with arrival confirmation on (the defaults) and batches with a corridor, the fixes a
 *       phone took along the route stored before the round so that each arrival's confirmation
 *       reads and judges them, against the same sync with confirmation off and no corridor (the
 *       same fixes stored, unread): fleetgate against itself.</li>
 * </ul>
 */
final class DbSuite {
    /** Names of the database benchmarks, in the order they run. */
    static final List<String> NAMES = List.of("activate", "active", "complete", "sync", "sync-proof", "positions-ingest",
            "sync-positions");
    /**
     * The pooler benchmark's name in {@code --only}: its RESULT lines are {@code pooler-<path>}, the
     * path through a transaction pooler against the same path straight to the server.
     */
    static final String POOLER = "pooler";
    /** The hot paths the pooler benchmark times. */
    static final List<String> POOLER_PATHS = List.of("activate", "active", "sync");
    /** The fix ingest benchmark; its RESULT names add the baseline: {@code positions-ingest-unnest}. */
    static final String INGEST = "positions-ingest";
    /** Fixes per {@code ingest} call, as a phone online sends them every few minutes. */
    static final int FIXES_PER_CALL = 100;
    /** {@code positions-ingest}: the least ratio to the faster raw insert. */
    static final double INGEST_TARGET = 0.6;
    /** {@code positions-ingest} on PostgreSQL: the fewest fixes per second fleetgate must take. */
    static final double INGEST_MIN_POSTGRES = 20_000;
    /** {@code sync-positions}: the least ratio to the sync without confirmation and corridor (≤ 20 % added). */
    static final double SYNC_POSITIONS_TARGET = 0.8;
    /** {@code sync-unnest}, {@code sync-prepared}: the least ratio to the fastest insert of the same rows. */
    static final double SYNC_FASTEST_TARGET = 0.6;
    /** Seconds between two events of a sync route. */
    static final int EVENT_EVERY_S = 10;

    private static final String WORKSPACE = "ws-bench";
    private static final int PLACES = 50;
    private static final double CITY_LAT = 52.52;
    private static final double CITY_LNG = 13.405;

    private final BenchStore db;
    private final JdbcStore store;
    private final RawJdbc raw;
    private final FleetgateSettings settings;
    private final Fleetgate fleetgate;
    private final ExclusiveSessionService exclusive;
    private final DriverExecutionService execution;
    /** The execution service with the position stream's defaults: arrivals confirmed by fixes. */
    private final DriverExecutionService executionOn;
    private final PositionService positions;
    private final List<Charger> chargers = new ArrayList<>();
    private final List<Merchant> merchants = new ArrayList<>();
    private final Random random = new Random(7);

    DbSuite(BenchStore db, boolean accessContext) throws SQLException {
        this.db = db;
        this.store = db.store();
        this.raw = new RawJdbc(store.dataSource(), db.postgres(), accessContext, accessContext ? db.contextKey() : null);
        FleetgateSettings on = FleetgateSettings.defaults().withExclusive(e -> e.withDuration(Duration.ofHours(12)));
        this.settings = on.withPositions(p -> p.withConfirmation(0, p.confirmDwell()));
        this.fleetgate = Fleetgate.builder().store(store).settings(settings).build();
        this.exclusive = fleetgate.exclusive();
        this.execution = fleetgate.execution();
        Fleetgate positionsOn = Fleetgate.builder().store(store).settings(on).build();
        this.executionOn = positionsOn.execution();
        this.positions = positionsOn.positions();
    }

    /**
     * Seeds the store and runs the selected benchmarks.
     *
     * @param db            the store
     * @param plan          rounds and sizes
     * @param selected      which benchmark names to run
     * @param accessContext whether the baseline binds the caller per transaction; {@code null} to
     *                      decide from the schema (PostgreSQL tables with row-level security)
     * @param log           where progress goes
     * @return one comparison per benchmark and thread count
     * @throws Exception if a benchmark fails
     */
    static List<Comparison> run(BenchStore db, Plan plan, Predicate<String> selected, Boolean accessContext,
                                PrintStream log) throws Exception {
        boolean context = accessContext != null ? accessContext : db.postgres() && rowLevelSecurity(db);
        DbSuite suite = new DbSuite(db, context);
        log.printf("%s: baseline access-context statement per transaction: %s%n", db.kind(), context ? "yes" : "no");
        suite.seed();
        suite.history(plan.historyEvents(), plan.syncChunk());
        List<Comparison> out = new ArrayList<>();
        for (String name : NAMES) {
            if (name.equals(INGEST)) {
                out.addAll(suite.ingest(plan, selected, log));
                continue;
            }
            if (!selected.test(name)) {
                if (name.equals("sync")) {
                    out.addAll(suite.syncFastest(plan, selected, log));
                }
                continue;
            }
            for (int threads : plan.threads()) {
                suite.analyze();
                try (AbRunner runner = new AbRunner(threads, log)) {
                    out.add(switch (name) {
                        case "activate" -> runner.compare(name, db.kind(), suite.activateOurs(), suite.activateBaseline(),
                                plan, 0, 0.8);
                        case "active" -> {
                            List<String> drivers = suite.activeDrivers(plan.activeDrivers());
                            yield runner.compare(name, db.kind(), suite.activeOurs(drivers),
                                    suite.activeBaseline(drivers), plan, 0, 0.8);
                        }
                        case "complete" -> runner.compare(name, db.kind(), suite.completeOurs(),
                                suite.completeBaseline(), plan, 0, 0.8);
                        case "sync", "sync-proof" -> runner.compare(name, db.kind(),
                                suite.syncOurs(cycle(name), plan.syncChunk()),
                                suite.syncBaseline(cycle(name), plan.syncChunk()), plan, plan.syncEvents(), 0.5);
                        case "sync-positions" -> runner.compare(name, db.kind(), suite.syncPositionsOn(plan.syncChunk()),
                                suite.syncPositionsOff(plan.syncChunk()), plan, plan.syncEvents(), SYNC_POSITIONS_TARGET);
                        default -> throw new IllegalStateException(name);
                    });
                }
            }
            if (name.equals("sync")) {
                out.addAll(suite.syncFastest(plan, selected, log));
            }
        }
        return out;
    }

    /**
     * What a transaction pooler costs: each hot path of {@link #POOLER_PATHS} through fleetgate's
     * services on a store behind PgBouncer ({@code pooled}, set for {@code Pooler.TRANSACTION})
     * against the same services on a store straight to the server ({@code direct}), both on one
     * schema, in alternating rounds ({@link AbRunner}); the ratio is pooled ÷ direct. Nothing is
     * targeted: the lines measure the cost.
     *
     * @param direct   the store on the server itself
     * @param pooled   a store on the same schema through the pooler ({@link BenchStore#throughPooler})
     * @param plan     rounds and sizes
     * @param selected which RESULT names to run ({@code pooler-activate}, …)
     * @param log      where progress goes
     * @return one comparison per path and thread count
     * @throws Exception if a benchmark fails
     */
    static List<Comparison> runPooler(BenchStore direct, BenchStore pooled, Plan plan, Predicate<String> selected,
                                      PrintStream log) throws Exception {
        boolean context = rowLevelSecurity(direct);
        DbSuite d = new DbSuite(direct, context);
        DbSuite p = new DbSuite(pooled, context);
        d.seed();
        p.seed();
        List<Comparison> out = new ArrayList<>();
        for (String path : POOLER_PATHS) {
            String name = POOLER + "-" + path;
            if (!selected.test(name)) {
                continue;
            }
            for (int threads : plan.threads()) {
                d.analyze();
                try (AbRunner runner = new AbRunner(threads, log)) {
                    out.add(switch (path) {
                        case "activate" -> runner.compare(name, "postgres", p.activateOurs(), d.activateOurs(), plan, 0, 0);
                        case "active" -> {
                            List<String> drivers = d.activeDrivers(plan.activeDrivers());
                            yield runner.compare(name, "postgres", p.activeOurs(drivers), d.activeOurs(drivers), plan, 0, 0);
                        }
                        case "sync" -> runner.compare(name, "postgres", p.syncOurs(PLAIN, plan.syncChunk()),
                                d.syncOurs(PLAIN, plan.syncChunk()), plan, plan.syncEvents(), 0);
                        default -> throw new IllegalStateException(path);
                    });
                }
            }
        }
        return out;
    }

    /**
     * @param selected which RESULT names to run
     * @return whether any database benchmark is selected, by its name or a full RESULT name
     */
    static boolean anySelected(Predicate<String> selected) {
        return NAMES.stream().anyMatch(selected)
                || Stream.of(RawJdbc.FixInsert.values()).map(DbSuite::ingestName).anyMatch(selected)
                || Stream.of(RawJdbc.SyncInsert.UNNEST, RawJdbc.SyncInsert.PREPARED).map(DbSuite::syncFastestName)
                        .anyMatch(selected);
    }

    /**
     * @param how the baseline's insert
     * @return the RESULT name of {@code positions-ingest} against it, e.g. {@code positions-ingest-copy}
     */
    static String ingestName(RawJdbc.FixInsert how) {
        return INGEST + "-" + how.name().toLowerCase(Locale.ROOT);
    }

    /** @return whether any table of the store's schema has row-level security enabled */
    static boolean rowLevelSecurity(BenchStore db) throws SQLException {
        try (Connection c = db.store().dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM pg_class t JOIN pg_namespace n"
                     + " ON n.oid = t.relnamespace WHERE n.nspname = current_schema() AND t.relrowsecurity");
             ResultSet rs = ps.executeQuery()) {
            return rs.next() && rs.getLong(1) > 0;
        }
    }

    /** Creates the workspace, chargers and merchants the benchmarks use. */
    void seed() {
        fleetgate.access().upsertWorkspace(Principal.system(), new Workspace(WORKSPACE, "bench"));
        for (int i = 0; i < PLACES; i++) {
            Charger c = new Charger(String.format("chg-%03d", i), String.format("place-chg-%03d", i),
                    Coordinate.of(CITY_LAT + (random.nextDouble() - 0.5) * 0.2, CITY_LNG + (random.nextDouble() - 0.5) * 0.3));
            Merchant m = new Merchant(String.format("mer-%03d", i), String.format("place-mer-%03d", i), "Merchant " + i);
            exclusive.upsertCharger(Principal.system(), c);
            exclusive.upsertMerchant(Principal.system(), m);
            chargers.add(c);
            merchants.add(m);
        }
    }

    /**
     * Logs {@code events} events over 8 drivers and stores as many fixes over 8 others (set-up,
     * not timed), so the benchmarks run on a log and a fix table with a history rather than empty
     * tables.
     */
    void history(int events, int chunk) throws Exception {
        if (events > 0) {
            Arm.Round r = syncBaseline(PLAIN, chunk).prepare(events, 8);
            for (int t = 0; t < 8; t++) {
                r.run(t);
            }
            Instant start = now().minus(Duration.ofDays(3));
            for (int t = 0; t < 8; t++) {
                List<RawJdbc.FixRow> rows = FixRoute.drive(1000 + t, events / 8, start).fixes().stream()
                        .map(DbSuite::fixRow).toList();
                storeFixes(newId("drv-"), newId("batch-"), rows);
            }
        }
    }

    /**
     * On PostgreSQL, refreshes the planner's statistics (set-up, not timed). A new schema filled
     * at thousands of rows a second is otherwise planned as if empty until autovacuum gets to it
     * (a minute later by default), which no long-running database looks like.
     */
    void analyze() throws SQLException {
        if (db.postgres()) {
            // as the owner: ANALYZE skips, with a warning, tables the runtime role does not own
            try (Connection c = db.ownerConnection(); var st = c.createStatement()) {
                st.execute("ANALYZE");
            }
        }
    }

    private static String newId(String prefix) {
        return prefix + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }

    // --- activate -----------------------------------------------------------------------------

    /** A request for a new driver at a charger, about 30 m from it. */
    private record Activation(String driverId, String merchantId, String chargerId, double lat, double lng,
                              Double accuracyMeters) {
    }

    private Activation[] activations(int ops) {
        Activation[] out = new Activation[ops];
        for (int i = 0; i < ops; i++) {
            Charger c = chargers.get(random.nextInt(chargers.size()));
            Merchant m = merchants.get(random.nextInt(merchants.size()));
            out[i] = new Activation(newId("drv-"), m.id(), c.id(), c.location().lat() + 0.0002,
                    c.location().lng() + 0.0002, 8.0);
        }
        return out;
    }

    private Arm activateOurs() {
        return (ops, threads) -> {
            Activation[] a = activations(ops);
            Principal[] drivers = new Principal[ops];
            ActivateRequest[] requests = new ActivateRequest[ops];
            for (int i = 0; i < ops; i++) {
                drivers[i] = Principal.driver(a[i].driverId());
                requests[i] = ActivateRequest.of(a[i].merchantId(), a[i].chargerId(), a[i].lat(), a[i].lng())
                        .withAccuracy(a[i].accuracyMeters());
            }
            return t -> {
                for (int i = Arm.from(ops, threads, t); i < Arm.to(ops, threads, t); i++) {
                    ExclusiveSession s = exclusive.activate(drivers[i], requests[i]);
                    if (s.status() != ExclusiveSessionStatus.ACTIVE) {
                        throw new IllegalStateException("activate gave " + s.status());
                    }
                }
            };
        };
    }

    private Arm activateBaseline() {
        double radius = settings.exclusive().chargerRadiusMeters();
        double maxAccuracy = settings.exclusive().maxAccuracyMeters();
        long duration = settings.exclusive().duration().toNanos() / 1000;
        return (ops, threads) -> {
            Activation[] a = activations(ops);
            return t -> {
                for (int i = Arm.from(ops, threads, t); i < Arm.to(ops, threads, t); i++) {
                    Activation r = a[i];
                    RawJdbc.SessionRow s = raw.activate(UUID.randomUUID().toString(), r.driverId(), r.merchantId(),
                            r.chargerId(), r.lat(), r.lng(), r.accuracyMeters(), radius, maxAccuracy, duration, now());
                    if (s == null || !"ACTIVE".equals(s.status())) {
                        throw new IllegalStateException("baseline activation refused for " + r.driverId());
                    }
                }
            };
        };
    }

    // --- active and complete ------------------------------------------------------------------

    /** @return {@code count} new drivers, each given an ACTIVE session (set-up, not timed) */
    private List<String> activeDrivers(int count) throws SQLException {
        List<RawJdbc.SessionRow> rows = new ArrayList<>(count);
        Instant now = now();
        Instant expires = now.plus(settings.exclusive().duration());
        for (int i = 0; i < count; i++) {
            Charger c = chargers.get(random.nextInt(chargers.size()));
            Merchant m = merchants.get(random.nextInt(merchants.size()));
            rows.add(new RawJdbc.SessionRow(UUID.randomUUID().toString(), newId("drv-"), m.id(), m.placeId(), c.id(),
                    c.placeId(), null, "ACTIVE", now, expires, null, now, now, c.location().lat(),
                    c.location().lng(), 5.0, 0.0));
        }
        for (int from = 0; from < rows.size(); from += 500) {
            raw.insertSessions(rows.subList(from, Math.min(rows.size(), from + 500)));
        }
        return rows.stream().map(RawJdbc.SessionRow::driverId).toList();
    }

    private int[] picks(int ops, int bound) {
        int[] out = new int[ops];
        for (int i = 0; i < ops; i++) {
            out[i] = random.nextInt(bound);
        }
        return out;
    }

    private Arm activeOurs(List<String> pool) {
        Principal[] drivers = pool.stream().map(Principal::driver).toArray(Principal[]::new);
        return (ops, threads) -> {
            int[] pick = picks(ops, drivers.length);
            return t -> {
                for (int i = Arm.from(ops, threads, t); i < Arm.to(ops, threads, t); i++) {
                    Optional<ExclusiveSession> s = exclusive.active(drivers[pick[i]], false);
                    if (s.isEmpty()) {
                        throw new IllegalStateException("no ACTIVE session for " + drivers[pick[i]].userId());
                    }
                }
            };
        };
    }

    private Arm activeBaseline(List<String> pool) {
        String[] drivers = pool.toArray(String[]::new);
        return (ops, threads) -> {
            int[] pick = picks(ops, drivers.length);
            return t -> {
                for (int i = Arm.from(ops, threads, t); i < Arm.to(ops, threads, t); i++) {
                    RawJdbc.SessionRow s = raw.findActive(drivers[pick[i]]);
                    if (s == null || !s.expiresAt().isAfter(now())) {
                        throw new IllegalStateException("no ACTIVE session for " + drivers[pick[i]]);
                    }
                }
            };
        };
    }

    private Arm completeOurs() {
        return (ops, threads) -> {
            List<String> driverIds = activeDriversWithIds(ops);
            Principal[] drivers = new Principal[ops];
            String[] sessions = new String[ops];
            for (int i = 0; i < ops; i++) {
                drivers[i] = Principal.driver(driverIds.get(2 * i));
                sessions[i] = driverIds.get(2 * i + 1);
            }
            return t -> {
                for (int i = Arm.from(ops, threads, t); i < Arm.to(ops, threads, t); i++) {
                    ExclusiveSession s = exclusive.complete(drivers[i], sessions[i]);
                    if (s.status() != ExclusiveSessionStatus.COMPLETED) {
                        throw new IllegalStateException("complete gave " + s.status());
                    }
                }
            };
        };
    }

    private Arm completeBaseline() {
        return (ops, threads) -> {
            List<String> ids = activeDriversWithIds(ops);
            return t -> {
                for (int i = Arm.from(ops, threads, t); i < Arm.to(ops, threads, t); i++) {
                    RawJdbc.SessionRow s = raw.complete(ids.get(2 * i + 1), ids.get(2 * i), now());
                    if (s == null || !"COMPLETED".equals(s.status())) {
                        throw new IllegalStateException("baseline complete failed for " + ids.get(2 * i + 1));
                    }
                }
            };
        };
    }

    /** @return driver id, session id, driver id, session id, …: {@code count} new ACTIVE sessions */
    private List<String> activeDriversWithIds(int count) throws SQLException {
        List<RawJdbc.SessionRow> rows = new ArrayList<>(count);
        Instant now = now();
        Instant expires = now.plus(settings.exclusive().duration());
        List<String> out = new ArrayList<>(2 * count);
        for (int i = 0; i < count; i++) {
            Charger c = chargers.get(random.nextInt(chargers.size()));
            Merchant m = merchants.get(random.nextInt(merchants.size()));
            RawJdbc.SessionRow row = new RawJdbc.SessionRow(UUID.randomUUID().toString(), newId("drv-"), m.id(),
                    m.placeId(), c.id(), c.placeId(), null, "ACTIVE", now, expires, null, now, now,
                    c.location().lat(), c.location().lng(), 5.0, 0.0);
            rows.add(row);
            out.add(row.driverId());
            out.add(row.id());
        }
        for (int from = 0; from < rows.size(); from += 500) {
            raw.insertSessions(rows.subList(from, Math.min(rows.size(), from + 500)));
        }
        return out;
    }

    // --- sync ---------------------------------------------------------------------------------

    /**
     * A route a driver's phone records offline, over and over, every event a valid step: the
     * event types, the status each leads to, the stop each names (by index for the plain cycle, as
     * clients before stop ids do; by id for the proof cycle), the payload each carries and where it
     * happens (0 and 1 are the stops, 2 half-way).
     */
    record Cycle(String name, List<Stop> stops, DriverEventType[] types, DriverStatus[] after, Object[] stop,
                 List<Map<String, Object>> payloads, int[] where) {
    }

    private static final double[][] PLACES_OF_ROUTE = {
            {CITY_LAT, CITY_LNG}, {CITY_LAT + 0.001, CITY_LNG + 0.001}, {CITY_LAT + 0.0005, CITY_LNG + 0.0005}};

    /** The plain cycle: stops without windows or proof rules; a departure delivers the stop. */
    static final Cycle PLAIN = new Cycle("sync",
            List.of(Stop.of(PLACES_OF_ROUTE[0][0], PLACES_OF_ROUTE[0][1], 50),
                    Stop.of(PLACES_OF_ROUTE[1][0], PLACES_OF_ROUTE[1][1], 50)),
            new DriverEventType[] {ROUTE_STARTED, ARRIVED_AT_STOP, PROOF_CAPTURED, DEPARTED_STOP, DELAY_REPORTED,
                    ROUTE_RESUMED, ARRIVED_AT_STOP, PROOF_CAPTURED, DEPARTED_STOP, ROUTE_CANCELLED},
            new DriverStatus[] {DriverStatus.EN_ROUTE, DriverStatus.AT_STOP, DriverStatus.AT_STOP,
                    DriverStatus.EN_ROUTE, DriverStatus.DELAYED, DriverStatus.EN_ROUTE, DriverStatus.AT_STOP,
                    DriverStatus.AT_STOP, DriverStatus.EN_ROUTE, DriverStatus.INACTIVE},
            new Object[] {null, 0, null, null, null, null, 1, null, null, null},
            java.util.Collections.nCopies(10, null),
            new int[] {0, 0, 0, 0, 2, 2, 1, 1, 1, 1});

    private static final String SIGNATURE_HASH = "5".repeat(64);
    private static final String PHOTO_HASH = "6".repeat(64);

    /**
     * The proof cycle (issue #16): stops with time windows and proof rules (a signature, a photo),
     * named by id, and every fourth event a {@code PROOF_CAPTURED} carrying a proof (kind, content
     * hash, the host's reference). No departure: a stop with an outcome takes no more proof, and the
     * cycle repeats on the same stops.
     */
    static final Cycle PROOF = new Cycle("sync-proof",
            List.of(Stop.of(PLACES_OF_ROUTE[0][0], PLACES_OF_ROUTE[0][1], 50).withId("door-a")
                            .withWindow(new TimeWindow(Instant.parse("2020-01-01T00:00:00Z"),
                                    Instant.parse("2100-01-01T00:00:00Z")))
                            .requiring(ProofKind.SIGNATURE, 1),
                    Stop.of(PLACES_OF_ROUTE[1][0], PLACES_OF_ROUTE[1][1], 50).withId("door-b")
                            .withWindow(new TimeWindow(null, Instant.parse("2100-01-01T00:00:00Z")))
                            .requiring(ProofKind.PHOTO, 1).requiring(ProofKind.NOTE, 1)),
            new DriverEventType[] {ROUTE_STARTED, ARRIVED_AT_STOP, PROOF_CAPTURED, DELAY_REPORTED, ROUTE_RESUMED,
                    ARRIVED_AT_STOP, PROOF_CAPTURED, ROUTE_CANCELLED},
            new DriverStatus[] {DriverStatus.EN_ROUTE, DriverStatus.AT_STOP, DriverStatus.AT_STOP,
                    DriverStatus.DELAYED, DriverStatus.EN_ROUTE, DriverStatus.AT_STOP, DriverStatus.AT_STOP,
                    DriverStatus.INACTIVE},
            new Object[] {null, "door-a", "door-a", null, null, "door-b", "door-b", null},
            java.util.Arrays.asList(null, null,
                    Map.of("proof", Map.of("kind", "SIGNATURE", "hash", SIGNATURE_HASH, "ref", "sig/door-a.png")),
                    null, null, null,
                    Map.of("proof", Map.of("kind", "PHOTO", "hash", PHOTO_HASH, "ref", "photo/door-b.jpg")),
                    null),
            new int[] {0, 0, 0, 2, 2, 1, 1, 1});

    /**
     * {@return the cycle of that benchmark name}
     *
     * @param name {@code sync} or {@code sync-proof}
     */
    static Cycle cycle(String name) {
        return Stream.of(PLAIN, PROOF).filter(c -> c.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no sync cycle " + name));
    }

    /** One thread's driver, its new batch and the events it will send. */
    private record Route(String driverId, String batchId, List<DriverEventRequest> events) {
    }

    /** @return a new batch for a new driver and {@code count} events along the cycle */
    private Route route(Cycle cycle, int count) {
        return route(execution, cycle, count, null);
    }

    /**
     * @return a new batch (with that corridor, or none) for a new driver and {@code count} events
     *         along the cycle, {@value #EVENT_EVERY_S} s apart
     */
    private Route route(DriverExecutionService service, Cycle cycle, int count, Corridor corridor) {
        String driverId = newId("drv-");
        String batchId = newId("batch-");
        service.createBatch(Principal.system(), new CreateBatchRequest(batchId, WORKSPACE, driverId, cycle.stops(),
                null, corridor));
        Instant start = now().minus(Duration.ofDays(2));
        List<DriverEventRequest> events = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int step = i % cycle.types().length;
            double[] at = PLACES_OF_ROUTE[cycle.where()[step]];
            DriverEventRequest e = DriverEventRequest.of(UUID.randomUUID().toString(), batchId, cycle.types()[step],
                    start.plusSeconds((long) EVENT_EVERY_S * i)).at(at[0], at[1], 5.0).payload(cycle.payloads().get(step));
            Object stop = cycle.stop()[step];
            events.add(stop == null ? e : stop instanceof Integer index ? e.stop(index) : e.stop((String) stop));
        }
        return new Route(driverId, batchId, events);
    }

    Arm syncOurs(Cycle cycle, int chunk) {
        return syncOurs(execution, cycle, chunk, null, false);
    }

    /**
     * fleetgate's sync of the cycle: every event must be accepted and none flagged (with
     * confirmation on, an arrival the stored fixes do not confirm is flagged, and fails the arm).
     *
     * @param service  the execution service (its settings decide whether arrivals are confirmed)
     * @param cycle    the route
     * @param chunk    events per call
     * @param corridor each batch's corridor, or {@code null}
     * @param fixes    whether the fixes the phone took along each route are stored before the round
     *                 ({@link #storeFixes(Cycle, Route)}; set-up, not timed)
     */
    Arm syncOurs(DriverExecutionService service, Cycle cycle, int chunk, Corridor corridor, boolean fixes) {
        return (ops, threads) -> {
            List<Principal> drivers = new ArrayList<>();
            List<List<List<DriverEventRequest>>> calls = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                Route r = route(service, cycle, Arm.to(ops, threads, t) - Arm.from(ops, threads, t), corridor);
                if (fixes) {
                    storeFixes(cycle, r);
                }
                drivers.add(Principal.driver(r.driverId()));
                calls.add(chunks(r.events(), chunk));
            }
            return t -> {
                for (List<DriverEventRequest> call : calls.get(t)) {
                    List<EventOutcome> outcomes = service.sync(drivers.get(t), call);
                    for (EventOutcome o : outcomes) {
                        if (o.result() != EventOutcome.Result.ACCEPTED || o.flaggedForReview()) {
                            throw new IllegalStateException("sync gave " + o);
                        }
                    }
                }
            };
        };
    }

    Arm syncBaseline(Cycle cycle, int chunk) {
        return syncBaseline(cycle, chunk, RawJdbc.SyncInsert.BATCH);
    }

    /**
     * {@code sync} against the fastest insert the store allows for the same rows (issue #19, item
     * 6): PostgreSQL {@code sync-unnest} (one {@code INSERT … SELECT FROM unnest(…)} per chunk;
     * {@code COPY FROM} is refused on {@code driver_events}, whose row-level security is forced),
     * SQLite {@code sync-prepared} (one prepared insert executed per event, in the chunk's one
     * transaction), at each thread count, target {@value #SYNC_FASTEST_TARGET}.
     *
     * @return the comparisons, none when not selected
     */
    List<Comparison> syncFastest(Plan plan, Predicate<String> selected, PrintStream log) throws Exception {
        RawJdbc.SyncInsert how = db.postgres() ? RawJdbc.SyncInsert.UNNEST : RawJdbc.SyncInsert.PREPARED;
        String name = syncFastestName(how);
        List<Comparison> out = new ArrayList<>();
        if (!selected.test(name)) {
            return out;
        }
        for (int threads : plan.threads()) {
            analyze();
            try (AbRunner runner = new AbRunner(threads, log)) {
                out.add(runner.compare(name, db.kind(), syncOurs(PLAIN, plan.syncChunk()),
                        syncBaseline(PLAIN, plan.syncChunk(), how), plan, plan.syncEvents(), SYNC_FASTEST_TARGET));
            }
        }
        return out;
    }

    /** @return the RESULT name of {@code sync} against that insert: {@code sync-unnest}, {@code sync-prepared} */
    static String syncFastestName(RawJdbc.SyncInsert how) {
        return "sync-" + how.name().toLowerCase(Locale.ROOT);
    }

    /** The raw baseline of the cycle, its events inserted {@code how}. */
    Arm syncBaseline(Cycle cycle, int chunk, RawJdbc.SyncInsert how) {
        return (ops, threads) -> {
            List<List<RawJdbc.BatchRow>> batches = new ArrayList<>();
            List<List<List<RawJdbc.EventRow>>> rows = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                Route r = route(cycle, Arm.to(ops, threads, t) - Arm.from(ops, threads, t));
                List<RawJdbc.BatchRow> b = new ArrayList<>();
                List<List<RawJdbc.EventRow>> e = new ArrayList<>();
                baselineRows(cycle, r, chunk, now(), b, e);
                batches.add(b);
                rows.add(e);
            }
            return t -> {
                List<RawJdbc.BatchRow> b = batches.get(t);
                for (int i = 0; i < b.size(); i++) {
                    raw.sync(b.get(i), rows.get(t).get(i), how);
                }
            };
        };
    }

    // --- sync-positions ---------------------------------------------------------------------------

    /** The sync cycle's planned route: its two stops by way of the place half-way, 200 m wide. */
    static final Corridor SYNC_CORRIDOR = Corridor.of(List.of(Coordinate.of(PLACES_OF_ROUTE[0][0], PLACES_OF_ROUTE[0][1]),
            Coordinate.of(PLACES_OF_ROUTE[2][0], PLACES_OF_ROUTE[2][1]),
            Coordinate.of(PLACES_OF_ROUTE[1][0], PLACES_OF_ROUTE[1][1])), 200);

    /** The sync with arrival confirmation on (the defaults) and batches with {@link #SYNC_CORRIDOR}. */
    Arm syncPositionsOn(int chunk) {
        return syncOurs(executionOn, PLAIN, chunk, SYNC_CORRIDOR, true);
    }

    /** The same sync with confirmation off ({@code ARRIVAL_CONFIRM_FIXES=0}) and no corridor; the same fixes stored. */
    Arm syncPositionsOff(int chunk) {
        return syncOurs(execution, PLAIN, chunk, null, true);
    }

    /**
     * Stores the fixes the route's phone took (set-up, not timed): one every {@value
     * FixRoute#FIX_EVERY_S} s from the first event to the last, where the driver was then (the
     * place of the latest event), accuracy 5 to 20 m and off by up to a quarter of it. So the
     * {@code ARRIVAL_WINDOW_S} (300 s) either side of each arrival hold 120 fixes to read and
     * judge, those taken at the stop certainly inside its 50 m fence: every arrival is confirmed.
     */
    private void storeFixes(Cycle cycle, Route r) throws SQLException {
        Random jitter = new Random(r.driverId().hashCode());
        Instant first = r.events().get(0).recordedAt();
        int count = r.events().size() * EVENT_EVERY_S / FixRoute.FIX_EVERY_S;
        List<RawJdbc.FixRow> rows = new ArrayList<>(count);
        for (int k = 0; k < count; k++) {
            long second = (long) FixRoute.FIX_EVERY_S * k;
            int step = (int) (second / EVENT_EVERY_S) % cycle.types().length;
            double[] at = PLACES_OF_ROUTE[cycle.where()[step]];
            double accuracy = 5 + 15 * jitter.nextDouble();
            double north = (jitter.nextDouble() - 0.5) * accuracy / 2;
            double east = (jitter.nextDouble() - 0.5) * accuracy / 2;
            rows.add(new RawJdbc.FixRow(first.plusSeconds(second), at[0] + north / 111_195.0,
                    at[1] + east / (111_195.0 * Math.cos(Math.toRadians(at[0]))), accuracy, null, null, 0));
        }
        storeFixes(r.driverId(), r.batchId(), rows);
    }

    /** Stores a driver's fixes in transactions of up to 1,000 (set-up, not timed). */
    private void storeFixes(String driverId, String batchId, List<RawJdbc.FixRow> rows) throws SQLException {
        RawJdbc.FixInsert how = db.postgres() ? RawJdbc.FixInsert.UNNEST : RawJdbc.FixInsert.BATCH;
        for (List<RawJdbc.FixRow> part : chunks(rows, 1000)) {
            int n = raw.insertFixes(how, driverId, WORKSPACE, batchId, part, now());
            if (n != part.size()) {
                throw new IllegalStateException("set-up stored " + n + " of " + part.size() + " fixes of " + driverId);
            }
        }
    }

    // --- positions-ingest -------------------------------------------------------------------------

    /**
     * Runs {@code positions-ingest} against each raw insert of the store: on SQLite the JDBC
     * batch, on PostgreSQL {@code unnest} and {@code COPY}, each a comparison of its own (the
     * faster decides: both must meet the target). Warm-up: at least 1,000 calls per arm ({@link
     * Plan#warmupOps()} / 10 calls of {@value #FIXES_PER_CALL} fixes), besides the plan's rounds and
     * seconds.
     *
     * @return one comparison per baseline selected
     */
    List<Comparison> ingest(Plan plan, Predicate<String> selected, PrintStream log) throws Exception {
        List<RawJdbc.FixInsert> baselines = db.postgres() ? List.of(RawJdbc.FixInsert.UNNEST, RawJdbc.FixInsert.COPY)
                : List.of(RawJdbc.FixInsert.BATCH);
        List<Comparison> out = new ArrayList<>();
        for (RawJdbc.FixInsert how : baselines) {
            String name = ingestName(how);
            if (!selected.test(name)) {
                continue;
            }
            analyze();
            try (AbRunner runner = new AbRunner(plan.ingestThreads(), log)) {
                out.add(runner.compare(name, db.kind(), ingestOurs(), ingestBaseline(how),
                        plan.withWarmupOps(plan.warmupOps() / 10 * FIXES_PER_CALL), plan.ingestFixes(), INGEST_TARGET,
                        db.postgres() ? INGEST_MIN_POSTGRES : 0));
            }
        }
        return out;
    }

    /** @return fixes per thread, {@code ops} being a multiple of the threads times {@value #FIXES_PER_CALL} */
    private static int fixesPerThread(int ops, int threads) {
        if (ops % (threads * FIXES_PER_CALL) != 0) {
            throw new IllegalArgumentException("positions-ingest needs a multiple of " + threads + " x "
                    + FIXES_PER_CALL + " fixes per round, got " + ops);
        }
        return ops / threads;
    }

    /** @return the fix as the baseline stores it: every fix of a {@link FixRoute} is plausible, no mark */
    private static RawJdbc.FixRow fixRow(Fix f) {
        return new RawJdbc.FixRow(f.recordedAt(), f.location().lat(), f.location().lng(), f.accuracyMeters(),
                f.speedMps(), f.headingDegrees(), 0);
    }

    /**
     * fleetgate: per thread a new driver and their new batch (the route's stops and corridor),
     * then {@link PositionService#ingest} of the route's fixes, {@value #FIXES_PER_CALL} a call,
     * every fix accepted and none marked.
     */
    Arm ingestOurs() {
        return (ops, threads) -> {
            int perThread = fixesPerThread(ops, threads);
            Instant start = now().minus(Duration.ofDays(1));
            List<Principal> drivers = new ArrayList<>();
            List<String> batches = new ArrayList<>();
            List<List<List<Fix>>> calls = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                FixRoute r = FixRoute.drive(t, perThread, start);
                String driverId = newId("drv-");
                String batchId = newId("batch-");
                executionOn.createBatch(Principal.system(), new CreateBatchRequest(batchId, WORKSPACE, driverId,
                        r.stops(), null, r.corridor()));
                drivers.add(Principal.driver(driverId));
                batches.add(batchId);
                calls.add(chunks(r.fixes(), FIXES_PER_CALL));
            }
            return t -> {
                for (List<Fix> call : calls.get(t)) {
                    PositionReceipt p = positions.ingest(drivers.get(t), batches.get(t), call);
                    if (p.accepted() != call.size() || p.duplicates() != 0 || !p.conflicts().isEmpty()
                            || p.marked() != 0) {
                        throw new IllegalStateException("ingest gave " + p);
                    }
                }
            };
        };
    }

    /**
     * The baseline: per thread a new driver, then the same fixes stored by {@link
     * RawJdbc#insertFixes} that way, {@value #FIXES_PER_CALL} a transaction, every one inserted.
     */
    Arm ingestBaseline(RawJdbc.FixInsert how) {
        return (ops, threads) -> {
            int perThread = fixesPerThread(ops, threads);
            Instant start = now().minus(Duration.ofDays(1));
            List<String> drivers = new ArrayList<>();
            List<String> batches = new ArrayList<>();
            List<List<List<RawJdbc.FixRow>>> calls = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                List<RawJdbc.FixRow> rows = FixRoute.drive(t, perThread, start).fixes().stream()
                        .map(DbSuite::fixRow).toList();
                drivers.add(newId("drv-"));
                batches.add(newId("batch-"));
                calls.add(chunks(rows, FIXES_PER_CALL));
            }
            return t -> {
                for (List<RawJdbc.FixRow> call : calls.get(t)) {
                    int n = raw.insertFixes(how, drivers.get(t), WORKSPACE, batches.get(t), call, now());
                    if (n != call.size()) {
                        throw new IllegalStateException("baseline " + how + " inserted " + n + " of " + call.size()
                                + " fixes of " + drivers.get(t));
                    }
                }
            };
        };
    }

    /** @return the baseline's JDBC (for tests of the harness) */
    RawJdbc raw() {
        return raw;
    }

    /** @return the execution service with arrival confirmation on (for tests of the harness) */
    DriverExecutionService executionOn() {
        return executionOn;
    }

    /** What the baseline keeps of one stop, to write the batch's stop progress as the library does. */
    private static final class StopState {
        String status = "PENDING";
        Instant arrivedAt;
        Instant outcomeAt;
        final Map<String, List<String>> proofs = new java.util.TreeMap<>();
    }

    /**
     * The rows the library writes for a route, worked out without it: per chunk the batch after
     * the chunk (status, current and visited stops, the stops' progress as JSON) and the chunk's
     * event rows (with the stop each concerned and its payload).
     */
    private static void baselineRows(Cycle cycle, Route r, int chunk, Instant syncedAt,
                                     List<RawJdbc.BatchRow> batches, List<List<RawJdbc.EventRow>> events) {
        DriverStatus status = DriverStatus.INACTIVE;
        Integer currentStop = null;
        List<Integer> visited = new ArrayList<>();
        Instant started = null;
        long version = 0;
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < cycle.stops().size(); i++) {
            String id = cycle.stops().get(i).id();
            ids.add(id == null ? Stop.generatedId(i) : id);
        }
        Map<String, StopState> progress = new LinkedHashMap<>();
        List<DriverEventRequest> all = r.events();
        for (int from = 0; from < all.size(); from += chunk) {
            long expected = version;
            List<RawJdbc.EventRow> rows = new ArrayList<>();
            for (DriverEventRequest e : all.subList(from, Math.min(all.size(), from + chunk))) {
                int step = (int) (version % cycle.types().length);
                DriverStatus to = cycle.after()[step];
                version++;
                Integer index = e.stopId() != null ? Integer.valueOf(ids.indexOf(e.stopId())) : e.stopIndex();
                if (e.type() == ARRIVED_AT_STOP) {
                    currentStop = index;
                    visited.add(index);
                    StopState st = progress.computeIfAbsent(ids.get(index), k -> new StopState());
                    if (st.status.equals("PENDING")) {
                        st.status = "ARRIVED";
                        st.arrivedAt = e.recordedAt();
                    }
                } else if (e.type() == PROOF_CAPTURED && e.payload() != null) {
                    Map<?, ?> proof = (Map<?, ?>) e.payload().get("proof");
                    List<String> hashes = progress.get(ids.get(index)).proofs
                            .computeIfAbsent((String) proof.get("kind"), k -> new ArrayList<>());
                    if (!hashes.contains((String) proof.get("hash"))) {
                        hashes.add((String) proof.get("hash"));
                    }
                } else if (e.type() == DEPARTED_STOP) {
                    index = currentStop;
                    StopState st = progress.get(ids.get(index));
                    if (st.status.equals("ARRIVED")) {
                        st.status = "COMPLETED";
                        st.outcomeAt = e.recordedAt();
                    }
                } else if (e.type() == ROUTE_STARTED) {
                    started = e.recordedAt();
                } else if (e.type() == ROUTE_CANCELLED) {
                    currentStop = null;
                    visited.clear();
                }
                rows.add(new RawJdbc.EventRow(e.eventId(), r.batchId(), WORKSPACE, r.driverId(), e.type().name(),
                        status.name(), to.name(), version, e.recordedAt(), syncedAt, e.lat(), e.lng(), e.accuracyMeters(),
                        index, index == null ? null : ids.get(index), e.payload() == null ? "{}" : json(e.payload()),
                        EventEncoding.sha256(EventEncoding.canonical(e))));
                status = to;
            }
            batches.add(new RawJdbc.BatchRow(r.batchId(), WORKSPACE, r.driverId(), status.name(), currentStop, started,
                    null, new java.util.TreeSet<>(visited).toString().replace(" ", ""), progressJson(progress),
                    version, expected, syncedAt));
            events.add(rows);
        }
    }

    /** The progress column as the library writes it (members left out when null, false or empty). */
    private static String progressJson(Map<String, StopState> progress) {
        Map<String, Object> out = new java.util.TreeMap<>();
        progress.forEach((id, st) -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("status", st.status);
            if (st.arrivedAt != null) {
                m.put("arrived_at", st.arrivedAt.toString());
            }
            if (st.outcomeAt != null) {
                m.put("outcome_at", st.outcomeAt.toString());
            }
            if (!st.proofs.isEmpty()) {
                m.put("proofs", st.proofs);
            }
            out.put(id, m);
        });
        return json(out);
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static <T> List<List<T>> chunks(List<T> all, int size) {
        List<List<T>> out = new ArrayList<>();
        for (int from = 0; from < all.size(); from += size) {
            out.add(all.subList(from, Math.min(all.size(), from + size)));
        }
        return out;
    }
}
