package io.fleetgate.supervisor;


import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One committed change of a workspace, as the change feed lists it. Recorded by the store as the
 * source row is written (by database triggers on PostgreSQL and SQLite, under the store's lock in
 * memory), so no code path can forget one. Immutable.
 *
 * @param seq         its position in the feed: increasing in commit order within a workspace;
 *                    gaps between the numbers are normal (other workspaces share the sequence)
 * @param workspaceId the workspace
 * @param kind        what changed
 * @param entityId    the id of the row that changed (event, batch, quarantine record, alert, review)
 * @param driverId    the driver it concerns (for a quarantined event, its sender), or {@code null}
 *                    (a batch not assigned yet, a review record)
 * @param batchId     the batch it concerns, or {@code null} when unknown
 * @param at          when it happened, from the source row (an event's {@code recorded_at}, a
 *                    batch's {@code updated_at}, a quarantine record's {@code received_at}, an
 *                    alert's {@code created_at}, a review's {@code reviewed_at}); never the
 *                    database's clock
 * @param summary     a few text fields for people and consoles (e.g. {@code event_type},
 *                    {@code status}, {@code outcome}); see {@code docs/changes.md}
 */
public record Change(long seq, String workspaceId, ChangeKind kind, String entityId, String driverId, String batchId,
                     Instant at, Map<String, String> summary) {
    /**
     * Checks and normalises the components.
     *
     * @param seq         its position in the feed
     * @param workspaceId the workspace
     * @param kind        what changed
     * @param entityId    the id of the row that changed
     * @param driverId    the driver it concerns, or {@code null}
     * @param batchId     the batch it concerns, or {@code null}
     * @param at          when it happened, from the source row
     * @param summary     a few text fields
     */
    public Change {
        if (seq < 1) {
            throw new IllegalArgumentException("seq must be 1 or more, got " + seq);
        }
        Objects.requireNonNull(workspaceId, "workspaceId");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(entityId, "entityId");
        Objects.requireNonNull(at, "at");
        summary = Map.copyOf(summary);
    }
}
