package io.fleetgate.store.jdbc.internal;

import io.fleetgate.execution.DriverEvent;
import io.fleetgate.execution.QuarantinedEvent;
import io.fleetgate.execution.ReviewItem;
import io.fleetgate.execution.ReviewRecord;
import io.fleetgate.position.PositionAlert;
import io.fleetgate.spi.ReviewQueue;
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
     * <p>One statement finds the page's keys: a range scan of {@code open_review_items} (V18: the
     * workspace's flagged events, quarantined events and alerts not merged into another that have
     * no review record, kept by triggers) on its {@code (workspace_id, arrival_at, item_id, …)}
     * index past the cursor, stopped at {@code limit} rows, so a page costs what it returns however
     * many items were reviewed before it; each row is still probed against {@code event_reviews}
     * (its unique index), so an item whose review committed beside its insert is never listed.
     * The full rows of the page are
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
            // flagged events by sender and id: two senders may have used one id, each its own item
            Map<String, DriverEvent> events = rowsById(h, findQueueEvents, workspaceId, ids(keys, ReviewItem.Kind.EVENT),
                    DriverEvent.class, e -> senderKey(e.actorId(), e.eventId()));
            Map<String, QuarantinedEvent> refused = rowsById(h, findQueueQuarantined, null,
                    ids(keys, ReviewItem.Kind.QUARANTINED), QuarantinedEvent.class, QuarantinedEvent::id);
            Map<String, PositionAlert> alerts = rowsById(h, findQueueAlerts, workspaceId,
                    ids(keys, ReviewItem.Kind.ALERT), PositionAlert.class, PositionAlert::id);
            List<ReviewItem> out = new ArrayList<>(keys.size());
            for (QueueKey k : keys) {
                DriverEvent e = k.kind() == ReviewItem.Kind.EVENT ? events.get(senderKey(k.senderId(), k.id())) : null;
                QuarantinedEvent q = k.kind() == ReviewItem.Kind.QUARANTINED ? refused.get(k.id()) : null;
                PositionAlert a = k.kind() == ReviewItem.Kind.ALERT ? alerts.get(k.id()) : null;
                if (e == null && q == null && a == null) {
                    throw new IllegalStateException("review item " + k.id() + " was listed but its row is gone; "
                            + "driver_events and quarantined_events are append-only, position alerts are never deleted");
                }
                out.add(new ReviewItem(k.id(), workspaceId, k.at(), e, q, a));
            }
            return out;
        });
    }

    private static List<String> ids(List<QueueKey> keys, ReviewItem.Kind kind) {
        return keys.stream().filter(k -> k.kind() == kind).map(QueueKey::id).distinct().toList();
    }

    private static String senderKey(String senderId, String eventId) {
        return senderId + '\u0000' + eventId;
    }

    private static <T> Map<String, T> rowsById(Handle h, String sql, String workspaceId, List<String> ids,
                                               Class<T> type, Function<T, String> idOf) {
        Map<String, T> out = new HashMap<>();
        for (List<String> chunk : Chunks.of(ids)) {
            Query q = h.createQuery(sql).bindList("ids", chunk);
            if (workspaceId != null) {
                q.bind("workspace_id", workspaceId);
            }
            q.mapTo(type).forEach(row -> out.put(idOf.apply(row), row));
        }
        return out;
    }

    /**
     * {@inheritDoc}
     *
     * <p>The flagged events of that id first (one per sender), then a quarantine record, then an
     * alert not merged into another, as the in-memory store lists them.
     */
    @Override
    public List<ReviewItem> findReviewItems(String workspaceId, String itemId) {
        return tx.read(h -> {
            List<ReviewItem> out = new ArrayList<>();
            for (DriverEvent e : h.createQuery(findFlaggedEvent).bind("workspace_id", workspaceId)
                    .bind("item_id", itemId).mapTo(DriverEvent.class).list()) {
                out.add(new ReviewItem(e.eventId(), workspaceId, e.syncedAt(), e, null));
            }
            h.createQuery(findQuarantinedItem).bind("workspace_id", workspaceId).bind("item_id", itemId)
                    .mapTo(QuarantinedEvent.class).findOne()
                    .ifPresent(q -> out.add(new ReviewItem(q.id(), workspaceId, q.receivedAt(), null, q)));
            h.createQuery(findAlertItem).bind("workspace_id", workspaceId).bind("item_id", itemId)
                    .mapTo(PositionAlert.class).findOne()
                    .ifPresent(a -> out.add(new ReviewItem(a.id(), workspaceId, a.createdAt(), null, null, a)));
            return out;
        });
    }

    /**
     * {@inheritDoc}
     *
     * <p>{@code INSERT … ON CONFLICT (workspace_id, item_kind, item_sender_id, item_id) DO
     * NOTHING} (V13; the sender is {@code ""} for items other than flagged events): of two supervisors
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
                .bind("item_kind", review.itemKind())
                .bind("item_sender_id", review.itemSenderId() == null ? "" : review.itemSenderId())
                .bind("reviewer_id", review.reviewerId())
                .bind("note", review.note())
                .bind("reviewed_at", review.reviewedAt())
                .execute()) == 1;
    }
}
