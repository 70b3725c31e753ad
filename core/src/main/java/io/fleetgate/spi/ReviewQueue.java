package io.fleetgate.spi;

import io.fleetgate.execution.QuarantinedEvent;
import io.fleetgate.execution.ReviewItem;
import io.fleetgate.execution.ReviewRecord;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The supervisors' review queue: flagged events and quarantined (refused) events, and the
 * append-only review records that close them. Methods never read a clock. Implementations are
 * thread-safe.
 */
public interface ReviewQueue {

    /**
     * {@return the refused events that named it, oldest first}
     *
     * @param batchId a batch
     */
    List<QuarantinedEvent> findQuarantined(String batchId);

    /**
     * The workspace's open review items: flagged events and quarantined events without a review
     * record, ordered by arrival ({@code synced_at} / {@code received_at}), then id.
     *
     * @param workspaceId the workspace
     * @param afterAt     the cursor's instant, or {@code null} for the first page
     * @param afterId     the cursor's id (ties), or {@code null}
     * @param limit       the most to return
     * @return the items
     */
    List<ReviewItem> findReviewQueue(String workspaceId, Instant afterAt, String afterId, int limit);

    /**
     * {@return every item of the workspace with that id, reviewed or not: its flagged events of
     * that id (one per sender that used it, by {@code synced_at} then sender id), then a
     * quarantine record and an alert not merged into another with that id}
     *
     * @param workspaceId the workspace
     * @param itemId      an event id, a quarantine record id or an alert id
     */
    List<ReviewItem> findReviewItems(String workspaceId, String itemId);

    /**
     * {@return the first of {@link #findReviewItems}, if any}
     *
     * @param workspaceId the workspace
     * @param itemId      an event id, a quarantine record id or an alert id
     */
    default Optional<ReviewItem> findReviewItem(String workspaceId, String itemId) {
        return findReviewItems(workspaceId, itemId).stream().findFirst();
    }

    /**
     * Appends a review record. An item is its kind, id and (for a flagged event) sender: a review
     * of one driver's event never closes another driver's event of the same id.
     *
     * @param review the record
     * @return false if the item already has one (nothing written)
     */
    boolean insertReview(ReviewRecord review);
}
