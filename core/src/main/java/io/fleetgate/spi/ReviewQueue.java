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
     * {@return the item if it belongs to the workspace and is flagged or quarantined, reviewed or not}
     *
     * @param workspaceId the workspace
     * @param itemId      an event id or quarantine record id
     */
    Optional<ReviewItem> findReviewItem(String workspaceId, String itemId);

    /**
     * Appends a review record.
     *
     * @param review the record
     * @return false if the item already has one (nothing written)
     */
    boolean insertReview(ReviewRecord review);
}
