package io.fleetgate.store.jdbc.internal;

import io.fleetgate.access.Membership;
import io.fleetgate.access.Role;
import io.fleetgate.access.Workspace;
import io.fleetgate.error.ErrorCode;
import io.fleetgate.exclusive.Charger;
import io.fleetgate.exclusive.ExclusiveSession;
import io.fleetgate.exclusive.ExclusiveSessionStatus;
import io.fleetgate.exclusive.Merchant;
import io.fleetgate.execution.Batch;
import io.fleetgate.execution.DriverEvent;
import io.fleetgate.execution.DriverEventType;
import io.fleetgate.execution.DriverStatus;
import io.fleetgate.execution.QuarantinedEvent;
import io.fleetgate.execution.ReviewItem;
import io.fleetgate.execution.Stop;
import io.fleetgate.execution.StopProgress;
import io.fleetgate.execution.TimeWindow;
import io.fleetgate.geo.Coordinate;
import io.fleetgate.geo.Corridor;
import io.fleetgate.position.AlertKind;
import io.fleetgate.position.DriverPresence;
import io.fleetgate.position.Fix;
import io.fleetgate.position.FixMark;
import io.fleetgate.position.PositionAlert;
import io.fleetgate.position.RecordedFix;
import io.fleetgate.session.DeviceSession;
import io.fleetgate.session.InvalidationReason;
import io.fleetgate.session.SecurityAuditEntry;
import io.fleetgate.session.UserCredential;
import io.fleetgate.spi.CredentialRepository.Reservation;
import io.fleetgate.spi.LoginAttempts;
import io.fleetgate.spi.PositionLog;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.ColumnMapper;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.SqlStatement;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.fleetgate.store.jdbc.internal.Values.name;
import static io.fleetgate.store.jdbc.internal.Values.nullableDouble;
import static io.fleetgate.store.jdbc.internal.Values.nullableInt;

/**
 * The library's value types as rows of the store's tables, in one place: the row mapper of each
 * (registered on the store's Jdbi by {@link Values#install}, so repositories write
 * {@code .mapTo(DriverEvent.class)}), and the columns of the rows the store writes in bulk or
 * from two repositories (a batch, a stop, an event, a quarantine record, a fix). Column values go
 * through {@link Values}; the JSON columns of migrations V11 and V12 (stop progress, removed stops,
 * proof requirements, a stop's ring, a batch's route) through {@link StopJson} as well. Stateless
 * and thread-safe.
 */
public final class Rows {
    private Rows() {
    }

    /**
     * A batch row before its stops are attached (they are read by a second statement).
     *
     * @param id               the batch id
     * @param workspaceId      its workspace
     * @param driverId         its driver, or {@code null}
     * @param status           its status
     * @param currentStopIndex the current stop, or {@code null}
     * @param actualStartTime  the start, or {@code null}
     * @param actualEndTime    the end, or {@code null}
     * @param metadata         the execution metadata
     * @param version          the row's version
     * @param visitedStops     the stops visited
     * @param progress         where each stop stands, by stop id, or {@code null} for a row that
     *                         has none (written before V11: the batch derives it)
     * @param removedStops     the stops removed from the plan
     * @param corridor         the planned route's corridor, or {@code null}
     * @param createdAt        the creation instant
     * @param updatedAt        the last change
     */
    record BatchRow(String id, String workspaceId, String driverId, DriverStatus status,
                    Integer currentStopIndex, Instant actualStartTime, Instant actualEndTime,
                    Map<String, Object> metadata, long version, List<Integer> visitedStops,
                    Map<String, StopProgress> progress, List<String> removedStops, Corridor corridor,
                    Instant createdAt, Instant updatedAt) {
        /** {@return the batch with these stops} @param stops its stops, in order */
        Batch with(List<Stop> stops) {
            return new Batch(id, workspaceId, driverId, status, currentStopIndex, actualStartTime, actualEndTime,
                    metadata, version, stops, visitedStops, progress, removedStops, corridor, createdAt, updatedAt);
        }
    }

