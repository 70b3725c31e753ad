package io.fleetgate.examples.bench;

import io.fleetgate.Principal;

import java.io.PrintStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Fills a new PostgreSQL schema to a given {@link Shape} by SQL generation ({@code generate_series}
 * {@code INSERT … SELECT} as the schema's owner), not through the library: the {@code volume}
 * benchmark's data (issue #19, item 5).
 *
 * <p>Every row satisfies what the library relies on, so its own paths work on the rows as on rows
 * it wrote itself:
 * <ul>
 *   <li>{@code W} workspaces {@code ws-0000…}, each with one supervisor {@code sup-0000} and {@code D}
 *       drivers {@code drv-0000-00000…} (members with their role), every user with the PIN hash the
 *       library made for {@link #PIN} (one real hash, read back from a user the library enrolled:
 *       PBKDF2 of 100,000 users would take hours; each login still verifies it as the library does);</li>
 *   <li>{@code B = D / 2} batches per workspace, batch {@code j} assigned to driver {@code 2j}, each
 *       with two stops and the log of the {@code sync} benchmark's route cycle ({@link DbSuite#PLAIN}:
 *       start, arrive, proof, depart, delay, resume, arrive, proof, depart, cancel) played 4 times:
 *       40 events, versions 1 to 40 with each event's previous and new status, the batch's status,
 *       version, current stop, visited stops and stop progress those of its last event. One batch in
 *       10 stops after 36 events, on route (at most one per driver: the one-on-route index holds); the
 *       others' 40th event is {@code ROUTE_COMPLETED} instead of the cancel (the batch COMPLETED). One
 *       proof in 4 is flagged ({@code OUTSIDE_GEOFENCE}), those of the workspace's older half of
 *       batches reviewed by the supervisor (the queue's head is a run of reviewed items, as where
 *       supervisors work it oldest first);</li>
 *   <li>one batch in 5 has a refused event in the quarantine and an {@code IMPLAUSIBLE_SPEED} alert;
 *       each driver on route is silent and has its open {@code QUIET} alert;</li>
 *   <li>each assigned driver has {@value #FIXES_PER_BATCH} fixes along the batch and a presence;</li>
 *   <li>each driver has a finished exclusive session, one in 5 also an ACTIVE one (expiring in 11
 *       hours), and a current device session (token hash = hex SHA-256 of a token never used);</li>
 *   <li>the change feed holds what the triggers would have written: one {@code BATCH} change at
 *       creation and one after the sync, one {@code EVENT} per event, one {@code QUARANTINED}, the
 *       {@code ALERT}s and one {@code REVIEW} per review record, seqs increasing with time.</li>
 * </ul>
 * The fill runs as the owner with the system's principal bound (row-level security stays forced);
 * the change-feed triggers are disabled for it (their rows are written directly, in bulk) and
 * enabled again, and the indexes that back no constraint are dropped before and built again after
 * (a unique one so checks its rows), then the schema is {@code ANALYZE}d. No table is UNLOGGED.
 */
final class VolumeFill {
    /** Every filled user's PIN. */
    static final String PIN = "482193";
    /** Events per batch off route (4 route cycles). */
    static final int EVENTS = 40;
    /** Events per batch on route (3 cycles, then start, arrive, proof, depart, delay, resume). */
    static final int EVENTS_ON_ROUTE = 36;
    /** Fixes per assigned driver. */
    static final int FIXES_PER_BATCH = 10;
    /** The template user the library enrols, whose PIN hash every filled user gets. */
    static final String TEMPLATE_USER = "vol-template";

    /** Tables the fill writes, whose indexes that back no constraint are built after it. */
    private static final List<String> TABLES = List.of("workspaces", "user_credentials", "workspace_members",
            "chargers", "merchants", "delivery_batches", "batch_stops", "driver_events", "exclusive_sessions",
            "driver_sessions", "driver_fixes", "driver_presence", "position_alerts", "quarantined_events",
            "event_reviews", "changes", "open_review_items");
    /**
     * The triggers off during the fill, as table and trigger: the change feed's (V14), whose rows
     * the fill writes itself, and the presence's batch on route (V18), which the fill sets in one
     * {@code UPDATE} (the per-row look-up would scan the batches, their partial index being built
     * only after the fill). V18's open review items stay on: they are filled row by row, by key.
     */
    private static final List<List<String>> FILL_TRIGGERS = List.of(
            List.of("driver_events", "changes_from_driver_events"),
            List.of("delivery_batches", "changes_from_delivery_batches"),
            List.of("quarantined_events", "changes_from_quarantined_events"),
            List.of("position_alerts", "changes_from_position_alerts"),
            List.of("event_reviews", "changes_from_event_reviews"),
            List.of("delivery_batches", "driver_presence_from_batch"),
            List.of("driver_presence", "driver_presence_on_route"),
            List.of("driver_presence", "driver_presence_on_route_kept"));

    private VolumeFill() {
    }

    /**
     * The size of a filled database.
     *
     * @param workspaces          workspaces
     * @param driversPerWorkspace drivers per workspace (even; at least 20)
     */
    record Shape(int workspaces, int driversPerWorkspace) {
        Shape {
            if (workspaces < 1 || driversPerWorkspace < 20 || driversPerWorkspace % 20 != 0) {
                throw new IllegalArgumentException("a volume shape needs >= 1 workspace and a multiple of 20 drivers"
                        + " per workspace, got " + workspaces + " x " + driversPerWorkspace);
            }
        }

        /** @return batches per workspace: half the drivers */
        int batchesPerWorkspace() {
            return driversPerWorkspace / 2;
        }

        long drivers() {
            return (long) workspaces * driversPerWorkspace;
        }

        long batches() {
            return (long) workspaces * batchesPerWorkspace();
        }

        /** @return events in all: 36 for one batch in 10, 40 for the others */
        long events() {
            long onRoute = (long) workspaces * ((batchesPerWorkspace() + 9) / 10);
            return onRoute * EVENTS_ON_ROUTE + (batches() - onRoute) * EVENTS;
        }

        /**
         * The volume database: at scale 1, 100 workspaces of 1,000 drivers (100,000), 50,000
         * batches, ~1.98M events, ~220,000 exclusive and device sessions, 500,000 fixes. A smaller
         * scale shrinks the drivers (at least 1,000 in all) over fewer workspaces (at least 10).
         *
         * @param scale 0 (exclusive) to 1
         * @return the shape
         */
        static Shape volume(double scale) {
            if (!(scale > 0 && scale <= 1)) {
                throw new IllegalArgumentException("--volume-scale takes a number above 0 and at most 1, got " + scale);
            }
            long drivers = Math.max(1_000, Math.round(100_000 * scale));
            int workspaces = (int) Math.max(10, Math.min(100, Math.round(100 * scale)));
            int perWorkspace = (int) Math.max(100, drivers / workspaces / 20 * 20);
            return new Shape(workspaces, perWorkspace);
        }

        /** @return the small database the volume one is compared with: 10 workspaces of 100 drivers */
        static Shape small() {
            return new Shape(10, 100);
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%d workspaces x %d drivers = %,d drivers, %,d batches, %,d events",
                    workspaces, driversPerWorkspace, drivers(), batches(), events());
        }
    }

    /** What the benchmark needs to know of a filled database. */
    record Filled(Shape shape, Instant origin, double seconds) {
        /** @return the id of workspace {@code w} */
        static String workspace(int w) {
            return String.format(Locale.ROOT, "ws-%04d", w);
        }

        /** @return the id (and username) of driver {@code i} of workspace {@code w} */
        static String driver(int w, int i) {
            return String.format(Locale.ROOT, "drv-%04d-%05d", w, i);
        }

        /** @return the id of workspace {@code w}'s supervisor */
        static String supervisor(int w) {
            return String.format(Locale.ROOT, "sup-%04d", w);
        }

        /** @return the id of batch {@code j} of workspace {@code w} (assigned to driver {@code 2j}) */
        static String batch(int w, int j) {
            return String.format(Locale.ROOT, "bat-%04d-%05d", w, j);
        }

        /** @return whether batch {@code j} of a workspace is on route */
        static boolean onRoute(int j) {
            return j % 10 == 0;
        }
    }

    /**
     * Fills the store's schema (it holds the template user already: {@link #TEMPLATE_USER}).
     *
     * @param db    the store, migrated, empty but for the template user
     * @param shape the size
     * @param log   progress
     * @return what was filled
     * @throws SQLException if a statement fails (an invariant the rows break, among others)
     */
    static Filled fill(BenchStore db, Shape shape, PrintStream log) throws SQLException {
        long started = System.nanoTime();
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Instant origin = now.minus(30, ChronoUnit.DAYS);
        try (Connection c = db.ownerConnection()) {
            c.setAutoCommit(false);
            try (Statement st = c.createStatement()) {
                st.execute("SET maintenance_work_mem = '256MB'");
            }
            c.commit();
            String hash = templateHash(db, c);
            List<String> indexes = dropIndexes(c);
            setTriggers(c, false);
            c.commit();
            for (Map.Entry<String, String> step : statements(shape, origin, now).entrySet()) {
                long t = System.nanoTime();
                db.contextKey().bind(c, Principal.system(), Instant.now());
                int rows;
                try (PreparedStatement ps = c.prepareStatement(step.getValue())) {
                    if (step.getValue().contains("?")) {
                        ps.setString(1, hash);
                    }
                    rows = ps.executeUpdate();
                }
                c.commit();
                log.printf(Locale.ROOT, "    %-22s %,10d rows %6.1f s%n", step.getKey(), rows, (System.nanoTime() - t) / 1e9);
            }
            long t = System.nanoTime();
            // changes is under forced row-level security, its owner included: read its seqs as the system
            db.contextKey().bind(c, Principal.system(), Instant.now());
            try (Statement st = c.createStatement()) {
                for (String index : indexes) {
                    st.execute(index);
                }
                st.execute("SELECT setval('changes_seq', (SELECT max(seq) FROM changes))");
            }
            setTriggers(c, true);
            c.commit();
            log.printf(Locale.ROOT, "    %-22s %,10d      %6.1f s%n", "indexes built", indexes.size(),
                    (System.nanoTime() - t) / 1e9);
            t = System.nanoTime();
            c.setAutoCommit(true);
            try (Statement st = c.createStatement()) {
                st.execute("VACUUM ANALYZE " + String.join(", ", TABLES));
            }
            log.printf(Locale.ROOT, "    %-22s %6.1f s%n", "vacuum analyze", (System.nanoTime() - t) / 1e9);
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        log.printf(Locale.ROOT, "  volume fill: %s in %.1f s%n", shape, seconds);
        return new Filled(shape, origin, seconds);
    }

    /** @return the PIN hash the library stored for the template user */
    private static String templateHash(BenchStore db, Connection c) throws SQLException {
        db.contextKey().bind(c, Principal.system(), Instant.now());
        try (PreparedStatement ps = c.prepareStatement("SELECT pin_hash FROM user_credentials WHERE user_id = ?")) {
            ps.setString(1, TEMPLATE_USER);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalStateException("the template user " + TEMPLATE_USER + " is not enrolled");
                }
                String hash = rs.getString(1);
                c.commit();
                return hash;
            }
        }
    }

    /** Drops the filled tables' indexes that back no constraint; returns their definitions, to build after. */
    private static List<String> dropIndexes(Connection c) throws SQLException {
        List<String> defs = new ArrayList<>();
        List<String> names = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT i.indexname, i.indexdef FROM pg_indexes i"
                + " WHERE i.schemaname = current_schema() AND i.tablename = ANY (?) AND NOT EXISTS (SELECT 1 FROM"
                + " pg_constraint k JOIN pg_class x ON x.oid = k.conindid JOIN pg_namespace n ON n.oid = x.relnamespace"
                + " WHERE x.relname = i.indexname AND n.nspname = i.schemaname) ORDER BY i.tablename, i.indexname")) {
            ps.setArray(1, c.createArrayOf("text", TABLES.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                    // a partitioned table's index (V16) reads "ON ONLY parent": built so, it would stay
                    // on the parent alone, invalid, and every partition would be left without it
                    defs.add(rs.getString(2).replaceFirst(" ON ONLY ", " ON "));
                }
            }
        }
        try (Statement st = c.createStatement()) {
            for (String name : names) {
                st.execute("DROP INDEX " + quote(name));
            }
        }
        return defs;
    }

    private static void setTriggers(Connection c, boolean enabled) throws SQLException {
        try (Statement st = c.createStatement()) {
            for (List<String> t : FILL_TRIGGERS) {
                st.execute("ALTER TABLE " + t.get(0) + (enabled ? " ENABLE" : " DISABLE") + " TRIGGER " + t.get(1));
            }
        }
    }

    private static String quote(String identifier) {
        if (!identifier.matches("[a-z_][a-z0-9_]*")) {
            throw new IllegalArgumentException("unexpected index name " + identifier);
        }
        return identifier;
    }

    /**
     * The fill's statements, in order, each run in its own transaction. Numbers (the shape, the
     * origin's epoch second) are written into the text: they are the benchmark's own integers. The
     * one {@code ?} is the PIN hash.
     */
    static Map<String, String> statements(Shape shape, Instant origin, Instant now) {
        int ws = shape.workspaces();
        int d = shape.driversPerWorkspace();
        int b = shape.batchesPerWorkspace();
        long batches = shape.batches();
        // batch g = j * W + w is created at origin + g * step: the workspaces' batches interleaved in time
        long step = Math.max(1, 25L * 86_400 / batches);
        String t0 = "to_timestamp(" + origin.getEpochSecond() + ")";
        String tNow = "to_timestamp(" + now.getEpochSecond() + ")";
        String wsId = "'ws-' || lpad(w::text, 4, '0')";
        String drv = "'drv-' || lpad(w::text, 4, '0') || '-' || lpad(i::text, 5, '0')";
        String sup = "'sup-' || lpad(w::text, 4, '0')";
        // one row per batch: w, j, g, id, driver, on route, events, created, synced
        String batchRows = String.format(Locale.ROOT, "(SELECT w, j, j * %1$d + w AS g, 'bat-' || lpad(w::text, 4, '0') || '-'"
                + " || lpad(j::text, 5, '0') AS id, 'ws-' || lpad(w::text, 4, '0') AS ws, 'drv-' || lpad(w::text, 4, '0')"
                + " || '-' || lpad((2 * j)::text, 5, '0') AS drv, j %% 10 = 0 AS onr,"
                + " CASE WHEN j %% 10 = 0 THEN %3$d ELSE %4$d END AS n,"
                + " %5$s + (j * %1$d + w) * %6$d * interval '1 second' AS created,"
                + " %5$s + (j * %1$d + w) * %6$d * interval '1 second'"
                + "   + (CASE WHEN j %% 10 = 0 THEN %3$d ELSE %4$d END * 10 + 60) * interval '1 second' AS synced"
                + " FROM generate_series(0, %1$d - 1) w, generate_series(0, %2$d - 1) j)",
                ws, b, EVENTS_ON_ROUTE, EVENTS, t0, step);
        String iso = "to_char((%s) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')";
        String lat = "(52.0 + (x.w % 10) * 0.1)";
        String lng = "(13.0 + (x.w / 10 % 10) * 0.1)";
        Map<String, String> out = new LinkedHashMap<>();
        out.put("workspaces", String.format(Locale.ROOT, "INSERT INTO workspaces (id, name, require_signed_events)"
                + " SELECT %s, 'volume ' || w, false FROM generate_series(0, %d - 1) w", wsId, ws));
        out.put("user_credentials", String.format(Locale.ROOT, "INSERT INTO user_credentials (user_id, username,"
                + " username_key, pin_hash, created_at, updated_at)"
                + " SELECT u, u, u, ?, %3$s, %3$s FROM (SELECT %4$s AS u FROM generate_series(0, %1$d - 1) w,"
                + " generate_series(0, %2$d - 1) i UNION ALL SELECT %5$s FROM generate_series(0, %1$d - 1) w) users",
                ws, d, t0, drv, sup));
        out.put("workspace_members", String.format(Locale.ROOT, "INSERT INTO workspace_members (user_id, workspace_id,"
                + " role) SELECT %3$s, %4$s, 'DRIVER' FROM generate_series(0, %1$d - 1) w, generate_series(0, %2$d - 1) i"
                + " UNION ALL SELECT %5$s, %4$s, 'SUPERVISOR' FROM generate_series(0, %1$d - 1) w", ws, d, drv, wsId, sup));
        out.put("chargers, merchants", "WITH c AS (INSERT INTO chargers (id, place_id, lat, lng)"
                + " SELECT 'vchg-' || lpad(k::text, 2, '0'), 'vplace-chg-' || k, 52.0 + (k % 10) * 0.1,"
                + " 13.0 + (k / 10) * 0.1 FROM generate_series(0, 49) k RETURNING 1)"
                + " INSERT INTO merchants (id, place_id, name) SELECT 'vmer-' || lpad(k::text, 2, '0'),"
                + " 'vplace-mer-' || k, 'Merchant ' || k FROM generate_series(0, 49) k");
        String arrivedAt = String.format(iso, "x.created + interval '20 seconds'");
        out.put("delivery_batches", String.format(Locale.ROOT, "INSERT INTO delivery_batches (id, workspace_id,"
                + " driver_id, driver_status, current_stop_index, actual_start_time, actual_end_time, execution_metadata,"
                + " visited_stops, stop_progress, removed_stops, route, corridor_width_m, version, created_at, updated_at)"
                + " SELECT x.id, x.ws, x.drv, CASE WHEN x.onr THEN 'EN_ROUTE' ELSE 'COMPLETED' END,"
                + " CASE WHEN x.onr THEN 0 ELSE 1 END, x.created + interval '310 seconds',"
                + " CASE WHEN x.onr THEN NULL ELSE x.created + interval '400 seconds' END, '{}',"
                + " (CASE WHEN x.onr THEN '[0]' ELSE '[0,1]' END)::jsonb,"
                + " jsonb_build_object('stop-0', jsonb_build_object('status', 'COMPLETED', 'arrived_at', %2$s,"
                + "   'outcome_at', %3$s), 'stop-1', jsonb_build_object('status', 'COMPLETED', 'arrived_at', %4$s,"
                + "   'outcome_at', %5$s)),"
                + " NULL, NULL, NULL, x.n, x.created, x.synced FROM %1$s x",
                batchRows, arrivedAt, String.format(iso, "x.created + interval '40 seconds'"),
                String.format(iso, "x.created + interval '70 seconds'"), String.format(iso, "x.created + interval '90 seconds'")));
        out.put("batch_stops", String.format(Locale.ROOT, "INSERT INTO batch_stops (batch_id, stop_index, stop_id, lat,"
                + " lng, radius_m, window_earliest, window_latest, proof, code_hash, polygon)"
                + " SELECT x.id, s, 'stop-' || s, %2$s + s * 0.001, %3$s + s * 0.001, 50, NULL, NULL, NULL, NULL, NULL"
                + " FROM %1$s x, generate_series(0, 1) s", batchRows, lat, lng));
        // the PLAIN cycle: type, status after, where (0, 1: the stops; 2: half-way), stop index
        String types = "(ARRAY['ROUTE_STARTED', 'ARRIVED_AT_STOP', 'PROOF_CAPTURED', 'DEPARTED_STOP', 'DELAY_REPORTED',"
                + " 'ROUTE_RESUMED', 'ARRIVED_AT_STOP', 'PROOF_CAPTURED', 'DEPARTED_STOP', 'ROUTE_CANCELLED'])";
        String after = "(ARRAY['EN_ROUTE', 'AT_STOP', 'AT_STOP', 'EN_ROUTE', 'DELAYED', 'EN_ROUTE', 'AT_STOP', 'AT_STOP',"
                + " 'EN_ROUTE', 'INACTIVE'])";
        String where = "(ARRAY[0, 0, 0, 0, 2, 2, 1, 1, 1, 1])";
        String stopIndex = "(ARRAY[NULL, 0, NULL, 0, NULL, NULL, 1, NULL, 1, NULL]::int[])";
        // one proof in 4 flagged; those of the workspace's older half of batches reviewed (supervisors
        // work the queue oldest first: at volume its head is a long run of reviewed items)
        String flagged = "(k % 10 = 2 AND (x.j + k / 10) % 4 = 0)";
        String reviewed = "(k % 10 = 2 AND (x.j + k / 10) % 4 = 0 AND x.j < " + b / 2 + ")";
        // the last of 40 events completes the route (its stops are done since the first cycle)
        String events = String.format(Locale.ROOT, "(SELECT x.*, k, 'e-' || x.g || '-' || k AS event_id,"
                + " CASE WHEN k = %7$d THEN 'ROUTE_COMPLETED' ELSE %1$s[k %% 10 + 1] END AS type,"
                + " CASE WHEN k %% 10 = 0 THEN 'INACTIVE' ELSE %2$s[k %% 10] END AS prev,"
                + " CASE WHEN k = %7$d THEN 'COMPLETED' ELSE %2$s[k %% 10 + 1] END AS status,"
                + " %3$s[k %% 10 + 1] AS place, %4$s[k %% 10 + 1] AS stop, %5$s AS flagged,"
                + " x.created + (k + 1) * interval '10 seconds' AS recorded"
                + " FROM %6$s x, generate_series(0, x.n - 1) k)", types, after, where, stopIndex, flagged, batchRows,
                EVENTS - 1);
        out.put("driver_events", String.format(Locale.ROOT, "INSERT INTO driver_events (event_id, batch_id, workspace_id,"
                + " driver_id, actor_id, session_id, event_type, previous_status, driver_status, batch_version, recorded_at,"
                + " synced_at, lat, lng, accuracy_m, stop_index, payload, reason, content_hash, flagged_for_review,"
                + " flag_reasons, stop_id)"
                + " SELECT e.event_id, e.id, e.ws, e.drv, e.drv, NULL, e.type, e.prev, e.status, e.k + 1, e.recorded,"
                + " e.synced, %2$s + CASE e.place WHEN 0 THEN 0 WHEN 1 THEN 0.001 ELSE 0.0005 END,"
                + " %3$s + CASE e.place WHEN 0 THEN 0 WHEN 1 THEN 0.001 ELSE 0.0005 END, 5.0, e.stop, '{}', NULL,"
                + " encode(sha256(convert_to(e.event_id, 'UTF8')), 'hex'), e.flagged,"
                + " CASE WHEN e.flagged THEN '[\"OUTSIDE_GEOFENCE: 180 m from stop 0 (radius 50 m)\"]' ELSE '[]' END::jsonb,"
                + " CASE WHEN e.stop IS NOT NULL THEN 'stop-' || e.stop END"
                + " FROM %1$s e", events, lat.replace("x.w", "e.w"), lng.replace("x.w", "e.w")));
        out.put("event_reviews", String.format(Locale.ROOT, "INSERT INTO event_reviews (id, workspace_id, item_id,"
                + " quarantined, reviewer_id, note, reviewed_at, item_kind, item_sender_id)"
                + " SELECT 'rv-' || x.g || '-' || k, x.ws, 'e-' || x.g || '-' || k, false, 'sup-' || lpad(x.w::text, 4, '0'),"
                + " 'checked on the phone''s photo', x.synced + interval '1 hour', 'EVENT', x.drv"
                + " FROM %1$s x, generate_series(0, x.n - 1) k WHERE %2$s", batchRows, reviewed));
        out.put("quarantined_events", String.format(Locale.ROOT, "INSERT INTO quarantined_events (id, event_id, batch_id,"
                + " workspace_id, sender_id, session_id, content, content_hash, error_code, reason, received_at)"
                + " SELECT 'q-' || x.g, 'e-q-' || x.g, x.id, x.ws, x.drv, NULL,"
                + " '{\"event_id\":\"e-q-' || x.g || '\",\"type\":\"ROUTE_COMPLETED\"}',"
                + " encode(sha256(convert_to('q-' || x.g, 'UTF8')), 'hex'), 'INVALID_TRANSITION',"
                + " 'ROUTE_COMPLETED is not allowed from EN_ROUTE', x.synced FROM %1$s x WHERE x.j %% 5 = 1", batchRows));
        out.put("position_alerts", String.format(Locale.ROOT, "INSERT INTO position_alerts (id, workspace_id, driver_id,"
                + " batch_id, kind, first_at, last_at, count, detail, created_at, merged_into)"
                + " SELECT 'pa-s-' || x.g, x.ws, x.drv, x.id, 'IMPLAUSIBLE_SPEED', x.created + interval '100 seconds',"
                + " x.created + interval '130 seconds', 2, '2 fixes 4 km apart in 30 s', x.synced, NULL"
                + " FROM %1$s x WHERE x.j %% 5 = 2"
                + " UNION ALL SELECT 'pa-q-' || x.g, x.ws, x.drv, x.id, 'QUIET', x.synced, x.synced, 1,"
                + " 'no fix and no event since ' || %2$s, x.synced + interval '30 minutes', NULL FROM %1$s x WHERE x.onr",
                batchRows, String.format(iso, "x.synced")));
        out.put("driver_fixes", String.format(Locale.ROOT, "INSERT INTO driver_fixes (driver_id, recorded_at,"
                + " workspace_id, batch_id, lat, lng, accuracy_m, speed_mps, heading_deg, marks, received_at)"
                + " SELECT x.drv, x.created + (f * 30 + 5) * interval '1 second', x.ws, x.id, %2$s + f * 0.0001,"
                + " %3$s + f * 0.0001, 8.0, 6.5, 45.0, 0, x.synced FROM %1$s x, generate_series(0, %4$d - 1) f",
                batchRows, lat, lng, FIXES_PER_BATCH));
        out.put("driver_presence", String.format(Locale.ROOT, "INSERT INTO driver_presence (driver_id, workspace_id,"
                + " last_heard_at, last_fix_at, quiet_alert_id)"
                + " SELECT x.drv, x.ws, x.synced, x.created + (%2$d * 30 - 25) * interval '1 second',"
                + " CASE WHEN x.onr THEN 'pa-q-' || x.g END FROM %1$s x", batchRows, FIXES_PER_BATCH));
        // what V18's triggers keep: each presence names its driver's batch on route
        out.put("presence on route", "UPDATE driver_presence p SET on_route_batch_id = b.id FROM delivery_batches b"
                + " WHERE b.driver_id = p.driver_id AND b.driver_status IN ('EN_ROUTE', 'AT_STOP', 'DELAYED')");
        String drivers = String.format(Locale.ROOT, "(SELECT w, i, %3$s AS drv, w * %2$d + i AS n"
                + " FROM generate_series(0, %1$d - 1) w, generate_series(0, %2$d - 1) i)", ws, d, drv);
        out.put("exclusive_sessions", String.format(Locale.ROOT, "INSERT INTO exclusive_sessions (id, driver_id,"
                + " merchant_id, merchant_place_id, charger_id, charger_place_id, intent_session_id, status, activated_at,"
                + " expires_at, completed_at, created_at, updated_at, activation_lat, activation_lng, activation_accuracy_m,"
                + " activation_distance_to_charger_m)"
                + " SELECT 'xs-c-' || u.drv, u.drv, 'vmer-' || lpad((u.n %% 50)::text, 2, '0'), 'vplace-mer-' || (u.n %% 50),"
                + " 'vchg-' || lpad((u.n %% 50)::text, 2, '0'), 'vplace-chg-' || (u.n %% 50), NULL, 'COMPLETED',"
                + " %2$s + (u.n %% 2000000) * interval '1 second', %2$s + (u.n %% 2000000) * interval '1 second'"
                + "   + interval '12 hours', %2$s + (u.n %% 2000000) * interval '1 second' + interval '1 hour',"
                + " %2$s + (u.n %% 2000000) * interval '1 second', %2$s + (u.n %% 2000000) * interval '1 second'"
                + "   + interval '1 hour', 52.0 + (u.n %% 50 %% 10) * 0.1, 13.0 + (u.n %% 50 / 10) * 0.1, 8.0, 30.0"
                + " FROM %1$s u"
                + " UNION ALL SELECT 'xs-a-' || u.drv, u.drv, 'vmer-' || lpad((u.n %% 50)::text, 2, '0'),"
                + " 'vplace-mer-' || (u.n %% 50), 'vchg-' || lpad((u.n %% 50)::text, 2, '0'), 'vplace-chg-' || (u.n %% 50),"
                + " NULL, 'ACTIVE', %3$s - interval '1 hour', %3$s + interval '11 hours', NULL, %3$s - interval '1 hour',"
                + " %3$s - interval '1 hour', 52.0 + (u.n %% 50 %% 10) * 0.1, 13.0 + (u.n %% 50 / 10) * 0.1, 8.0, 30.0"
                + " FROM %1$s u WHERE u.i %% 5 = 1", drivers, t0, tNow));
        out.put("driver_sessions", String.format(Locale.ROOT, "INSERT INTO driver_sessions (id, user_id, device_id,"
                + " token_hash, created_at, last_active_at, expires_at, invalidated_at, invalidation_reason)"
                + " SELECT 'ds-' || u.drv, u.drv, 'dev-' || u.drv, encode(sha256(convert_to('tok-' || u.drv, 'UTF8')), 'hex'),"
                + " %2$s - interval '1 day', %2$s - interval '10 minutes', %2$s + interval '6 days', NULL, NULL"
                + " FROM %1$s u", drivers, tNow));
        // the change feed, as V14's triggers would have written it: per batch g the seqs g * 64 + …
        out.put("changes", String.format(Locale.ROOT, "INSERT INTO changes (seq, workspace_id, kind, entity_id,"
                + " driver_id, batch_id, at, summary)"
                + " SELECT x.g * 64 + 1, x.ws, 'BATCH', x.id, x.drv, x.id, x.created,"
                + "   jsonb_build_object('status', 'INACTIVE', 'version', '0', 'op', 'created') FROM %1$s x"
                + " UNION ALL SELECT e.g * 64 + 2 + e.k, e.ws, 'EVENT', e.event_id, e.drv, e.id, e.recorded,"
                + "   jsonb_build_object('event_type', e.type, 'status', e.status, 'flagged',"
                + "   CASE WHEN e.flagged THEN 'true' ELSE 'false' END) || CASE WHEN e.stop IS NOT NULL"
                + "   THEN jsonb_build_object('stop_id', 'stop-' || e.stop) ELSE '{}' END FROM %2$s e"
                + " UNION ALL SELECT x.g * 64 + 50, x.ws, 'BATCH', x.id, x.drv, x.id, x.synced,"
                + "   jsonb_build_object('status', CASE WHEN x.onr THEN 'EN_ROUTE' ELSE 'COMPLETED' END, 'version',"
                + "   x.n::text, 'current_stop_index', CASE WHEN x.onr THEN '0' ELSE '1' END, 'op', 'updated')"
                + "   FROM %1$s x"
                + " UNION ALL SELECT x.g * 64 + 51, x.ws, 'QUARANTINED', 'q-' || x.g, x.drv, x.id, x.synced,"
                + "   '{\"error_code\": \"INVALID_TRANSITION\"}' FROM %1$s x WHERE x.j %% 5 = 1"
                + " UNION ALL SELECT x.g * 64 + 52, x.ws, 'ALERT', 'pa-s-' || x.g, x.drv, x.id, x.synced,"
                + "   '{\"alert_kind\": \"IMPLAUSIBLE_SPEED\", \"state\": \"raised\"}' FROM %1$s x WHERE x.j %% 5 = 2"
                + " UNION ALL SELECT x.g * 64 + 53, x.ws, 'ALERT', 'pa-q-' || x.g, x.drv, x.id,"
                + "   x.synced + interval '30 minutes', '{\"alert_kind\": \"QUIET\", \"state\": \"raised\"}' FROM %1$s x"
                + "   WHERE x.onr"
                + " UNION ALL SELECT x.g * 64 + 54 + k / 10, x.ws, 'REVIEW', 'rv-' || x.g || '-' || k, NULL, NULL,"
                + "   x.synced + interval '1 hour', jsonb_build_object('item_id', 'e-' || x.g || '-' || k, 'item_kind',"
                + "   'EVENT', 'sender_id', x.drv, 'quarantined', 'false')"
                + "   FROM %1$s x, generate_series(0, x.n - 1) k WHERE %3$s",
                batchRows, events, reviewed));
        return out;
    }
}
