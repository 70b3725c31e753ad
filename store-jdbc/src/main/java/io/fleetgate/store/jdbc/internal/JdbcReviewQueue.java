package io.fleetgate.store.jdbc.internal;

import io.fleetgate.execution.DriverEvent;
import io.fleetgate.execution.QuarantinedEvent;
import io.fleetgate.execution.ReviewItem;
import io.fleetgate.execution.ReviewRecord;
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
 * {@link ReviewQueue} on a JDBC database: the workspace's flagged events ({@code driver_events})
 * and quarantined events ({@code quarantined_events}) that have no review record yet, and the
 * append-only review records ({@code event_reviews}). Rows map through the store's registered row
 * mappers ({@link Rows}), the same as the event log's. Every method runs outside a transaction.
 * Thread-safe.
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
     * events and its quarantined events, each without a row in {@code event_reviews} (an
     * anti-join on its unique index), each branch walking its own {@code (workspace_id, arrival,
     * id)} index past the cursor and stopping at {@code limit} rows before the merge. The full
     * rows of the page are then read by id with the same row mappers as
     * {@link JdbcEventLog#findLog} and {@link #findQuarantined}: both tables are append-only, so
     * a key found is a row that is still there, unchanged. Ids compare by code point on both
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
            Map<String, DriverEvent> events = rowsById(h, findQueueEvents, workspaceId,
                    keys.stream().filter(k -> !k.quarantined()).map(QueueKey::id).toList(), DriverEvent.class,
                    DriverEvent::eventId);
            Map<String, QuarantinedEvent> refused = rowsById(h, findQueueQuarantined, null,
                    keys.stream().filter(QueueKey::quarantined).map(QueueKey::id).toList(), QuarantinedEvent.class,
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
     * <p>A flagged event is looked for first, then a quarantine record, as the in-memory store does.
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
            return h.createQuery(findQuarantinedItem)
                    .bind("workspace_id", workspaceId).bind("item_id", itemId).mapTo(QuarantinedEvent.class).findOne()
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
                .bind("reviewed_at", review.reviewedAt())
                .execute()) == 1;
    }
}