    /**
     * One key of a review queue page.
     *
     * @param kind     what the item is
     * @param id       the event's id, the quarantine record's or the alert's
     * @param senderId a flagged event's sender; {@code ""} for the other kinds
     * @param at       when it arrived (an alert: when it was raised)
     */
    record QueueKey(ReviewItem.Kind kind, String id, String senderId, Instant at) {
    }

    /**
     * Registers the row mapper of every value type the store reads.
     *
     * @param jdbi the store's Jdbi
     * @param v    its values
     */
    static void install(Jdbi jdbi, Values v) {
        ColumnMapper<Instant> instant = v.instants();
        RowMapper<Stop> stop = (rs, ctx) -> {
            Instant earliest = instant.map(rs, "window_earliest", ctx);
            Instant latest = instant.map(rs, "window_latest", ctx);
            return new Stop(rs.getString("stop_id"), Coordinate.of(rs.getDouble("lat"), rs.getDouble("lng")),
                    rs.getDouble("radius_m"), earliest == null && latest == null ? null : new TimeWindow(earliest, latest),
                    StopJson.proofOf(v.jsonValues().map(rs, "proof", ctx)), rs.getString("code_hash"),
                    StopJson.polygonOf(v.jsonValues().map(rs, "polygon", ctx)));
        };
        RowMapper<LoginAttempts> attempts = (rs, ctx) -> new LoginAttempts(rs.getString("subject_key"),
                rs.getInt("failed_count"), instant.map(rs, "first_failed_at", ctx), instant.map(rs, "locked_until", ctx),
                rs.getInt("lock_count"));
        jdbi.registerRowMapper(BatchRow.class, (rs, ctx) -> new BatchRow(
                rs.getString("id"),
                rs.getString("workspace_id"),
                rs.getString("driver_id"),
                name(rs, "driver_status", DriverStatus.class),
                nullableInt(rs, "current_stop_index"),
                instant.map(rs, "actual_start_time", ctx),
                instant.map(rs, "actual_end_time", ctx),
                v.jsonObjects().map(rs, "execution_metadata", ctx),
                rs.getLong("version"),
                v.jsonIntegers().map(rs, "visited_stops", ctx),
                StopJson.progressOf(v.jsonValues().map(rs, "stop_progress", ctx)),
                StopJson.removedOf(v.jsonValues().map(rs, "removed_stops", ctx)),
                StopJson.corridorOf(v.jsonValues().map(rs, "route", ctx), nullableDouble(rs, "corridor_width_m")),
                instant.map(rs, "created_at", ctx),
                instant.map(rs, "updated_at", ctx)));
        // A batch's corridor never changes: the stream reads it with every call of fixes, and
        // parsing a long route each time cost more than the rest of the read
        Map<String, Corridor> corridors = java.util.Collections.synchronizedMap(
                new java.util.LinkedHashMap<>(64, 0.75f, true) {
                    @Override
                    protected boolean removeEldestEntry(Map.Entry<String, Corridor> eldest) {
                        return size() > CORRIDORS_CACHED;
                    }
                });
        jdbi.registerRowMapper(IntakeRow.class, (rs, ctx) -> new IntakeRow(
                rs.getString("intake_workspace_id"),
                rs.getString("intake_driver_id"),
                corridor(rs.getString("intake_route"), nullableDouble(rs, "intake_corridor_width_m"), corridors),
                rs.getBoolean("intake_unconfirmed"),
                rs.getString("presence_driver_id") == null ? null : new DriverPresence(
                        rs.getString("presence_driver_id"), rs.getString("presence_workspace_id"), instant.map(rs, "presence_last_heard_at", ctx),
                        instant.map(rs, "presence_last_fix_at", ctx), rs.getString("presence_quiet_alert_id")),
                rs.getObject("recorded_at") == null ? null
                        : new Fix(instant.map(rs, "recorded_at", ctx), Coordinate.of(rs.getDouble("lat"), rs.getDouble("lng")),
                        nullableDouble(rs, "accuracy_m"), nullableDouble(rs, "speed_mps"),
                        nullableDouble(rs, "heading_deg"))));
        jdbi.registerRowMapper(Stop.class, stop);
        jdbi.registerRowMapper(DriverEvent.class, (rs, ctx) -> new DriverEvent(
                rs.getString("event_id"),
                rs.getString("batch_id"),
                rs.getString("workspace_id"),
                rs.getString("driver_id"),
                rs.getString("actor_id"),
                rs.getString("session_id"),
                name(rs, "event_type", DriverEventType.class),
                name(rs, "previous_status", DriverStatus.class),
                name(rs, "driver_status", DriverStatus.class),
                rs.getLong("batch_version"),
                instant.map(rs, "recorded_at", ctx),
                instant.map(rs, "synced_at", ctx),
                nullableDouble(rs, "lat"),
                nullableDouble(rs, "lng"),
                nullableDouble(rs, "accuracy_m"),
                nullableInt(rs, "stop_index"),
                v.jsonObjects().map(rs, "payload", ctx),
                rs.getString("reason"),
                rs.getString("content_hash"),
                rs.getBoolean("flagged_for_review"),
                v.jsonStrings().map(rs, "flag_reasons", ctx),
                rs.getString("stop_id")));
        jdbi.registerRowMapper(QuarantinedEvent.class, (rs, ctx) -> new QuarantinedEvent(
                rs.getString("id"),
                rs.getString("event_id"),
                rs.getString("batch_id"),
                rs.getString("workspace_id"),
                rs.getString("sender_id"),
                rs.getString("session_id"),
                rs.getString("content"),
                rs.getString("content_hash"),
                name(rs, "error_code", ErrorCode.class),
                rs.getString("reason"),
                instant.map(rs, "received_at", ctx)));
        jdbi.registerRowMapper(QueueKey.class, (rs, ctx) -> new QueueKey(name(rs, "kind", ReviewItem.Kind.class),
                rs.getString("item_id"), rs.getString("sender_id"), instant.map(rs, "at", ctx)));
        RowMapper<DriverPresence> presence = (rs, ctx) -> new DriverPresence(
                rs.getString("driver_id"),
                rs.getString("workspace_id"),
                instant.map(rs, "last_heard_at", ctx),
                instant.map(rs, "last_fix_at", ctx),
                rs.getString("quiet_alert_id"));
        jdbi.registerRowMapper(DriverPresence.class, presence);
        jdbi.registerRowMapper(PositionLog.Silence.class, (rs, ctx) -> new PositionLog.Silence(presence.map(rs, ctx),
                rs.getString("batch_id")));
        jdbi.registerRowMapper(RecordedFix.class, (rs, ctx) -> new RecordedFix(
                rs.getString("driver_id"),
                rs.getString("workspace_id"),
                rs.getString("batch_id"),
                new Fix(instant.map(rs, "recorded_at", ctx), Coordinate.of(rs.getDouble("lat"), rs.getDouble("lng")),
                        nullableDouble(rs, "accuracy_m"), nullableDouble(rs, "speed_mps"),
                        nullableDouble(rs, "heading_deg")),
                FixMark.of(rs.getInt("marks")),
                instant.map(rs, "received_at", ctx)));
        jdbi.registerRowMapper(PositionAlert.class, (rs, ctx) -> new PositionAlert(
                rs.getString("id"),
                rs.getString("workspace_id"),
                rs.getString("driver_id"),
                rs.getString("batch_id"),
                name(rs, "kind", AlertKind.class),
                instant.map(rs, "first_at", ctx),
                instant.map(rs, "last_at", ctx),
                rs.getInt("count"),
                rs.getString("detail"),
                instant.map(rs, "created_at", ctx),
                rs.getString("merged_into")));
        jdbi.registerRowMapper(ExclusiveSession.class, (rs, ctx) -> new ExclusiveSession(
                rs.getString("id"),
                rs.getString("driver_id"),
                rs.getString("merchant_id"),
                rs.getString("merchant_place_id"),
                rs.getString("charger_id"),
                rs.getString("charger_place_id"),
                rs.getString("intent_session_id"),
                name(rs, "status", ExclusiveSessionStatus.class),
                instant.map(rs, "activated_at", ctx),
                instant.map(rs, "expires_at", ctx),
                instant.map(rs, "completed_at", ctx),
                instant.map(rs, "created_at", ctx),
                instant.map(rs, "updated_at", ctx),
                rs.getDouble("activation_lat"),
                rs.getDouble("activation_lng"),
                nullableDouble(rs, "activation_accuracy_m"),
                rs.getDouble("activation_distance_to_charger_m")));
        jdbi.registerRowMapper(DeviceSession.class, (rs, ctx) -> new DeviceSession(
                rs.getString("id"),
                rs.getString("user_id"),
                rs.getString("device_id"),
                rs.getString("token_hash"),
                instant.map(rs, "created_at", ctx),
                instant.map(rs, "last_active_at", ctx),
                instant.map(rs, "expires_at", ctx),
                instant.map(rs, "invalidated_at", ctx),
                name(rs, "invalidation_reason", InvalidationReason.class)));
        jdbi.registerRowMapper(UserCredential.class, (rs, ctx) -> new UserCredential(
                rs.getString("user_id"),
                rs.getString("username"),
                rs.getString("username_key"),
                rs.getString("pin_hash"),
                instant.map(rs, "created_at", ctx),
                instant.map(rs, "updated_at", ctx)));
        jdbi.registerRowMapper(LoginAttempts.class, attempts);
        jdbi.registerRowMapper(Reservation.class, (rs, ctx) -> new Reservation(rs.getInt("granted") == 1,
                attempts.map(rs, ctx)));
        jdbi.registerRowMapper(SecurityAuditEntry.class, (rs, ctx) -> new SecurityAuditEntry(
                rs.getString("id"),
                rs.getString("workspace_id"),
                rs.getString("actor_id"),
                rs.getString("action"),
                rs.getString("user_id"),
                instant.map(rs, "at", ctx)));
        jdbi.registerRowMapper(Workspace.class, (rs, ctx) -> new Workspace(rs.getString("id"), rs.getString("name"),
                rs.getBoolean("require_signed_events")));
        jdbi.registerRowMapper(Membership.class, (rs, ctx) -> new Membership(rs.getString("user_id"),
                rs.getString("workspace_id"), name(rs, "role", Role.class)));
        jdbi.registerRowMapper(Charger.class, (rs, ctx) -> new Charger(rs.getString("id"), rs.getString("place_id"),
                Coordinate.of(rs.getDouble("lat"), rs.getDouble("lng"))));
        jdbi.registerRowMapper(Merchant.class, (rs, ctx) -> new Merchant(rs.getString("id"), rs.getString("place_id"),
                rs.getString("name")));
    }

