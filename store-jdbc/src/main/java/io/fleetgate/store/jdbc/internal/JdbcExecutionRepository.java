package io.fleetgate.store.jdbc.internal;

import io.fleetgate.error.ErrorCode;
import io.fleetgate.error.EventIdConflictException;
import io.fleetgate.error.FleetgateException;
import io.fleetgate.execution.Batch;
import io.fleetgate.execution.DriverEvent;
import io.fleetgate.execution.DriverEventType;
import io.fleetgate.execution.DriverStatus;
import io.fleetgate.execution.QuarantinedEvent;
import io.fleetgate.execution.ReviewItem;
import io.fleetgate.execution.ReviewRecord;
import io.fleetgate.execution.Stop;
import io.fleetgate.internal.Json;
import io.fleetgate.spi.BatchRepository;
import io.fleetgate.spi.EventLog;
import io.fleetgate.spi.ReviewQueue;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.statement.SqlStatement;

import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * {@link BatchRepository}, {@link EventLog} and {@link ReviewQueue} on a JDBC database: delivery batches with their stops, the
 * append-only event log and the quarantine.
 *
 * <p><b>Commit, all or nothing.</b> {@link #commit} runs in one transaction, in this order:
 * <ol>
 *   <li>each batch change is a compare-and-set {@code UPDATE … WHERE id = ? AND workspace_id = ?
 *       AND version = <expected>} (one JDBC batch). A row count of 0 means another instance moved
 *       the batch on since the caller read it. Changes that take a batch off the route (or leave
 *       it off) run before those that put one on it, so that a driver handing over from one batch
 *       to another within one commit never trips the one-on-route index half-way;</li>
 *   <li>the accepted events are appended with {@code INSERT … ON CONFLICT (workspace_id, actor_id,
 *       event_id) DO NOTHING} (JDBC batches of up to {@value #CHUNK}). A row count of 0 means the
 *       sender already has that event id in the workspace (ids are unique per sender, V7). Drivers that do not report a batch's row counts (PostgreSQL with
 *       {@code reWriteBatchedInserts}) are checked with one query per chunk instead;</li>
 *   <li>the refused events are kept with {@code INSERT … ON CONFLICT DO NOTHING} on the quarantine's
 *       {@code (content_hash, event_id)} index: the same refused event resent is kept once, which
 *       is not a conflict.</li>
 * </ol>
 * A lost compare-and-set or a taken event id aborts the unit with a private exception, so the
 * transaction rolls back and {@code commit} returns {@code false} with nothing written; an event
 * id taken by a row the acting principal cannot see (row-level security) aborts it with
 * {@code EVENT_ID_CONFLICT} naming the ids instead, as re-reading would never show the row. So does a
 * unique violation raised by the database itself: the partial index allowing one batch on route
 * per driver (another batch of the driver went on route meanwhile) and the one-event-per-batch-
 * version constraint. The caller then re-reads and decides again. Updates run before inserts so
 * that racing commits queue on the batch rows' locks and the loser sees a moved version, rather
 * than both appending the same version. Serialization failures and deadlocks are retried by
 * {@link Tx}; any other error propagates, with nothing committed.
 *
 * <p>Reads run outside a transaction, except {@link #assignDriver} (its row and stops together).
 * JSON columns are read through {@link SqlDialect#json(ResultSet, String)}, so values come back
 * as {@link Json#parseObject} gives them (sorted maps, {@link BigDecimal} numbers) on both
 * databases. Thread-safe.
 */
public final class JdbcExecutionRepository implements BatchRepository, EventLog, ReviewQueue {
    /** The most rows per JDBC batch and ids per {@code IN (…)} list. */
    static final int CHUNK = 500;

    private final Tx tx;
    private final SqlDialect d;
    private final RowMapper<BatchRow> batchRow;
    private final RowMapper<DriverEvent> event;
    private final RowMapper<QuarantinedEvent> quarantinedEvent;
    private final String insertBatch;
    private final String insertStop;
    private final String findBatch;
    private final String findStops;
    private final String findBatches;
    private final String findStopsOfBatches;
    private final String assignDriver;
    private final String findInProgress;
    private final String updateBatch;
    private final String findEventHashes;
    private final String findLastLocated;
    private final RowBatch<DriverEvent> insertEvent;
    private final String findInsertedEvents;
    private final RowBatch<QuarantinedEvent> insertQuarantined;
    private final String findEventsFirst;
    private final String findEventsAfter;
    private final String findEventsAfterInstant;
    private final String findLog;
    private final String findQuarantined;
    private final String findBatchesInWorkspace;
    private final String findBatchesAssignedTo;
    private final String findQueueFirst;
    private final String findQueueAfter;
    private final String findQueueEvents;
    private final String findQueueQuarantined;
    private final String findFlaggedEvent;
    private final String findQuarantinedItem;
    private final String insertReview;

    /**
     * Creates the repository on the store's runner.
     *
     * @param tx the database
     */
    public JdbcExecutionRepository(Tx tx) {
        this.tx = tx;
        this.d = tx.dialect();
        this.batchRow = (rs, ctx) -> new BatchRow(
                rs.getString("id"),
                rs.getString("workspace_id"),
                rs.getString("driver_id"),
                DriverStatus.valueOf(rs.getString("driver_status")),
                SqlDialect.nullableInt(rs, "current_stop_index"),
                d.instant(rs, "actual_start_time"),
                d.instant(rs, "actual_end_time"),
                Json.parseObject(d.json(rs, "execution_metadata")),
                rs.getLong("version"),
                integers(d.json(rs, "visited_stops")),
                d.instant(rs, "created_at"),
                d.instant(rs, "updated_at"));
        this.event = (rs, ctx) -> new DriverEvent(
                rs.getString("event_id"),
                rs.getString("batch_id"),
                rs.getString("workspace_id"),
                rs.getString("driver_id"),
                rs.getString("actor_id"),
                rs.getString("session_id"),
                DriverEventType.valueOf(rs.getString("event_type")),
                DriverStatus.valueOf(rs.getString("previous_status")),
                DriverStatus.valueOf(rs.getString("driver_status")),
                rs.getLong("batch_version"),
                d.instant(rs, "recorded_at"),
                d.instant(rs, "synced_at"),
                SqlDialect.nullableDouble(rs, "lat"),
                SqlDialect.nullableDouble(rs, "lng"),
                SqlDialect.nullableDouble(rs, "accuracy_m"),
                SqlDialect.nullableInt(rs, "stop_index"),
                Json.parseObject(d.json(rs, "payload")),
                rs.getString("reason"),
                rs.getString("content_hash"),
                rs.getBoolean("flagged_for_review"),
                strings(d.json(rs, "flag_reasons")));
        this.quarantinedEvent = (rs, ctx) -> new QuarantinedEvent(
                rs.getString("id"),
                rs.getString("event_id"),
                rs.getString("batch_id"),
                rs.getString("workspace_id"),
                rs.getString("sender_id"),
                rs.getString("session_id"),
                rs.getString("content"),
                rs.getString("content_hash"),
                ErrorCode.valueOf(rs.getString("error_code")),
                rs.getString("reason"),
                d.instant(rs, "received_at"));
        this.insertBatch = SqlFiles.statement(d, "execution/insert_batch");
        this.insertStop = SqlFiles.statement(d, "execution/insert_stop");
        this.findBatch = SqlFiles.statement(d, "execution/find_batch");
        this.findStops = SqlFiles.statement(d, "execution/find_stops");
        this.findBatches = SqlFiles.statement(d, "execution/find_batches");
        this.findStopsOfBatches = SqlFiles.statement(d, "execution/find_stops_of_batches");
        this.assignDriver = SqlFiles.statement(d, "execution/assign_driver");
        this.findInProgress = SqlFiles.statement(d, "execution/find_in_progress");
        this.updateBatch = SqlFiles.statement(d, "execution/update_batch");
        this.findEventHashes = SqlFiles.statement(d, "execution/find_event_hashes");
        this.findLastLocated = SqlFiles.statement(d, "execution/find_last_located");
        this.insertEvent = new RowBatch<>(SqlFiles.statement(d, "execution/insert_event"), eventBinders(d));
        this.findInsertedEvents = SqlFiles.statement(d, "execution/find_inserted_events");
        this.insertQuarantined = new RowBatch<>(SqlFiles.statement(d, "execution/insert_quarantined"),
                quarantineBinders(d));
        this.findEventsFirst = SqlFiles.statement(d, "execution/find_events_first");
        this.findEventsAfter = SqlFiles.statement(d, "execution/find_events_after");
        this.findEventsAfterInstant = SqlFiles.statement(d, "execution/find_events_after_instant");
        this.findLog = SqlFiles.statement(d, "execution/find_log");
        this.findQuarantined = SqlFiles.statement(d, "execution/find_quarantined");
        this.findBatchesInWorkspace = SqlFiles.statement(d, "execution/find_batches_in_workspace");
        this.findBatchesAssignedTo = SqlFiles.statement(d, "execution/find_batches_assigned_to");
        this.findQueueFirst = SqlFiles.statement(d, "reviews/find_queue_first");
        this.findQueueAfter = SqlFiles.statement(d, "reviews/find_queue_after");
        this.findQueueEvents = SqlFiles.statement(d, "reviews/find_events");
        this.findQueueQuarantined = SqlFiles.statement(d, "reviews/find_quarantined");
        this.findFlaggedEvent = SqlFiles.statement(d, "reviews/find_flagged_event");
        this.findQuarantinedItem = SqlFiles.statement(d, "reviews/find_quarantined_item");
        this.insertReview = SqlFiles.statement(d, "reviews/insert");
    }

    // --- batches ----------------------------------------------------------------------------

    /**
     * {@inheritDoc}
     *
     * <p>The batch row and its stops are written in one transaction; the batch's workspace must
     * exist (a foreign key).
     */
    @Override
    public boolean insertBatch(Batch batch) {
        Objects.requireNonNull(batch, "batch");
        return tx.write(h -> {
            int inserted = bindBatch(h.createUpdate(insertBatch), batch)
                    .bind("created_at", d.instant(batch.createdAt()))
                    .execute();
            if (inserted == 0) {
                return false;
            }
            if (!batch.stops().isEmpty()) {
                PreparedBatch stops = h.prepareBatch(insertStop);
                for (int i = 0; i < batch.stops().size(); i++) {
                    Stop s = batch.stops().get(i);
                    stops.bind("batch_id", batch.id())
                            .bind("stop_index", i)
                            .bind("lat", s.location().lat())
                            .bind("lng", s.location().lng())
                            .bind("radius_m", s.radiusMeters())
                            .add();
                }
                stops.execute();
            }
            return true;
        });
    }

    @Override
    public Optional<Batch> findBatch(String batchId) {
        return tx.read(h -> h.createQuery(findBatch).bind("id", batchId).map(batchRow).findOne()
                .map(row -> row.with(stopsOf(h, row.id()))));
    }

    @Override
    public Map<String, Batch> findBatches(Collection<String> batchIds) {
        List<String> ids = List.copyOf(new LinkedHashSet<>(batchIds));
        if (ids.isEmpty()) {
            return new HashMap<>();
        }
        return tx.read(h -> {
            Map<String, Batch> out = new HashMap<>();
            for (List<String> chunk : chunks(ids)) {
                List<BatchRow> rows = h.createQuery(findBatches).bindList("ids", chunk).map(batchRow).list();
                if (rows.isEmpty()) {
                    continue;
                }
                Map<String, List<Stop>> stops = new HashMap<>();
                h.createQuery(findStopsOfBatches)
                        .bindList("ids", rows.stream().map(BatchRow::id).toList())
                        .map((rs, ctx) -> Map.entry(rs.getString("batch_id"), stop(rs)))
                        .forEach(e -> stops.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue()));
                for (BatchRow row : rows) {
                    out.put(row.id(), row.with(stops.getOrDefault(row.id(), List.of())));
                }
            }
            return out;
        });
    }

    /**
     * {@inheritDoc}
     *
     * <p>The database refuses (with an exception, not an empty result) to assign a driver to a
     * batch on route while another batch of that driver is on route: the service never asks.
     */
    @Override
    public Optional<Batch> assignDriver(String batchId, String driverId, long expectedVersion, Instant now) {
        return tx.write(h -> h.createQuery(assignDriver)
                .bind("id", batchId)
                .bind("driver_id", driverId)
                .bind("expected_version", expectedVersion)
                .bind("now", d.instant(now))
                .map(batchRow)
                .findOne()
                .map(row -> row.with(stopsOf(h, row.id()))));
    }

    @Override
    public List<String> findInProgressBatches(String driverId) {
        return tx.read(h -> h.createQuery(findInProgress).bind("driver_id", driverId).mapTo(String.class).list());
    }

    private List<Stop> stopsOf(Handle h, String batchId) {
        return h.createQuery(findStops).bind("batch_id", batchId).map((rs, ctx) -> stop(rs)).list();
    }

    private static Stop stop(ResultSet rs) throws SQLException {
        return Stop.of(rs.getDouble("lat"), rs.getDouble("lng"), rs.getDouble("radius_m"));
    }

    // --- events -----------------------------------------------------------------------------

    /**
     * {@inheritDoc}
     *
     * <p>One query per {@value #CHUNK} ids, on the {@code (workspace_id, actor_id, event_id)}
     * unique index.
     */
    @Override
    public Map<String, String> findEventHashes(String workspaceId, String actorId, Collection<String> eventIds) {
        List<String> ids = List.copyOf(new LinkedHashSet<>(eventIds));
        if (ids.isEmpty()) {
            return new HashMap<>();
        }
        return tx.read(h -> ownHashes(h, workspaceId, actorId, ids));
    }

    private Map<String, String> ownHashes(Handle h, String workspaceId, String actorId, List<String> ids) {
        Map<String, String> out = new HashMap<>();
        for (List<String> chunk : chunks(ids)) {
            h.createQuery(findEventHashes).bind("workspace_id", workspaceId).bind("actor_id", actorId)
                    .bindList("ids", chunk)
                    .map((rs, ctx) -> Map.entry(rs.getString("event_id"), rs.getString("content_hash")))
                    .forEach(e -> out.put(e.getKey(), e.getValue()));
        }
        return out;
    }

    @Override
    public Optional<DriverEvent> findLastLocatedEvent(String driverId) {
        return tx.read(h -> h.createQuery(findLastLocated).bind("driver_id", driverId).map(event).findOne());
    }

    /**
     * {@inheritDoc}
     *
     * <p>See the class comment for how the transaction decides. Stops and {@code created_at} of a
     * changed batch are not rewritten (they never change), and a change may not move a batch to
     * another workspace (the compare-and-set includes the workspace, so that is reported as a
     * conflict).
     */
    @Override
    public boolean commit(List<BatchChange> changes, List<DriverEvent> events, List<QuarantinedEvent> quarantined) {
        if (changes.isEmpty() && events.isEmpty() && quarantined.isEmpty()) {
            return true;
        }
        List<BatchChange> ordered = new ArrayList<>(changes);
        ordered.sort(Comparator.comparing((BatchChange c) -> takesRoute(c.batch())).thenComparing(c -> c.batch().id()));
        try {
            // If the connection is lost while committing, the first event tells whether it landed
            // (its id was free when the events were decided, and all of them commit together).
            return tx.write(h -> {
                updateBatches(h, ordered);
                appendEvents(h, events);
                keepQuarantined(h, quarantined);
                return true;
            }, events.isEmpty() ? null : h -> Optional.ofNullable(ownHashes(h, events.get(0).workspaceId(),
                            events.get(0).actorId(), List.of(events.get(0).eventId())).get(events.get(0).eventId()))
                    .filter(events.get(0).contentHash()::equals).map(hash -> Boolean.TRUE).orElse(null));
        } catch (Tx.Undo lost) {
            return false;
        } catch (FleetgateException e) {
            throw e;
        } catch (RuntimeException e) {
            if (tx.isUniqueViolation(e)) {
                return false;
            }
            throw e;
        }
    }

    private static boolean takesRoute(Batch b) {
        return b.driverId() != null && b.status().onRoute();
    }

    private void updateBatches(Handle h, List<BatchChange> ordered) {
        if (ordered.isEmpty()) {
            return;
        }
        PreparedBatch batch = h.prepareBatch(updateBatch);
        for (BatchChange c : ordered) {
            bindBatch(batch, c.batch()).bind("expected_version", c.expectedVersion()).add();
        }
        for (int count : batch.execute()) {
            if (count == 0) {
                throw Tx.Undo.INSTANCE;
            }
            if (count < 0) {
                throw new IllegalStateException("the JDBC driver did not report an UPDATE's row count ("
                        + count + "); fleetgate's compare-and-set needs it");
            }
        }
    }

    private void appendEvents(Handle h, List<DriverEvent> events) {
        for (List<DriverEvent> chunk : chunks(events)) {
            boolean unknown = false;
            List<DriverEvent> taken = new ArrayList<>();
            int[] counts = insertEvent.execute(h, chunk);
            for (int i = 0; i < counts.length; i++) {
                if (counts[i] == 0) {
                    taken.add(chunk.get(i));
                }
                unknown |= counts[i] == Statement.SUCCESS_NO_INFO;
            }
            if (!taken.isEmpty()) {
                throw takenBy(h, taken);
            }
            if (unknown) {
                requireAppended(h, chunk);
            }
        }
    }

    /**
     * The error for event ids the insert found taken: a {@link Tx.Undo} (the caller re-reads and
     * decides again) when the acting principal can see every row holding them, else
     * {@code EVENT_ID_CONFLICT} naming the ids it cannot see. Row-level security hides another
     * driver's event, so re-reading would never find it and the caller would retry forever;
     * the insert's arbiter index saw it regardless, and that is all this reports (the row stays
     * unread). Within the transaction, so READ COMMITTED shows rows committed meanwhile.
     */
    private RuntimeException takenBy(Handle h, List<DriverEvent> taken) {
        java.util.Set<String> visible = new java.util.HashSet<>();
        for (DriverEvent e : taken) {
            if (ownHashes(h, e.workspaceId(), e.actorId(), List.of(e.eventId())).containsKey(e.eventId())) {
                visible.add(e.eventId());
            }
        }
        List<String> hidden = taken.stream().map(DriverEvent::eventId).filter(id -> !visible.contains(id)).toList();
        if (hidden.isEmpty()) {
            return Tx.Undo.INSTANCE;
        }
        return new EventIdConflictException(hidden, "event ids " + hidden
                + " were already recorded by events the caller cannot see");
    }

    /**
     * For drivers that report {@link Statement#SUCCESS_NO_INFO}: every event of the chunk must now
     * be in the log at its own batch and version. A row with its id but another batch or version
     * was there before (the compare-and-set above makes our versions new), so the id was taken.
     */
    private void requireAppended(Handle h, List<DriverEvent> chunk) {
        java.util.Set<List<Object>> found = new java.util.HashSet<>();
        // Every event of one commit has the same sender (one call's principal).
        h.createQuery(findInsertedEvents).bind("actor_id", chunk.get(0).actorId())
                .bindList("ids", chunk.stream().map(DriverEvent::eventId).toList())
                .map((rs, ctx) -> List.<Object>of(rs.getString("event_id"), rs.getString("batch_id"),
                        rs.getLong("batch_version")))
                .forEach(found::add);
        List<DriverEvent> taken = new ArrayList<>();
        for (DriverEvent e : chunk) {
            if (!found.contains(List.<Object>of(e.eventId(), e.batchId(), e.batchVersion()))) {
                taken.add(e);
            }
        }
        if (!taken.isEmpty()) {
            throw takenBy(h, taken);
        }
    }

    private void keepQuarantined(Handle h, List<QuarantinedEvent> quarantined) {
        for (List<QuarantinedEvent> chunk : chunks(quarantined)) {
            insertQuarantined.execute(h, chunk);
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>An {@code afterRecorded} without {@code afterEventId} pages from events recorded strictly
     * later. Event ids compare by code point on both databases.
     *
     * @throws IllegalArgumentException for a negative limit
     */
    @Override
    public List<DriverEvent> findEvents(String batchId, Instant afterRecorded, String afterEventId, int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must be 0 or more, got " + limit);
        }
        if (limit == 0) {
            return List.of();
        }
        return tx.read(h -> {
            if (afterRecorded == null) {
                return h.createQuery(findEventsFirst).bind("batch_id", batchId).bind("limit", limit)
                        .map(event).list();
            }
            if (afterEventId == null) {
                return h.createQuery(findEventsAfterInstant).bind("batch_id", batchId)
                        .bind("after_recorded", d.instant(afterRecorded)).bind("limit", limit)
                        .map(event).list();
            }
            return h.createQuery(findEventsAfter).bind("batch_id", batchId)
                    .bind("after_recorded", d.instant(afterRecorded))
                    .bind("after_event_id", afterEventId)
                    .bind("limit", limit)
                    .map(event).list();
        });
    }

    @Override
    public List<DriverEvent> findLog(String batchId) {
        return tx.read(h -> h.createQuery(findLog).bind("batch_id", batchId).map(event).list());
    }

    @Override
    public List<QuarantinedEvent> findQuarantined(String batchId) {
        return tx.read(h -> h.createQuery(findQuarantined).bind("batch_id", batchId).map(quarantinedEvent).list());
    }

    // --- mapping ----------------------------------------------------------------------------

    /** Binds every column of {@code update_batch} and {@code insert_batch} except the extras. */
    private <S extends SqlStatement<S>> S bindBatch(S statement, Batch b) {
        return statement.bind("id", b.id())
                .bind("workspace_id", b.workspaceId())
                .bind("driver_id", b.driverId())
                .bind("driver_status", b.status().name())
                .bind("current_stop_index", b.currentStopIndex())
                .bind("actual_start_time", d.instant(b.actualStartTime()))
                .bind("actual_end_time", d.instant(b.actualEndTime()))
                .bind("execution_metadata", d.json(Json.write(b.metadata())))
                .bind("visited_stops", d.json(Json.write(b.visitedStops())))
                .bind("version", b.version())
                .bind("updated_at", d.instant(b.updatedAt()));
    }

    private static Map<String, RowBatch.Binder<DriverEvent>> eventBinders(SqlDialect d) {
        Map<String, RowBatch.Binder<DriverEvent>> b = new HashMap<>();
        b.put("event_id", (st, i, e) -> st.setString(i, e.eventId()));
        b.put("batch_id", (st, i, e) -> st.setString(i, e.batchId()));
        b.put("workspace_id", (st, i, e) -> st.setString(i, e.workspaceId()));
        b.put("driver_id", (st, i, e) -> st.setString(i, e.driverId()));
        b.put("actor_id", (st, i, e) -> st.setString(i, e.actorId()));
        b.put("session_id", (st, i, e) -> st.setString(i, e.sessionId()));
        b.put("event_type", (st, i, e) -> st.setString(i, e.type().name()));
        b.put("previous_status", (st, i, e) -> st.setString(i, e.previousStatus().name()));
        b.put("driver_status", (st, i, e) -> st.setString(i, e.status().name()));
        b.put("batch_version", (st, i, e) -> st.setLong(i, e.batchVersion()));
        b.put("recorded_at", (st, i, e) -> d.setInstant(st, i, e.recordedAt()));
        b.put("synced_at", (st, i, e) -> d.setInstant(st, i, e.syncedAt()));
        b.put("lat", (st, i, e) -> RowBatch.setDouble(st, i, e.lat()));
        b.put("lng", (st, i, e) -> RowBatch.setDouble(st, i, e.lng()));
        b.put("accuracy_m", (st, i, e) -> RowBatch.setDouble(st, i, e.accuracyMeters()));
        b.put("stop_index", (st, i, e) -> RowBatch.setInt(st, i, e.stopIndex()));
        b.put("payload", (st, i, e) -> d.setJson(st, i, Json.write(e.payload())));
        b.put("reason", (st, i, e) -> st.setString(i, e.reason()));
        b.put("content_hash", (st, i, e) -> st.setString(i, e.contentHash()));
        b.put("flagged_for_review", (st, i, e) -> st.setBoolean(i, e.flaggedForReview()));
        b.put("flag_reasons", (st, i, e) -> d.setJson(st, i, Json.write(e.flagReasons())));
        return b;
    }

    private static Map<String, RowBatch.Binder<QuarantinedEvent>> quarantineBinders(SqlDialect d) {
        Map<String, RowBatch.Binder<QuarantinedEvent>> b = new HashMap<>();
        b.put("id", (st, i, q) -> st.setString(i, q.id()));
        b.put("event_id", (st, i, q) -> st.setString(i, q.eventId()));
        b.put("batch_id", (st, i, q) -> st.setString(i, q.batchId()));
        b.put("workspace_id", (st, i, q) -> st.setString(i, q.workspaceId()));
        b.put("sender_id", (st, i, q) -> st.setString(i, q.senderId()));
        b.put("session_id", (st, i, q) -> st.setString(i, q.sessionId()));
        b.put("content", (st, i, q) -> st.setString(i, q.content()));
        b.put("content_hash", (st, i, q) -> st.setString(i, q.contentHash()));
        b.put("error_code", (st, i, q) -> st.setString(i, q.errorCode().name()));
        b.put("reason", (st, i, q) -> st.setString(i, q.reason()));
        b.put("received_at", (st, i, q) -> d.setInstant(st, i, q.receivedAt()));
        return b;
    }

    private static List<Integer> integers(String json) {
        List<Integer> out = new ArrayList<>();
        for (Object o : array(json)) {
            out.add(((BigDecimal) o).intValueExact());
        }
        return out;
    }

    private static List<String> strings(String json) {
        List<String> out = new ArrayList<>();
        for (Object o : array(json)) {
            out.add((String) o);
        }
        return out;
    }

    private static List<?> array(String json) {
        if (!(Json.parse(json) instanceof List<?> list)) {
            throw new IllegalStateException("expected a JSON array in the database, found " + json);
        }
        return list;
    }

    private static <T> List<List<T>> chunks(List<T> all) {
        List<List<T>> out = new ArrayList<>((all.size() + CHUNK - 1) / CHUNK);
        for (int from = 0; from < all.size(); from += CHUNK) {
            out.add(all.subList(from, Math.min(all.size(), from + CHUNK)));
        }
        return out;
    }

    /** A batch row before its stops are attached. */
    private record BatchRow(String id, String workspaceId, String driverId, DriverStatus status,
                            Integer currentStopIndex, Instant actualStartTime, Instant actualEndTime,
                            Map<String, Object> metadata, long version, List<Integer> visitedStops,
                            Instant createdAt, Instant updatedAt) {
        Batch with(List<Stop> stops) {
            return new Batch(id, workspaceId, driverId, status, currentStopIndex, actualStartTime, actualEndTime,
                    metadata, version, stops, visitedStops, createdAt, updatedAt);
        }
    }

    // --- supervisors ------------------------------------------------------------------------

    /**
     * {@inheritDoc}
     *
     * <p>Ids compare by code point on both databases.
     */
    @Override
    public List<Batch> findBatchesInWorkspace(String workspaceId) {
        return tx.read(h -> withStops(h, h.createQuery(findBatchesInWorkspace)
                .bind("workspace_id", workspaceId).map(batchRow).list()));
    }

    /**
     * {@inheritDoc}
     *
     * <p>Ids compare by code point on both databases.
     */
    @Override
    public List<Batch> findBatchesAssignedTo(String driverId) {
        return tx.read(h -> withStops(h, h.createQuery(findBatchesAssignedTo)
                .bind("driver_id", driverId).map(batchRow).list()));
    }

    /**
     * The rows with their stops, in the rows' order. The stops are read by a second statement:
     * a batch's stops are written with its row and never change, so they match the row read.
     */
    private List<Batch> withStops(Handle h, List<BatchRow> rows) {
        Map<String, List<Stop>> stops = new HashMap<>();
        for (List<BatchRow> chunk : chunks(rows)) {
            h.createQuery(findStopsOfBatches)
                    .bindList("ids", chunk.stream().map(BatchRow::id).toList())
                    .map((rs, ctx) -> Map.entry(rs.getString("batch_id"), stop(rs)))
                    .forEach(e -> stops.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue()));
        }
        List<Batch> out = new ArrayList<>(rows.size());
        for (BatchRow row : rows) {
            out.add(row.with(stops.getOrDefault(row.id(), List.of())));
        }
        return out;
    }

    /**
     * {@inheritDoc}
     *
     * <p>One statement finds the page's keys: a {@code UNION ALL} of the workspace's flagged
     * events and its quarantined events, each without a row in {@code event_reviews} (an
     * anti-join on its unique index), each branch walking its own {@code (workspace_id, arrival,
     * id)} index past the cursor and stopping at {@code limit} rows before the merge. The full
     * rows of the page are then read by id with the same row mappers as {@link #findLog} and
     * {@link #findQuarantined}: both tables are append-only, so a key found is a row that is
     * still there, unchanged. Ids compare by code point on both databases. An {@code afterAt}
     * without {@code afterId} pages from items that arrived strictly later.
     *
     * @throws IllegalArgumentException for a negative limit
     */
    @Override
    public List<ReviewItem> findReviewQueue(String workspaceId, Instant afterAt, String afterId, int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must be 0 or more, got " + limit);
        }
        if (limit == 0) {
            return List.of();
        }
        return tx.read(h -> {
            Query page = afterAt == null
                    ? h.createQuery(findQueueFirst)
                    : h.createQuery(findQueueAfter).bind("after_at", d.instant(afterAt)).bind("after_id", afterId);
            List<QueueKey> keys = page.bind("workspace_id", workspaceId).bind("limit", limit)
                    .map((rs, ctx) -> new QueueKey(rs.getBoolean("quarantined"), rs.getString("item_id"),
                            d.instant(rs, "at")))
                    .list();
            Map<String, DriverEvent> events = rowsById(h, findQueueEvents, workspaceId,
                    keys.stream().filter(k -> !k.quarantined()).map(QueueKey::id).toList(), event, DriverEvent::eventId);
            Map<String, QuarantinedEvent> refused = rowsById(h, findQueueQuarantined, null,
                    keys.stream().filter(QueueKey::quarantined).map(QueueKey::id).toList(), quarantinedEvent,
                    QuarantinedEvent::id);
            List<ReviewItem> out = new ArrayList<>(keys.size());
            for (QueueKey k : keys) {
                DriverEvent e = k.quarantined() ? null : events.get(k.id());
                QuarantinedEvent q = k.quarantined() ? refused.get(k.id()) : null;
                if (e == null && q == null) {
                    throw new IllegalStateException("review item " + k.id() + " was listed but its row is gone; "
                            + "driver_events and quarantined_events are append-only");
                }
                out.add(new ReviewItem(k.id(), workspaceId, k.at(), e, q));
            }
            return out;
        });
    }

    private static <T> Map<String, T> rowsById(Handle h, String sql, String workspaceId, List<String> ids,
                                               RowMapper<T> mapper, Function<T, String> idOf) {
        Map<String, T> out = new HashMap<>();
        for (List<String> chunk : chunks(ids)) {
            Query q = h.createQuery(sql).bindList("ids", chunk);
            if (workspaceId != null) {
                q.bind("workspace_id", workspaceId);
            }
            // putIfAbsent: two senders' flagged events with one id are one item (the first read)
            q.map(mapper).forEach(row -> out.putIfAbsent(idOf.apply(row), row));
        }
        return out;
    }

    /**
     * {@inheritDoc}
     *
     * <p>A flagged event is looked for first, then a quarantine record, as the in-memory store does.
     */
    @Override
    public Optional<ReviewItem> findReviewItem(String workspaceId, String itemId) {
        return tx.read(h -> {
            Optional<DriverEvent> flagged = h.createQuery(findFlaggedEvent)
                    .bind("workspace_id", workspaceId).bind("item_id", itemId).map(event).findOne();
            if (flagged.isPresent()) {
                DriverEvent e = flagged.get();
                return Optional.of(new ReviewItem(e.eventId(), workspaceId, e.syncedAt(), e, null));
            }
            return h.createQuery(findQuarantinedItem)
                    .bind("workspace_id", workspaceId).bind("item_id", itemId).map(quarantinedEvent).findOne()
                    .map(q -> new ReviewItem(q.id(), workspaceId, q.receivedAt(), null, q));
        });
    }

    /**
     * {@inheritDoc}
     *
     * <p>{@code INSERT … ON CONFLICT (workspace_id, item_id) DO NOTHING}: of two supervisors
     * reviewing one item at once, on any number of instances, exactly one writes. The table is
     * append-only (triggers refuse UPDATE and DELETE).
     */
    @Override
    public boolean insertReview(ReviewRecord review) {
        Objects.requireNonNull(review, "review");
        return tx.read(h -> h.createUpdate(insertReview)
                .bind("id", review.id())
                .bind("workspace_id", review.workspaceId())
                .bind("item_id", review.itemId())
                .bind("quarantined", review.quarantined())
                .bind("reviewer_id", review.reviewerId())
                .bind("note", review.note())
                .bind("reviewed_at", d.instant(review.reviewedAt()))
                .execute()) == 1;
    }

    /** One key of a review queue page. */
    private record QueueKey(boolean quarantined, String id, Instant at) {
    }
}
