package io.fleetgate.execution;

import java.time.Instant;

/**
 * A supervisor's review of a queue item: an append-only record; the item itself never changes.
 * Immutable.
 *
 * @param id          library-made UUID
 * @param workspaceId the workspace
 * @param itemId      the reviewed item ({@link ReviewItem#id()})
 * @param quarantined whether the item is a quarantined event
 * @param reviewerId  the supervisor
 * @param note        what they concluded
 * @param reviewedAt  when
 */
public record ReviewRecord(String id, String workspaceId, String itemId, boolean quarantined, String reviewerId,
                           String note, Instant reviewedAt) {
}