    /**
     * Binds every column of {@code insert_batch} and {@code update_batch} but their extras
     * ({@code created_at} and the corridor, written once by the insert; {@code expected_version}).
     * The stop progress is always written, as an object (NULL is only for rows written before
     * V11); no removed stops are written as NULL.
     *
     * @param statement the statement (or one row of a prepared batch)
     * @param b         the batch
     * @param <S>       the statement type
     * @return {@code statement}
     */
    static <S extends SqlStatement<S>> S bindBatch(S statement, Batch b) {
        return statement.bind("id", b.id())
                .bind("workspace_id", b.workspaceId())
                .bind("driver_id", b.driverId())
                .bind("driver_status", b.status())
                .bind("current_stop_index", b.currentStopIndex())
                .bindByType("actual_start_time", b.actualStartTime(), Instant.class)
                .bindByType("actual_end_time", b.actualEndTime(), Instant.class)
                .bindByType("execution_metadata", b.metadata(), Values.JSON)
                .bindByType("visited_stops", b.visitedStops(), Values.JSON)
                .bindByType("stop_progress", StopJson.progress(b.progress()), Values.JSON)
                .bindByType("removed_stops", StopJson.removed(b.removedStops()), Values.JSON)
                .bind("version", b.version())
                .bind("updated_at", b.updatedAt());
    }

