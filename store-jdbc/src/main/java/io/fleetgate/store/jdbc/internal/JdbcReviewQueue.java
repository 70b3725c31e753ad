package io.fleetgate.store.jdbc.internal;

import io.fleetgate.execution.DriverEvent;
import io.fleetgate.execution.QuarantinedEvent;
import io.fleetgate.execution.ReviewItem;
import io.fleetgate.execution.ReviewRecord;
import io.fleetgate.position.PositionAlert;
import io.fleetgate.spi.ReviewQueue;
import io.fleetgate.store.jdbc.internal.Rows.ItemKind;
import io.fleetgate.store.jdbc.internal.Rows.QueueKey;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * {@link ReviewQueue} on a JDBC database: the workspace's flagged events ({@code driver_events}),
 * quarantined events ({@code quarantined_events}) and position alerts not merged into another
 * ({@code position_alerts}, V12) that have no review record yet, and the append-only review
 * records ({@code event_reviews}). Rows map through the store's registered row mappers
 * ({@link Rows}), the same as the event log's and the position log's. Every method runs outside a
 * transaction. Thread-safe.
 */
public final class JdbcReviewQueue implements ReviewQueue {
    private final Tx tx;
    private final String findQuarantined;
    private final String findQueueFirst;
    private final String findQueueAfter;
    private final String findQueueEvents;
    private final String findQueueQuarantined;
    private final String findFlaggedEvent;
    private final String findQuarantinedItem;
    private final String findQueueAlerts;
    private final String findAlertItem;
    private final String insertReview;

    /**
     * Creates the queue on the store's runner.
     *
     * @param tx the database
     */
    public JdbcReviewQueue(Tx tx) {
        this.tx = tx;
        SqlDialect d = tx.dialect();
        this.findQuarantined = SqlFiles.statement(d, "execution/find_quarantined");
        this.findQueueFirst = SqlFiles.statement(d, "reviews/find_queue_first");
        this.findQueueAfter = SqlFiles.statement(d, "reviews/find_queue_after");
        this.findQueueEvents = SqlFiles.statement(d, "reviews/find_events");
        this.findQueueQuarantined = SqlFiles.statement(d, "reviews/find_quarantined");
        this.findFlaggedEvent = SqlFiles.statement(d, "reviews/find_flagged_event");
        this.findQuarantinedItem = SqlFiles.statement(d, "reviews/find_quarantined_item");
        this.findQueueAlerts = SqlFiles.statement(d, "reviews/find_alerts");
        this.findAlertItem = SqlFiles.statement(d, "reviews/find_alert_item");
        this.insertReview = SqlFiles.statement(d, "reviews/insert");
    }

    @Override
    public List<QuarantinedEvent> findQuarantined(String batchId) {
        return tx.read(h -> h.createQuery(findQuarantined).bind("batch_id", batchId)
                .mapTo(QuarantinedEvent.class).list());
    }

    /**
     * {@inheritDoc}
     *
     * <p>One statement finds the page's keys: a {@code UNION ALL} of the workspace's flagged
     * events, its quarantined events and its alerts not merged into another (ordered by when they
     * were raised), each without a row in {@code event_reviews} (an anti-join on its unique
     * index), each branch walking its own {@code (workspace_id, arrival, id)} index past the
     * cursor and stopping at {@code limit} rows before the merge. The full rows of the page are
     * then read by id with the same row mappers as {@link JdbcEventLog#findLog},
     * {@link #findQuarantined} and the position log: the event tables are append-only, so a key
     * found is a row that is still there, unchanged; an alert is never deleted (it may have grown
     * or been merged meanwhile, and is then read as it is now). Ids compare by code point on both
     * databases. An {@code afterAt} without {@code afterId} pages from items that arrived strictly
     * later.
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
                    : h.createQuery(findQueueAfter).bind("after_at", afterAt).bind("after_id", afterId);
            List<QueueKey> keys = page.bind("workspace_id", workspaceId).bind("limit", limit)
                    .mapTo(QueueKey.class).list();
            Map<String, DriverEvent> events = rowsById(h, findQueueEvents, workspaceId, ids(keys, ItemKind.EVENT),
                    DriverEvent.class, DriverEvent::eventId);
            Map<String, QuarantinedEvent> refused = rowsById(h, findQueueQuarantined, null,
                    ids(keys, ItemKind.QUARANTINED), QuarantinedEvent.class, QuarantinedEvent::id);
            Map<String, PositionAlert> alerts = rowsById(h, findQueueAlerts, workspaceId, ids(keys, ItemKind.ALERT),
                    PositionAlert.class, PositionAlert::id);
            List<ReviewItem> out = new ArrayList<>(keys.size());
            for (QueueKey k : keys) {
                DriverEvent e = k.kind() == ItemKind.EVENT ? events.get(k.id()) : null;
                QuarantinedEvent q = k.kind() == ItemKind.QUARANTINED ? refused.get(k.id()) : null;
                PositionAlert a = k.kind() == ItemKind.ALERT ? alerts.get(k.id()) : null;
                if (e == null && q == null && a == null) {
                    throw new IllegalStateException("review item " + k.id() + " was listed but its row is gone; "
                            + "driver_events and quarantined_events are append-only, position alerts are never deleted");
                }
                out.add(new ReviewItem(k.id(), workspaceId, k.at(), e, q, a));
            }
            return out;
        });
    }

    private static List<String> ids(List<QueueKey> keys, ItemKind kind) {
        return keys.stream().filter(k -> k.kind() == kind).map(QueueKey::id).toList();
    }

    private static <T> Map<String, T> rowsById(Handle h, String sql, String workspaceId, List<String> ids,
                                               Class<T> type, Function<T, String> idOf) {
        Map<String, T> out = new HashMap<>();
        for (List<String> chunk : Chunks.of(ids)) {
            Query q = h.createQuery(sql).bindList("ids", chunk);
            if (workspaceId != null) {
                q.bind("workspace_id", workspaceId);
            }
            // putIfAbsent: two senders' flagged events with one id are one item (the first read)
            q.mapTo(type).forEach(row -> out.putIfAbsent(idOf.apply(row), row));
        }
        return out;
    }

    /**
     * {@inheritDoc}
     *
     * <p>A flagged event is looked for first, then a quarantine record, then an alert not merged
     * into another, as the in-memory store does.
     */
    @Override
    public Optional<ReviewItem> findReviewItem(String workspaceId, String itemId) {
        return tx.read(h -> {
            Optional<DriverEvent> flagged = h.createQuery(findFlaggedEvent)
                    .bind("workspace_id", workspaceId).bind("item_id", itemId).mapTo(DriverEvent.class).findOne();
            if (flagged.isPresent()) {
                DriverEvent e = flagged.get();
                return Optional.of(new ReviewItem(e.eventId(), workspaceId, e.syncedAt(), e, null));
            }
            Optional<QuarantinedEvent> refused = h.createQuery(findQuarantinedItem)
                    .bind("workspace_id", workspaceId).bind("item_id", itemId).mapTo(QuarantinedEvent.class).findOne();
            if (refused.isPresent()) {
                QuarantinedEvent q = refused.get();
                return Optional.of(new ReviewItem(q.id(), workspaceId, q.receivedAt(), null, q));
            }
            return h.createQuery(findAlertItem)
                    .bind("workspace_id", workspaceId).bind("item_id", itemId).mapTo(PositionAlert.class).findOne()
                    .map(a -> new ReviewItem(a.id(), workspaceId, a.createdAt(), null, null, a));
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
                .bind("reviewed_at", review.reviewedAt())
                .execute()) == 1;
    }
}
