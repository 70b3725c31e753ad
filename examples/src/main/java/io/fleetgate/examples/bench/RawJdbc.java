package io.fleetgate.examples.bench;

import io.fleetgate.Principal;
import io.fleetgate.store.jdbc.PostgresContextKey;

import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * The baselines: what a careful engineer would write by hand with plain JDBC to get the same
 * outcome from the same schema, on the same pool, with the fewest round trips. No framework, no
 * validation beyond what the outcome needs, statements written out here rather than read from the
 * library's files, rows mapped by hand.
 *
 * <p>Each method does the database work the library must do for that outcome:
 * <ul>
 *   <li>{@link #activate}: read the charger and the merchant, check the distance, then
 *       {@code INSERT … ON CONFLICT (driver_id) WHERE status = 'ACTIVE' DO NOTHING RETURNING *} in a
 *       write transaction (IMMEDIATE on SQLite, where the reads stay outside it so the write lock
 *       is held only for the insert; on PostgreSQL everything is one transaction).</li>
 *   <li>{@link #findActive}: one {@code SELECT} by driver and status.</li>
 *   <li>{@link #complete}: one compare-and-set {@code UPDATE … WHERE status = 'ACTIVE' RETURNING *}
 *       that also marks a session past its expiry EXPIRED, as the library's does.</li>
 *   <li>{@link #sync}: per chunk, one transaction with the batch's compare-and-set
 *       {@code UPDATE} and one JDBC batch inserting the chunk's event rows.</li>
 *   <li>{@link #insertFixes}: one phone's call of fixes in one transaction, in one of three ways
 *       ({@link FixInsert}): a JDBC batch of one-row inserts (SQLite); one {@code INSERT … SELECT
 *       FROM unnest(arrays) ON CONFLICT DO NOTHING} (PostgreSQL); or PostgreSQL's {@code COPY}
 *       through pgjdbc's {@link CopyManager}. PostgreSQL refuses {@code COPY FROM} into a table
 *       with row-level security ({@code driver_fixes} has it, forced, since V12: "COPY FROM not
 *       supported with row-level security", for the owner too), so the copy goes into a
 *       temporary table of the connection ({@code ON COMMIT DELETE ROWS}, no index, no policy)
 *       and one {@code INSERT … SELECT … ON CONFLICT DO NOTHING} moves the rows into {@code
 *       driver_fixes}, in the same transaction.</li>
 * </ul>
 *
 * <p><b>Access context.</b> When {@code accessContext} is on (PostgreSQL with row-level security),
 * every unit is a transaction whose first statement is the one the store runs to bind the caller:
 * {@code SELECT set_config('fleetgate.context', ?, true)} with the principal and its HMAC under the
 * schema's context key ({@link PostgresContextKey#bind}, migration V8), computed per transaction as
 * the store computes it; reads then run in a transaction too. Off, reads run in auto-commit.
 * Thread-safe.
 */
final class RawJdbc {
    static final String FIND_CHARGER = "SELECT id, place_id, lat, lng FROM chargers WHERE id = ?";
    static final String FIND_MERCHANT = "SELECT id, place_id, name FROM merchants WHERE id = ?";
    static final String INSERT_SESSION = "INSERT INTO exclusive_sessions (id, driver_id, merchant_id,"
            + " merchant_place_id, charger_id, charger_place_id, intent_session_id, status, activated_at, expires_at,"
            + " completed_at, created_at, updated_at, activation_lat, activation_lng, activation_accuracy_m,"
            + " activation_distance_to_charger_m)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, 'ACTIVE', ?, ?, NULL, ?, ?, ?, ?, ?, ?)"
            + " ON CONFLICT (driver_id) WHERE status = 'ACTIVE' DO NOTHING RETURNING *";
    static final String FIND_ACTIVE = "SELECT * FROM exclusive_sessions WHERE driver_id = ? AND status = 'ACTIVE'";
    static final String COMPLETE = "UPDATE exclusive_sessions"
            + " SET status = CASE WHEN expires_at <= ? THEN 'EXPIRED' ELSE 'COMPLETED' END,"
            + " completed_at = CASE WHEN expires_at > ? THEN ? ELSE completed_at END, updated_at = ?"
            + " WHERE id = ? AND driver_id = ? AND status = 'ACTIVE' RETURNING *";
    static final String UPDATE_BATCH = "UPDATE delivery_batches SET driver_id = ?, driver_status = ?,"
            + " current_stop_index = ?, actual_start_time = ?, actual_end_time = ?, execution_metadata = ?,"
            + " visited_stops = ?, stop_progress = ?, version = ?, updated_at = ? WHERE id = ? AND workspace_id = ?"
            + " AND version = ?";
    static final String INSERT_EVENT = "INSERT INTO driver_events (event_id, batch_id, workspace_id, driver_id,"
            + " actor_id, session_id, event_type, previous_status, driver_status, batch_version, recorded_at,"
            + " synced_at, lat, lng, accuracy_m, stop_index, payload, reason, content_hash, flagged_for_review,"
            + " flag_reasons, stop_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            + " ON CONFLICT (workspace_id, actor_id, event_id) DO NOTHING";
    /**
     * One event on PostgreSQL since V16: the log is partitioned by month and a taken id is skipped
     * by its claim trigger (no arbiter index without the partition key), as the store's own insert.
     */
    static final String INSERT_EVENT_PARTITIONED = INSERT_EVENT.substring(0, INSERT_EVENT.indexOf(" ON CONFLICT"));

    /**
     * One chunk's events in one statement (PostgreSQL): what is the same for every event of a chunk
     * (batch, workspace, driver as sender, when synced) bound once, the rest as one array per
     * column (instants as integer microseconds since the epoch, exact; payloads as text cast to
     * jsonb). The fastest insert PostgreSQL allows for these rows ({@code COPY FROM} is refused on
     * {@code driver_events}: row-level security is forced on it). Since V16 the log is partitioned
     * and a taken id is skipped by its claim trigger, as the store's own insert.
     */
    static final String INSERT_EVENTS_UNNEST = "INSERT INTO driver_events (event_id, batch_id, workspace_id, driver_id,"
            + " actor_id, session_id, event_type, previous_status, driver_status, batch_version, recorded_at,"
            + " synced_at, lat, lng, accuracy_m, stop_index, payload, reason, content_hash, flagged_for_review,"
            + " flag_reasons, stop_id)"
            + " SELECT e.id, ?, ?, ?, ?, NULL, e.type, e.prev, e.status, e.version,"
            + " TIMESTAMPTZ 'epoch' + e.us * INTERVAL '1 microsecond', ?, e.lat, e.lng, e.acc, e.stop, e.payload::jsonb,"
            + " NULL, e.hash, false, '[]'::jsonb, e.stop_id"
            + " FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::int8[], ?::int8[], ?::float8[], ?::float8[],"
            + " ?::float8[], ?::int4[], ?::text[], ?::text[], ?::text[])"
            + " AS e (id, type, prev, status, version, us, lat, lng, acc, stop, payload, hash, stop_id)";
    /** One fix (SQLite, as a JDBC batch). */
    static final String INSERT_FIX = "INSERT INTO driver_fixes (driver_id, recorded_at, workspace_id, batch_id, lat,"
            + " lng, accuracy_m, speed_mps, heading_deg, marks, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            + " ON CONFLICT (driver_id, recorded_at) DO NOTHING";
    /**
     * One call's fixes in one statement (PostgreSQL): what is the same for every fix of a call
     * (driver, workspace, batch, when received) bound once, the rest as one array per column
     * (instants as integer microseconds since the epoch, exact).
     */
    static final String INSERT_FIXES_UNNEST = "INSERT INTO driver_fixes (driver_id, recorded_at, workspace_id,"
            + " batch_id, lat, lng, accuracy_m, speed_mps, heading_deg, marks, received_at)"
            + " SELECT ?, TIMESTAMPTZ 'epoch' + f.us * INTERVAL '1 microsecond', ?, ?, f.lat, f.lng, f.acc, f.speed,"
            + " f.heading, f.marks, ? FROM unnest(?::int8[], ?::float8[], ?::float8[], ?::float8[], ?::float8[],"
            + " ?::float8[], ?::int4[]) AS f (us, lat, lng, acc, speed, heading, marks)"
            + " ON CONFLICT (driver_id, recorded_at) DO NOTHING";
    /** The connection's staging table for {@code COPY} (PostgreSQL), emptied by every commit. */
    static final String CREATE_FIXES_IN = "CREATE TEMPORARY TABLE IF NOT EXISTS fixes_in (driver_id VARCHAR(64),"
            + " recorded_at TIMESTAMPTZ, workspace_id VARCHAR(64), batch_id VARCHAR(64), lat DOUBLE PRECISION,"
            + " lng DOUBLE PRECISION, accuracy_m DOUBLE PRECISION, speed_mps DOUBLE PRECISION,"
            + " heading_deg DOUBLE PRECISION, marks INTEGER, received_at TIMESTAMPTZ) ON COMMIT DELETE ROWS";
    static final String COPY_FIXES_IN = "COPY fixes_in FROM STDIN";
    static final String INSERT_FIXES_FROM_COPY = "INSERT INTO driver_fixes (driver_id, recorded_at, workspace_id,"
            + " batch_id, lat, lng, accuracy_m, speed_mps, heading_deg, marks, received_at)"
            + " SELECT driver_id, recorded_at, workspace_id, batch_id, lat, lng, accuracy_m, speed_mps, heading_deg,"
            + " marks, received_at FROM fixes_in ON CONFLICT (driver_id, recorded_at) DO NOTHING";

    /** The role name bound for a driver. */
    static final String DRIVER_ROLE = "driver";
    /** The role name bound for the library's own (system) work, used by data set-up only. */
    static final String SYSTEM_ROLE = "system";

    private final DataSource ds;
    private final boolean postgres;
    private final boolean accessContext;
    private final PostgresContextKey key;
    /** The physical PostgreSQL connections that have {@code fixes_in} (temporary tables live per connection). */
    private final Set<PGConnection> staged = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));

    /**
     * @param ds            the store's pool
     * @param postgres      whether it is PostgreSQL
     * @param accessContext whether each unit binds the caller first (see the class comment)
     * @param key           the schema's context key, when {@code accessContext}
     */
    RawJdbc(DataSource ds, boolean postgres, boolean accessContext, PostgresContextKey key) {
        if (accessContext && key == null) {
            throw new IllegalArgumentException("the access context needs the schema's context key");
        }
        this.key = key;
        this.ds = ds;
        this.postgres = postgres;
        this.accessContext = accessContext;
    }

    /** @return whether units start with the access-context statement */
    boolean accessContext() {
        return accessContext;
    }

    /** A session row as the baseline reads it. */
    record SessionRow(String id, String driverId, String merchantId, String merchantPlaceId, String chargerId,
                      String chargerPlaceId, String intentSessionId, String status, Instant activatedAt,
                      Instant expiresAt, Instant completedAt, Instant createdAt, Instant updatedAt, double lat,
                      double lng, Double accuracyMeters, double distanceMeters) {
    }

    /** What activation needs to know about a charger. */
    private record ChargerRow(String id, String placeId, double lat, double lng) {
    }

    /**
     * Activates a session the way the library does, minus the library.
     *
     * @return the new session, or {@code null} when the request is refused (unknown place, too
     *         far, accuracy too low, or the driver already has an ACTIVE session)
     */
    SessionRow activate(String sessionId, String driverId, String merchantId, String chargerId, double lat, double lng,
                        Double accuracyMeters, double radiusMeters, double maxAccuracyMeters, long durationMicros, Instant now)
            throws SQLException {
        try (Connection c = ds.getConnection()) {
            boolean tx = postgres;
            if (tx) {
                begin(c, DRIVER_ROLE, driverId, "");
            }
            try {
                ChargerRow charger = null;
                try (PreparedStatement ps = c.prepareStatement(FIND_CHARGER)) {
                    ps.setString(1, chargerId);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (rs.next()) {
                            charger = new ChargerRow(rs.getString(1), rs.getString(2), rs.getDouble(3), rs.getDouble(4));
                        }
                    }
                }
                String merchantPlaceId = null;
                boolean merchantFound = false;
                try (PreparedStatement ps = c.prepareStatement(FIND_MERCHANT)) {
                    ps.setString(1, merchantId);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (rs.next()) {
                            merchantFound = true;
                            merchantPlaceId = rs.getString(2);
                        }
                    }
                }
                if (charger == null || !merchantFound || (accuracyMeters != null && accuracyMeters > maxAccuracyMeters)) {
                    return end(c, tx, null);
                }
                double distance = haversineMeters(charger.lat(), charger.lng(), lat, lng);
                if (distance > radiusMeters) {
                    return end(c, tx, null);
                }
                if (!tx) {
                    begin(c, DRIVER_ROLE, driverId, "");
                    tx = true;
                }
                ChargerRow at = charger;
                String merchantPlace = merchantPlaceId;
                SessionRow created = oneSession(c, INSERT_SESSION, ps -> {
                    Instant expires = now.plus(durationMicros, ChronoUnit.MICROS);
                    ps.setString(1, sessionId);
                    ps.setString(2, driverId);
                    ps.setString(3, merchantId);
                    ps.setString(4, merchantPlace);
                    ps.setString(5, at.id());
                    ps.setString(6, at.placeId());
                    ps.setString(7, null);
                    setInstant(ps, 8, now);
                    setInstant(ps, 9, expires);
                    setInstant(ps, 10, now);
                    setInstant(ps, 11, now);
                    ps.setDouble(12, lat);
                    ps.setDouble(13, lng);
                    setDouble(ps, 14, accuracyMeters);
                    ps.setDouble(15, distance);
                });
                return end(c, tx, created);
            } catch (SQLException | RuntimeException e) {
                rollback(c, tx);
                throw e;
            }
        }
    }

    /** @return the driver's ACTIVE session, or {@code null} */
    SessionRow findActive(String driverId) throws SQLException {
        return unit(accessContext, DRIVER_ROLE, driverId, c -> oneSession(c, FIND_ACTIVE, ps -> ps.setString(1, driverId)));
    }

    /** @return the session after the compare-and-set, or {@code null} if it was not ACTIVE */
    SessionRow complete(String sessionId, String driverId, Instant now) throws SQLException {
        return unit(accessContext, DRIVER_ROLE, driverId, c -> oneSession(c, COMPLETE, ps -> {
            setInstant(ps, 1, now);
            setInstant(ps, 2, now);
            setInstant(ps, 3, now);
            setInstant(ps, 4, now);
            ps.setString(5, sessionId);
            ps.setString(6, driverId);
        }));
    }

    /** One event row of the log, as the baseline inserts it. */
    record EventRow(String eventId, String batchId, String workspaceId, String driverId, String type,
                    String previousStatus, String status, long batchVersion, Instant recordedAt, Instant syncedAt,
                    Double lat, Double lng, Double accuracyMeters, Integer stopIndex, String stopId, String payload,
                    String contentHash) {
    }

    /** A batch as it is after a chunk of events, with the version it had before. */
    record BatchRow(String id, String workspaceId, String driverId, String status, Integer currentStopIndex,
                    Instant actualStartTime, Instant actualEndTime, String visitedStops, String stopProgress,
                    long version, long expectedVersion, Instant updatedAt) {
    }

    /**
     * Commits one chunk: the batch's compare-and-set and the events, in one transaction.
     *
     * @throws IllegalStateException if the batch moved on or an event id was taken
     */
    void sync(BatchRow batch, List<EventRow> events) throws SQLException {
        sync(batch, events, SyncInsert.BATCH);
    }

    /** How {@link #sync(BatchRow, List, SyncInsert)} inserts a chunk's events. */
    enum SyncInsert {
        /** A JDBC batch of one-row inserts (both stores): the {@code sync} baseline. */
        BATCH,
        /** One {@code INSERT … SELECT FROM unnest(arrays)} (PostgreSQL): {@code sync-unnest}. */
        UNNEST,
        /** One prepared one-row insert executed once per event (SQLite): {@code sync-prepared}. */
        PREPARED
    }

    /**
     * Commits one chunk: the batch's compare-and-set and the events inserted that way, in one
     * transaction.
     *
     * @throws IllegalStateException if the batch moved on or an event id was taken
     */
    void sync(BatchRow batch, List<EventRow> events, SyncInsert how) throws SQLException {
        if ((how == SyncInsert.UNNEST) != postgres && how != SyncInsert.BATCH) {
            throw new IllegalArgumentException(how + " is not for " + (postgres ? "PostgreSQL" : "SQLite"));
        }
        unit(true, DRIVER_ROLE, batch.driverId(), c -> {
            try (PreparedStatement ps = c.prepareStatement(UPDATE_BATCH)) {
                ps.setString(1, batch.driverId());
                ps.setString(2, batch.status());
                setInt(ps, 3, batch.currentStopIndex());
                setInstant(ps, 4, batch.actualStartTime());
                setInstant(ps, 5, batch.actualEndTime());
                setJson(ps, 6, "{}");
                setJson(ps, 7, batch.visitedStops());
                setJson(ps, 8, batch.stopProgress());
                ps.setLong(9, batch.version());
                setInstant(ps, 10, batch.updatedAt());
                ps.setString(11, batch.id());
                ps.setString(12, batch.workspaceId());
                ps.setLong(13, batch.expectedVersion());
                if (ps.executeUpdate() != 1) {
                    throw new IllegalStateException("batch " + batch.id() + " moved on");
                }
            }
            if (how == SyncInsert.UNNEST) {
                if (insertEventsUnnest(c, batch, events) != events.size()) {
                    throw new IllegalStateException("an event id of batch " + batch.id() + " was taken");
                }
                return null;
            }
            try (PreparedStatement ps = c.prepareStatement(postgres ? INSERT_EVENT_PARTITIONED : INSERT_EVENT)) {
                for (EventRow e : events) {
                    ps.setString(1, e.eventId());
                    ps.setString(2, e.batchId());
                    ps.setString(3, e.workspaceId());
                    ps.setString(4, e.driverId());
                    ps.setString(5, e.driverId());
                    ps.setString(6, null);
                    ps.setString(7, e.type());
                    ps.setString(8, e.previousStatus());
                    ps.setString(9, e.status());
                    ps.setLong(10, e.batchVersion());
                    setInstant(ps, 11, e.recordedAt());
                    setInstant(ps, 12, e.syncedAt());
                    setDouble(ps, 13, e.lat());
                    setDouble(ps, 14, e.lng());
                    setDouble(ps, 15, e.accuracyMeters());
                    setInt(ps, 16, e.stopIndex());
                    setJson(ps, 17, e.payload());
                    ps.setString(18, null);
                    ps.setString(19, e.contentHash());
                    ps.setBoolean(20, false);
                    setJson(ps, 21, "[]");
                    ps.setString(22, e.stopId());
                    if (how == SyncInsert.PREPARED) {
                        if (ps.executeUpdate() != 1) {
                            throw new IllegalStateException("an event id of batch " + batch.id() + " was taken");
                        }
                    } else {
                        ps.addBatch();
                    }
                }
                if (how == SyncInsert.PREPARED) {
                    return null;
                }
                for (int count : ps.executeBatch()) {
                    if (count == 0) {
                        throw new IllegalStateException("an event id of batch " + batch.id() + " was taken");
                    }
                }
            }
            return null;
        });
    }

    /** @return how many of the chunk's events one {@link #INSERT_EVENTS_UNNEST} inserted */
    private int insertEventsUnnest(Connection c, BatchRow batch, List<EventRow> events) throws SQLException {
        int n = events.size();
        String[] id = new String[n];
        String[] type = new String[n];
        String[] prev = new String[n];
        String[] status = new String[n];
        Long[] version = new Long[n];
        Long[] micros = new Long[n];
        Double[] lat = new Double[n];
        Double[] lng = new Double[n];
        Double[] acc = new Double[n];
        Integer[] stop = new Integer[n];
        String[] payload = new String[n];
        String[] hash = new String[n];
        String[] stopId = new String[n];
        for (int i = 0; i < n; i++) {
            EventRow e = events.get(i);
            id[i] = e.eventId();
            type[i] = e.type();
            prev[i] = e.previousStatus();
            status[i] = e.status();
            version[i] = e.batchVersion();
            micros[i] = ChronoUnit.MICROS.between(Instant.EPOCH, e.recordedAt());
            lat[i] = e.lat();
            lng[i] = e.lng();
            acc[i] = e.accuracyMeters();
            stop[i] = e.stopIndex();
            payload[i] = e.payload();
            hash[i] = e.contentHash();
            stopId[i] = e.stopId();
        }
        EventRow first = events.get(0);
        try (PreparedStatement ps = c.prepareStatement(INSERT_EVENTS_UNNEST)) {
            ps.setString(1, batch.id());
            ps.setString(2, first.workspaceId());
            ps.setString(3, first.driverId());
            ps.setString(4, first.driverId());
            setInstant(ps, 5, first.syncedAt());
            ps.setArray(6, c.createArrayOf("text", id));
            ps.setArray(7, c.createArrayOf("text", type));
            ps.setArray(8, c.createArrayOf("text", prev));
            ps.setArray(9, c.createArrayOf("text", status));
            ps.setArray(10, c.createArrayOf("int8", version));
            ps.setArray(11, c.createArrayOf("int8", micros));
            ps.setArray(12, c.createArrayOf("float8", lat));
            ps.setArray(13, c.createArrayOf("float8", lng));
            ps.setArray(14, c.createArrayOf("float8", acc));
            ps.setArray(15, c.createArrayOf("int4", stop));
            ps.setArray(16, c.createArrayOf("text", payload));
            ps.setArray(17, c.createArrayOf("text", hash));
            ps.setArray(18, c.createArrayOf("text", stopId));
            return ps.executeUpdate();
        }
    }

    /** How {@link #insertFixes} writes. */
    enum FixInsert {
        /** A JDBC batch of one-row inserts (SQLite). */
        BATCH,
        /** One {@code INSERT … SELECT FROM unnest(arrays)} (PostgreSQL). */
        UNNEST,
        /** {@code COPY} into the connection's staging table, then one {@code INSERT … SELECT} (PostgreSQL). */
        COPY
    }

    /**
     * A fix as the baseline stores it (what is the same for a whole call is passed apart).
     *
     * @param recordedAt when the phone took it
     * @param lat        latitude
     * @param lng        longitude
     * @param accuracy   accuracy in metres, or {@code null}
     * @param speed      speed in metres per second, or {@code null}
     * @param heading    heading in degrees, or {@code null}
     * @param marks      the mark bits ({@code FixMark.bits})
     */
    record FixRow(Instant recordedAt, double lat, double lng, Double accuracy, Double speed, Double heading, int marks) {
    }

    /**
     * Stores one driver's fixes in one transaction, a fix whose key is taken left as stored.
     *
     * @param how         how (see the class comment)
     * @param driverId    the driver (bound as the caller: a driver inserts their own fixes)
     * @param workspaceId the batch's workspace
     * @param batchId     the batch they were sent for
     * @param rows        the fixes, recorded times distinct
     * @param receivedAt  when the server took them
     * @return how many were inserted
     */
    int insertFixes(FixInsert how, String driverId, String workspaceId, String batchId, List<FixRow> rows,
                    Instant receivedAt) throws SQLException {
        if ((how == FixInsert.BATCH) == postgres) {
            throw new IllegalArgumentException(how + " is not for " + (postgres ? "PostgreSQL" : "SQLite"));
        }
        return unit(true, DRIVER_ROLE, driverId, c -> switch (how) {
            case BATCH -> insertFixesBatch(c, driverId, workspaceId, batchId, rows, receivedAt);
            case UNNEST -> insertFixesUnnest(c, driverId, workspaceId, batchId, rows, receivedAt);
            case COPY -> insertFixesCopy(c, driverId, workspaceId, batchId, rows, receivedAt);
        });
    }

    private int insertFixesBatch(Connection c, String driverId, String workspaceId, String batchId, List<FixRow> rows,
                                 Instant receivedAt) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(INSERT_FIX)) {
            for (FixRow f : rows) {
                ps.setString(1, driverId);
                setInstant(ps, 2, f.recordedAt());
                ps.setString(3, workspaceId);
                ps.setString(4, batchId);
                ps.setDouble(5, f.lat());
                ps.setDouble(6, f.lng());
                setDouble(ps, 7, f.accuracy());
                setDouble(ps, 8, f.speed());
                setDouble(ps, 9, f.heading());
                ps.setInt(10, f.marks());
                setInstant(ps, 11, receivedAt);
                ps.addBatch();
            }
            int inserted = 0;
            for (int count : ps.executeBatch()) {
                inserted += count;
            }
            return inserted;
        }
    }

    private int insertFixesUnnest(Connection c, String driverId, String workspaceId, String batchId,
                                  List<FixRow> rows, Instant receivedAt) throws SQLException {
        int n = rows.size();
        Long[] micros = new Long[n];
        Double[] lat = new Double[n];
        Double[] lng = new Double[n];
        Double[] accuracy = new Double[n];
        Double[] speed = new Double[n];
        Double[] heading = new Double[n];
        Integer[] marks = new Integer[n];
        for (int i = 0; i < n; i++) {
            FixRow f = rows.get(i);
            micros[i] = ChronoUnit.MICROS.between(Instant.EPOCH, f.recordedAt());
            lat[i] = f.lat();
            lng[i] = f.lng();
            accuracy[i] = f.accuracy();
            speed[i] = f.speed();
            heading[i] = f.heading();
            marks[i] = f.marks();
        }
        try (PreparedStatement ps = c.prepareStatement(INSERT_FIXES_UNNEST)) {
            ps.setString(1, driverId);
            ps.setString(2, workspaceId);
            ps.setString(3, batchId);
            setInstant(ps, 4, receivedAt);
            ps.setArray(5, c.createArrayOf("int8", micros));
            ps.setArray(6, c.createArrayOf("float8", lat));
            ps.setArray(7, c.createArrayOf("float8", lng));
            ps.setArray(8, c.createArrayOf("float8", accuracy));
            ps.setArray(9, c.createArrayOf("float8", speed));
            ps.setArray(10, c.createArrayOf("float8", heading));
            ps.setArray(11, c.createArrayOf("int4", marks));
            return ps.executeUpdate();
        }
    }

    private int insertFixesCopy(Connection c, String driverId, String workspaceId, String batchId, List<FixRow> rows,
                                Instant receivedAt) throws SQLException {
        PGConnection pg = c.unwrap(PGConnection.class);
        if (!staged.contains(pg)) {
            try (Statement st = c.createStatement()) {
                st.execute(CREATE_FIXES_IN);
            }
            staged.add(pg);
        }
        // COPY's text format: tab-separated columns, \N for NULL, instants in ISO 8601 (UTC)
        StringBuilder text = new StringBuilder(rows.size() * 160);
        String tail = '\t' + receivedAt.toString() + '\n';
        for (FixRow f : rows) {
            text.append(driverId).append('\t').append(f.recordedAt()).append('\t').append(workspaceId).append('\t')
                    .append(batchId).append('\t').append(f.lat()).append('\t').append(f.lng()).append('\t');
            copyValue(text, f.accuracy()).append('\t');
            copyValue(text, f.speed()).append('\t');
            copyValue(text, f.heading()).append('\t').append(f.marks()).append(tail);
        }
        CopyManager copy = pg.getCopyAPI();
        long copied;
        try {
            copied = copy.copyIn(COPY_FIXES_IN, new StringReader(text.toString()));
        } catch (IOException e) {
            throw new SQLException("COPY of " + rows.size() + " fixes failed", e);
        }
        if (copied != rows.size()) {
            throw new IllegalStateException("COPY took " + copied + " of " + rows.size() + " fixes");
        }
        try (PreparedStatement ps = c.prepareStatement(INSERT_FIXES_FROM_COPY)) {
            return ps.executeUpdate();
        }
    }

    private static StringBuilder copyValue(StringBuilder text, Double v) {
        return v == null ? text.append("\\N") : text.append(v.doubleValue());
    }

    /**
     * @return how many fixes {@code driver_fixes} holds, read as the system (row-level security
     *         shows it every row), for tests of the harness
     */
    long countFixes() throws SQLException {
        return unit(true, SYSTEM_ROLE, "system", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM driver_fixes");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    /**
     * Inserts ACTIVE sessions in one transaction, for set-up (not timed).
     *
     * @param rows the sessions
     */
    void insertSessions(List<SessionRow> rows) throws SQLException {
        unit(true, SYSTEM_ROLE, "system", c -> {
            try (PreparedStatement ps = c.prepareStatement(INSERT_SESSION.replace(" RETURNING *", ""))) {
                for (SessionRow s : rows) {
                    ps.setString(1, s.id());
                    ps.setString(2, s.driverId());
                    ps.setString(3, s.merchantId());
                    ps.setString(4, s.merchantPlaceId());
                    ps.setString(5, s.chargerId());
                    ps.setString(6, s.chargerPlaceId());
                    ps.setString(7, null);
                    setInstant(ps, 8, s.activatedAt());
                    setInstant(ps, 9, s.expiresAt());
                    setInstant(ps, 10, s.createdAt());
                    setInstant(ps, 11, s.updatedAt());
                    ps.setDouble(12, s.lat());
                    ps.setDouble(13, s.lng());
                    setDouble(ps, 14, s.accuracyMeters());
                    ps.setDouble(15, s.distanceMeters());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        });
    }

    /** Statements run on one connection. */
    private interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /** Binds a statement's parameters. */
    private interface Binds {
        void bind(PreparedStatement ps) throws SQLException;
    }

    /**
     * Runs {@code work} on one connection: in a transaction bound to the caller when {@code tx}
     * (committed after it, rolled back on failure), else in auto-commit.
     */
    private <T> T unit(boolean tx, String role, String userId, Work<T> work) throws SQLException {
        try (Connection c = ds.getConnection()) {
            if (tx) {
                begin(c, role, userId, "");
            }
            try {
                return end(c, tx, work.run(c));
            } catch (SQLException | RuntimeException e) {
                rollback(c, tx);
                throw e;
            }
        }
    }

    /** @return the one session row {@code sql} returns, or {@code null} */
    private SessionRow oneSession(Connection c, String sql, Binds binds) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            binds.bind(ps);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? session(rs) : null;
            }
        }
    }

    /** Starts a transaction (IMMEDIATE on SQLite, by the pool's settings) and binds the caller. */
    private void begin(Connection c, String role, String userId, String workspaceId) throws SQLException {
        c.setAutoCommit(false);
        if (accessContext) {
            Principal principal = SYSTEM_ROLE.equals(role) ? Principal.system() : Principal.driver(userId);
            key.bind(c, principal, Instant.now());
        }
    }

    private static <T> T end(Connection c, boolean tx, T result) throws SQLException {
        if (tx) {
            c.commit();
            c.setAutoCommit(true);
        }
        return result;
    }

    private static void rollback(Connection c, boolean tx) throws SQLException {
        if (tx) {
            c.rollback();
            c.setAutoCommit(true);
        }
    }

    private SessionRow session(ResultSet rs) throws SQLException {
        double accuracy = rs.getDouble("activation_accuracy_m");
        Double accuracyMeters = rs.wasNull() ? null : accuracy;
        return new SessionRow(rs.getString("id"), rs.getString("driver_id"), rs.getString("merchant_id"),
                rs.getString("merchant_place_id"), rs.getString("charger_id"), rs.getString("charger_place_id"),
                rs.getString("intent_session_id"), rs.getString("status"), instant(rs, "activated_at"),
                instant(rs, "expires_at"), instant(rs, "completed_at"), instant(rs, "created_at"),
                instant(rs, "updated_at"), rs.getDouble("activation_lat"), rs.getDouble("activation_lng"), accuracyMeters,
                rs.getDouble("activation_distance_to_charger_m"));
    }

    private Instant instant(ResultSet rs, String column) throws SQLException {
        if (postgres) {
            OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
            return t == null ? null : t.toInstant();
        }
        long micros = rs.getLong(column);
        return rs.wasNull() ? null : Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
    }

    private void setInstant(PreparedStatement ps, int i, Instant t) throws SQLException {
        if (postgres) {
            if (t == null) {
                ps.setNull(i, Types.TIMESTAMP_WITH_TIMEZONE);
            } else {
                ps.setObject(i, t.atOffset(ZoneOffset.UTC));
            }
        } else if (t == null) {
            ps.setNull(i, Types.BIGINT);
        } else {
            ps.setLong(i, ChronoUnit.MICROS.between(Instant.EPOCH, t));
        }
    }

    private void setJson(PreparedStatement ps, int i, String json) throws SQLException {
        if (postgres) {
            ps.setObject(i, json, Types.OTHER);
        } else {
            ps.setString(i, json);
        }
    }

    private static void setDouble(PreparedStatement ps, int i, Double v) throws SQLException {
        if (v == null) {
            ps.setNull(i, Types.DOUBLE);
        } else {
            ps.setDouble(i, v);
        }
    }

    private static void setInt(PreparedStatement ps, int i, Integer v) throws SQLException {
        if (v == null) {
            ps.setNull(i, Types.INTEGER);
        } else {
            ps.setInt(i, v);
        }
    }

    /** The haversine in its atan2 form on the mean Earth radius: what a careful hand-writer uses. */
    static double haversineMeters(double lat1, double lng1, double lat2, double lng2) {
        double p1 = Math.toRadians(lat1);
        double p2 = Math.toRadians(lat2);
        double sLat = Math.sin((p2 - p1) / 2);
        double sLng = Math.sin(Math.toRadians(lng2 - lng1) / 2);
        double h = Math.min(1.0, sLat * sLat + Math.cos(p1) * Math.cos(p2) * sLng * sLng);
        return 2 * 6_371_008.8 * Math.atan2(Math.sqrt(h), Math.sqrt(1 - h));
    }
}