    /**
     * Binds every column of {@code insert_stop}: the stop at its position in its batch.
     *
     * @param statement the statement (or one row of a prepared batch)
     * @param batchId   the stop's batch
     * @param index     its position (0-based)
     * @param s         the stop, with its id
     * @param <S>       the statement type
     * @return {@code statement}
     */
    static <S extends SqlStatement<S>> S bindStop(S statement, String batchId, int index, Stop s) {
        TimeWindow w = s.window();
        return statement.bind("batch_id", batchId)
                .bind("stop_index", index)
                .bind("stop_id", s.id())
                .bind("lat", s.location().lat())
                .bind("lng", s.location().lng())
                .bind("radius_m", s.radiusMeters())
                .bindByType("window_earliest", w == null ? null : w.earliest(), Instant.class)
                .bindByType("window_latest", w == null ? null : w.latest(), Instant.class)
                .bindByType("proof", StopJson.proof(s.proof()), Values.JSON)
                .bind("code_hash", s.codeHash())
                .bindByType("polygon", StopJson.polygon(s.polygon()), Values.JSON);
    }

    /**
     * {@return the columns of {@code insert_event}, for a {@link RowBatch}}
     *
     * @param v the database's values
     */
    static Map<String, RowBatch.Binder<DriverEvent>> eventColumns(Values v) {
        Map<String, RowBatch.Binder<DriverEvent>> b = new HashMap<>();
        b.put("event_id", v.column(String.class, DriverEvent::eventId));
        b.put("batch_id", v.column(String.class, DriverEvent::batchId));
        b.put("workspace_id", v.column(String.class, DriverEvent::workspaceId));
        b.put("driver_id", v.column(String.class, DriverEvent::driverId));
        b.put("actor_id", v.column(String.class, DriverEvent::actorId));
        b.put("session_id", v.column(String.class, DriverEvent::sessionId));
        b.put("event_type", v.column(DriverEventType.class, DriverEvent::type));
        b.put("previous_status", v.column(DriverStatus.class, DriverEvent::previousStatus));
        b.put("driver_status", v.column(DriverStatus.class, DriverEvent::status));
        b.put("batch_version", v.column(Long.class, DriverEvent::batchVersion));
        b.put("recorded_at", v.column(Instant.class, DriverEvent::recordedAt));
        b.put("synced_at", v.column(Instant.class, DriverEvent::syncedAt));
        b.put("lat", v.column(Double.class, DriverEvent::lat));
        b.put("lng", v.column(Double.class, DriverEvent::lng));
        b.put("accuracy_m", v.column(Double.class, DriverEvent::accuracyMeters));
        b.put("stop_index", v.column(Integer.class, DriverEvent::stopIndex));
        b.put("payload", v.json(DriverEvent::payload));
        b.put("reason", v.column(String.class, DriverEvent::reason));
        b.put("content_hash", v.column(String.class, DriverEvent::contentHash));
        b.put("flagged_for_review", v.column(Boolean.class, DriverEvent::flaggedForReview));
        b.put("flag_reasons", v.json(DriverEvent::flagReasons));
        b.put("stop_id", v.column(String.class, DriverEvent::stopId));
        return b;
    }

