package io.fleetgate.store.jdbc.internal;

import io.fleetgate.access.Workspace;
import io.fleetgate.error.EventIdConflictException;
import io.fleetgate.execution.Batch;
import io.fleetgate.execution.DriverEvent;
import io.fleetgate.execution.QuarantinedEvent;
import io.fleetgate.internal.Json;
import io.fleetgate.store.jdbc.Dialect;
import io.fleetgate.spi.EventLog;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@link EventLog} on a JDBC database: the append-only event log ({@code driver_events}) and the
 * quarantine ({@code quarantined_events}), and the commit of a sync.
 *
 * <p><b>Commit, all or nothing.</b> {@link #commit} runs in one transaction, in this order:
 * <ol>
 *   <li>each batch change is a compare-and-set {@code UPDATE … WHERE id = ? AND workspace_id = ?
 *       AND version = <expected>} (one JDBC batch). A row count of 0 means another instance moved
 *       the batch on since the caller read it. Changes that take a batch off the route (or leave
 *       it off) run before those that put one on it, so that a driver handing over from one batch
 *       to another within one commit never trips the one-on-route index half-way;</li>
 *   <li>the stops of each batch whose plan a supervisor changed
 *       ({@link BatchChange#stopsChanged()}) are deleted and the new list inserted;</li>
 *   <li>the accepted events are appended: on PostgreSQL, whose log is partitioned by month (V16),
 *       with one {@code INSERT … SELECT FROM unnest(…) … RETURNING event_id} per {@value
 *       Chunks#SIZE} events (issue #19: one statement, not one per event), whose row trigger first
 *       claims each id in {@code driver_event_ids} and skips the row when the sender has it
 *       already, whatever its {@code recorded_at}; an event whose id did not come back found it
 *       taken. Before the transaction, each month the events fall in is made sure of its
 *       partition ({@link Partitions}). On SQLite JDBC batches of up to {@value Chunks#SIZE} of
 *       {@code INSERT … ON CONFLICT (workspace_id, actor_id, event_id) DO NOTHING}, a row count of
 *       0 meaning the same (ids are unique per sender, V7); drivers that do not report a batch's
 *       row counts are checked with one query per chunk instead;</li>
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
 * {@link Tx}; any other error propagates, with nothing committed. If the connection is lost while
 * committing, the first event tells whether the commit landed ({@link Tx#write(org.jdbi.v3.core.HandleCallback,
 * org.jdbi.v3.core.HandleCallback)}).
 *
 * <p>The events and quarantine records are appended as plain JDBC batches ({@link RowBatch}) bound
 * through the store's {@link Values}; everything else goes through Jdbi and the registered row
 * mappers ({@link Rows}). Reads run outside a transaction. Thread-safe.
 */
public final class JdbcEventLog implements EventLog {
    private final Tx tx;
    private final Partitions partitions;
    private final String updateBatch;
    private final String deleteStops;
    private final String insertStop;
    private final String findEventHashes;
    private final String findLastLocated;
    /** PostgreSQL: a driver's sync reads, five statements in one round trip; {@code null} on SQLite. */
    private final String findDriverSyncReads;
    /** SQLite: one event per row of a JDBC batch ({@code insert_event.sql}). */
    private final RowBatch<DriverEvent> insertEvent;
    /** PostgreSQL: a chunk of events in one statement ({@code insert_events.postgres.sql}), positional. */
    private final String insertEventsPg;
    /** Its parameter names, in order. */
    private final List<String> insertEventsPgNames = new ArrayList<>();
    private final String findInsertedEvents;
    private final RowBatch<QuarantinedEvent> insertQuarantined;
    private final String findEventsFirst;
    private final String findEventsAfter;
    private final String findEventsAfterInstant;
    private final String findLog;

    /**
     * Creates the log on the store's runner.
     *
     * @param tx         the database
     * @param partitions the log's monthly partitions (PostgreSQL), made sure of before an append
     */
    public JdbcEventLog(Tx tx, Partitions partitions) {
        this.tx = tx;
        this.partitions = partitions;
        SqlDialect d = tx.dialect();
        Values values = new Values(d);
        this.updateBatch = SqlFiles.statement(d, "execution/update_batch");
        this.deleteStops = SqlFiles.statement(d, "execution/delete_stops");
        this.insertStop = SqlFiles.statement(d, "execution/insert_stop");
        this.findEventHashes = SqlFiles.statement(d, "execution/find_event_hashes");
        this.findLastLocated = SqlFiles.statement(d, "execution/find_last_located");
        this.findDriverSyncReads = d.dialect() == Dialect.POSTGRES
                ? SqlFiles.statement(d, "execution/find_driver_sync_reads") : null;
        this.insertEvent = d.dialect() == Dialect.POSTGRES ? null
                : new RowBatch<>(SqlFiles.statement(d, "execution/insert_event"), Rows.eventColumns(values));
        this.insertEventsPg = d.dialect() == Dialect.POSTGRES
                ? RowBatch.positional(SqlFiles.statement(d, "execution/insert_events"), insertEventsPgNames) : null;
        this.findInsertedEvents = SqlFiles.statement(d, "execution/find_inserted_events");
        this.insertQuarantined = new RowBatch<>(SqlFiles.statement(d, "execution/insert_quarantined"),
                Rows.quarantineColumns(values));
        this.findEventsFirst = SqlFiles.statement(d, "execution/find_events_first");
        this.findEventsAfter = SqlFiles.statement(d, "execution/find_events_after");
        this.findEventsAfterInstant = SqlFiles.statement(d, "execution/find_events_after_instant");
        this.findLog = SqlFiles.statement(d, "execution/find_log");
    }

    /**
     * {@inheritDoc}
     *
     * <p>One query per {@value Chunks#SIZE} ids, on the {@code (workspace_id, actor_id, event_id)}
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
        for (List<String> chunk : Chunks.of(ids)) {
            h.createQuery(findEventHashes).bind("workspace_id", workspaceId).bind("actor_id", actorId)
                    .bindList("ids", chunk)
                    .map((rs, ctx) -> Map.entry(rs.getString("event_id"), rs.getString("content_hash")))
                    .forEach(e -> out.put(e.getKey(), e.getValue()));
        }
        return out;
    }

    @Override
    public Optional<DriverEvent> findLastLocatedEvent(String driverId) {
        return tx.read(h -> h.createQuery(findLastLocated).bind("driver_id", driverId).mapTo(DriverEvent.class).findOne());
    }

    /**
     * {@inheritDoc}
     *
     * <p>PostgreSQL: {@code find_driver_sync_reads.postgres.sql}, five statements that pgjdbc sends
     * together, in one read transaction bound to the acting principal: one round trip (and one
     * access-context statement and one commit) where the reads one by one take three each. SQLite
     * reads them one by one (the default): there a read is a call into the same process.
     */
    @Override
    public Optional<DriverSyncReads> findDriverSyncReads(String driverId, Collection<String> batchIds,
                                                         Collection<String> eventIds) {
        if (findDriverSyncReads == null) {
            return Optional.empty();
        }
        String[] batches = new LinkedHashSet<>(batchIds).toArray(String[]::new);
        String[] events = new LinkedHashSet<>(eventIds).toArray(String[]::new);
        return Optional.of(tx.read(h -> h.createQuery(findDriverSyncReads)
                .bind("driver_id", driverId)
                .bindArray("batch_ids", String.class, (Object[]) batches)
                .bindArray("event_ids", String.class, (Object[]) events)
                .scanResultSet((results, ctx) -> {
                    ResultSet first = results.get();
                    Statement st = first.getStatement();
                    Map<String, Batch> found = new HashMap<>();
                    for (Batch b : JdbcBatchRepository.joined(first, ctx)) {
                        found.put(b.id(), b);
                    }
                    Map<String, Map<String, String>> hashes = new HashMap<>();
                    try (ResultSet rs = next(st)) {
                        while (rs.next()) {
                            hashes.computeIfAbsent(rs.getString("workspace_id"), ws -> new HashMap<>())
                                    .put(rs.getString("event_id"), rs.getString("content_hash"));
                        }
                    }
                    Map<String, Workspace> workspaces = new HashMap<>();
                    RowMapper<Workspace> workspace = ctx.findRowMapperFor(Workspace.class).orElseThrow();
                    try (ResultSet rs = next(st)) {
                        while (rs.next()) {
                            Workspace w = workspace.map(rs, ctx);
                            workspaces.put(w.id(), w);
                        }
                    }
                    List<String> onRoute = new ArrayList<>();
                    try (ResultSet rs = next(st)) {
                        while (rs.next()) {
                            onRoute.add(rs.getString("id"));
                        }
                    }
                    Optional<DriverEvent> last = Optional.empty();
                    RowMapper<DriverEvent> event = ctx.findRowMapperFor(DriverEvent.class).orElseThrow();
                    try (ResultSet rs = next(st)) {
                        if (rs.next()) {
                            last = Optional.of(event.map(rs, ctx));
                        }
                    }
                    return new DriverSyncReads(found, hashes, workspaces, onRoute, last);
                })));
    }

    /** {@return the statement's next result set} (each read has one; the previous one is closed) */
    private static ResultSet next(Statement st) throws SQLException {
        if (!st.getMoreResults()) {
            throw new IllegalStateException("find_driver_sync_reads: a statement returned no rows set");
        }
        return st.getResultSet();
    }

    /**
     * {@inheritDoc}
     *
     * <p>See the class comment for how the transaction decides. {@code created_at} of a changed
     * batch is not rewritten (it never changes), nor are its stops unless the change says they
     * changed ({@link BatchChange#stopsChanged()}: then they are deleted and the new list is
     * inserted once every compare-and-set has succeeded). A change may not move a batch to
     * another workspace (the compare-and-set includes the workspace, so that is reported as a
     * conflict).
     */
    @Override
    public boolean commit(List<BatchChange> changes, List<DriverEvent> events, List<QuarantinedEvent> quarantined) {
        if (changes.isEmpty() && events.isEmpty() && quarantined.isEmpty()) {
            return true;
        }
        // A month without its partition (a phone offline across a month's end, a late sync, a clock
        // ahead) gets one before the transaction; a month already known costs nothing.
        partitions.ensure(Partitions.EVENTS, events.stream().map(DriverEvent::recordedAt).toList());
        List<BatchChange> ordered = new ArrayList<>(changes);
        ordered.sort(Comparator.comparing((BatchChange c) -> takesRoute(c.batch())).thenComparing(c -> c.batch().id()));
        try {
            // If the connection is lost while committing, the first event tells whether it landed
            // (its id was free when the events were decided, and all of them commit together).
            return tx.unlessUniqueViolation(() -> tx.write(h -> {
                updateBatches(h, ordered);
                rewriteStops(h, ordered);
                appendEvents(h, events);
                for (List<QuarantinedEvent> chunk : Chunks.of(quarantined)) {
                    insertQuarantined.execute(h, chunk);
                }
                return true;
            }, events.isEmpty() ? null : h -> landed(h, events.get(0))), () -> false);
        } catch (Tx.Undo lost) {
            return false;
        }
    }

    /** {@code TRUE} if the sender's event is in the log with its content, else {@code null}. */
    private Boolean landed(Handle h, DriverEvent first) {
        String hash = ownHashes(h, first.workspaceId(), first.actorId(), List.of(first.eventId())).get(first.eventId());
        return first.contentHash().equals(hash) ? Boolean.TRUE : null;
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
            Rows.bindBatch(batch, c.batch()).bind("expected_version", c.expectedVersion()).add();
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

    /**
     * A plan change's stops: the batch's rows deleted and the new list inserted, each stop at its
     * position. Runs after the compare-and-set updates, so only on batches this transaction holds
     * at the version it decided on; the unique (batch_id, stop_id) index never sees both lists.
     */
    private void rewriteStops(Handle h, List<BatchChange> ordered) {
        for (BatchChange c : ordered) {
            if (c.stopsChanged()) {
                h.createUpdate(deleteStops).bind("batch_id", c.batch().id()).execute();
                JdbcBatchRepository.insertStops(h, insertStop, c.batch().id(), c.batch().stops());
            }
        }
    }

    private void appendEvents(Handle h, List<DriverEvent> events) {
        if (insertEventsPg != null) {
            for (List<DriverEvent> chunk : Chunks.of(events)) {
                appendEventsPg(h, chunk);
            }
            return;
        }
        for (List<DriverEvent> chunk : Chunks.of(events)) {
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
     * PostgreSQL: one chunk in one statement. The ids it returns are the events inserted; every
     * other event of the chunk (a second event with an id already in the chunk included, as the
     * one-row inserts would have found it) had its id taken.
     */
    private void appendEventsPg(Handle h, List<DriverEvent> chunk) {
        int n = chunk.size();
        Map<String, Object[]> columns = new HashMap<>();
        for (String name : insertEventsPgNames) {
            columns.put(name, new Object[n]);
        }
        for (int i = 0; i < n; i++) {
            DriverEvent e = chunk.get(i);
            columns.get("event_id")[i] = e.eventId();
            columns.get("batch_id")[i] = e.batchId();
            columns.get("workspace_id")[i] = e.workspaceId();
            columns.get("driver_id")[i] = e.driverId();
            columns.get("actor_id")[i] = e.actorId();
            columns.get("session_id")[i] = e.sessionId();
            columns.get("event_type")[i] = e.type().name();
            columns.get("previous_status")[i] = e.previousStatus().name();
            columns.get("driver_status")[i] = e.status().name();
            columns.get("batch_version")[i] = e.batchVersion();
            columns.get("recorded_at")[i] = micros(e.recordedAt());
            columns.get("synced_at")[i] = micros(e.syncedAt());
            columns.get("lat")[i] = e.lat();
            columns.get("lng")[i] = e.lng();
            columns.get("accuracy_m")[i] = e.accuracyMeters();
            columns.get("stop_index")[i] = e.stopIndex();
            columns.get("payload")[i] = e.payload() == null ? null : Json.write(e.payload());
            columns.get("reason")[i] = e.reason();
            columns.get("content_hash")[i] = e.contentHash();
            columns.get("flagged_for_review")[i] = e.flaggedForReview();
            columns.get("flag_reasons")[i] = e.flagReasons() == null ? null
                    : e.flagReasons().isEmpty() ? "[]" : Json.write(e.flagReasons());
            columns.get("stop_id")[i] = e.stopId();
        }
        Map<String, Integer> inserted = new HashMap<>();
        Connection c = h.getConnection();
        try (PreparedStatement ps = c.prepareStatement(insertEventsPg)) {
            for (int p = 0; p < insertEventsPgNames.size(); p++) {
                String name = insertEventsPgNames.get(p);
                ps.setArray(p + 1, c.createArrayOf(PG_ARRAY_TYPES.getOrDefault(name, "text"), columns.get(name)));
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    inserted.merge(rs.getString(1), 1, Integer::sum);
                }
            }
        } catch (SQLException e) {
            throw new UnableToExecuteStatementException("insert of " + n + " events failed: " + e.getMessage(), e, null);
        }
        List<DriverEvent> taken = new ArrayList<>();
        for (DriverEvent e : chunk) {
            Integer left = inserted.get(e.eventId());
            if (left == null || left == 0) {
                taken.add(e);
            } else {
                inserted.put(e.eventId(), left - 1);
            }
        }
        if (!taken.isEmpty()) {
            throw takenBy(h, taken);
        }
    }

    /**
     * {@return the instant in microseconds since the epoch, rounded half up as pgjdbc rounds an
     * instant it binds} (PostgreSQL keeps microseconds), so that the one-statement insert stores
     * exactly what a one-row insert would
     */
    private static Long micros(Instant t) {
        return t == null ? null : Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L),
                (t.getNano() + 500L) / 1000);
    }

    /** The array element type of each non-text column of {@code insert_events.postgres.sql}. */
    private static final Map<String, String> PG_ARRAY_TYPES = Map.of("batch_version", "int8", "recorded_at", "int8",
            "synced_at", "int8", "lat", "float8", "lng", "float8", "accuracy_m", "float8", "stop_index", "int4",
            "flagged_for_review", "bool");

    /**
     * The error for event ids the insert found taken: a {@link Tx.Undo} (the caller re-reads and
     * decides again) when the acting principal can see every row holding them, else
     * {@code EVENT_ID_CONFLICT} naming the ids it cannot see. Row-level security hides another
     * driver's event, so re-reading would never find it and the caller would retry forever;
     * the insert's arbiter index saw it regardless, and that is all this reports (the row stays
     * unread). Within the transaction, so READ COMMITTED shows rows committed meanwhile.
     */
    private RuntimeException takenBy(Handle h, List<DriverEvent> taken) {
        Set<String> visible = new HashSet<>();
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
        Set<List<Object>> found = new HashSet<>();
        // Every event of one commit has the same sender (one call's principal).
        h.createQuery(findInsertedEvents).bind("actor_id", chunk.get(0).actorId())
                .bindList("workspaces", chunk.stream().map(DriverEvent::workspaceId).distinct().toList())
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
                        .mapTo(DriverEvent.class).list();
            }
            if (afterEventId == null) {
                return h.createQuery(findEventsAfterInstant).bind("batch_id", batchId)
                        .bind("after_recorded", afterRecorded).bind("limit", limit)
                        .mapTo(DriverEvent.class).list();
            }
            return h.createQuery(findEventsAfter).bind("batch_id", batchId)
                    .bind("after_recorded", afterRecorded)
                    .bind("after_event_id", afterEventId)
                    .bind("limit", limit)
                    .mapTo(DriverEvent.class).list();
        });
    }

    @Override
    public List<DriverEvent> findLog(String batchId) {
        return tx.read(h -> h.createQuery(findLog).bind("batch_id", batchId).mapTo(DriverEvent.class).list());
    }
}