    /**
     * {@return the columns of {@code positions/insert_fixes} on SQLite, for a {@link RowBatch}: a
     * fix's marks as their bits ({@link FixMark#bits})}
     *
     * @param v the database's values
     */
    static Map<String, RowBatch.Binder<RecordedFix>> fixColumns(Values v) {
        Map<String, RowBatch.Binder<RecordedFix>> b = new HashMap<>();
        b.put("driver_id", v.column(String.class, RecordedFix::driverId));
        b.put("recorded_at", v.column(Instant.class, RecordedFix::recordedAt));
        b.put("workspace_id", v.column(String.class, RecordedFix::workspaceId));
        b.put("batch_id", v.column(String.class, RecordedFix::batchId));
        b.put("lat", v.column(Double.class, f -> f.fix().location().lat()));
        b.put("lng", v.column(Double.class, f -> f.fix().location().lng()));
        b.put("accuracy_m", v.column(Double.class, f -> f.fix().accuracyMeters()));
        b.put("speed_mps", v.column(Double.class, f -> f.fix().speedMps()));
        b.put("heading_deg", v.column(Double.class, f -> f.fix().headingDegrees()));
        b.put("marks", v.column(Integer.class, f -> FixMark.bits(f.marks())));
        b.put("received_at", v.column(Instant.class, RecordedFix::receivedAt));
        return b;
    }

    /**
     * {@return the columns of {@code insert_quarantined}, for a {@link RowBatch}}
     *
     * @param v the database's values
     */
    static Map<String, RowBatch.Binder<QuarantinedEvent>> quarantineColumns(Values v) {
        Map<String, RowBatch.Binder<QuarantinedEvent>> b = new HashMap<>();
        b.put("id", v.column(String.class, QuarantinedEvent::id));
        b.put("event_id", v.column(String.class, QuarantinedEvent::eventId));
        b.put("batch_id", v.column(String.class, QuarantinedEvent::batchId));
        b.put("workspace_id", v.column(String.class, QuarantinedEvent::workspaceId));
        b.put("sender_id", v.column(String.class, QuarantinedEvent::senderId));
        b.put("session_id", v.column(String.class, QuarantinedEvent::sessionId));
        b.put("content", v.column(String.class, QuarantinedEvent::content));
        b.put("content_hash", v.column(String.class, QuarantinedEvent::contentHash));
        b.put("error_code", v.column(ErrorCode.class, QuarantinedEvent::errorCode));
        b.put("reason", v.column(String.class, QuarantinedEvent::reason));
        b.put("received_at", v.column(Instant.class, QuarantinedEvent::receivedAt));
        return b;
    }

    /**
     * One row of {@code positions/find_intake} (SQLite) or {@code positions/take_fixes} (PostgreSQL):
     * the batch's columns (its corridor only on the first row), and a stored fix or none.
     *
     * @param workspaceId the batch's workspace
     * @param driverId    its driver, or {@code null}
     * @param corridor    its corridor on the first row, else {@code null}
     * @param unconfirmed whether an unconfirmed arrival is near
     * @param presence    the driver's presence, or {@code null}
     * @param fix         a stored plausible fix, or {@code null} on the one row of a span without any
     */
    record IntakeRow(String workspaceId, String driverId, Corridor corridor, boolean unconfirmed,
                     DriverPresence presence, Fix fix) {
    }

    /** How many parsed corridors the intake read keeps, by their stored text. */
    private static final int CORRIDORS_CACHED = 1024;

    /** {@return the corridor of that stored route and width, parsed once per distinct text} */
    private static Corridor corridor(String route, Double width, Map<String, Corridor> cache) {
        if (route == null) {
            return null;
        }
        String key = width + "|" + route;
        Corridor c = cache.get(key);
        if (c == null) {
            c = StopJson.corridorOf(io.fleetgate.internal.Json.parse(route), width);
            cache.put(key, c);
        }
        return c;
    }
}
