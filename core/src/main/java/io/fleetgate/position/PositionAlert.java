package io.fleetgate.position;

import java.time.Instant;
import java.util.Objects;

/**
 * A review item the position stream raised: an excursion off the corridor, an implausible jump,
 * or a silence. It covers the recorded times from {@code firstAt} to {@code lastAt}; a later fix
 * within {@code EXCURSION_GAP_S} of it widens it instead of raising another, and one that bridges
 * two alerts merges them (the later one then names the survivor in {@code mergedInto} and leaves
 * the queue), so the alerts are the same however a phone split its uploads. Immutable.
 *
 * @param id          its id (random; the review queue's item id)
 * @param workspaceId the workspace
 * @param driverId    the driver
 * @param batchId     the batch the fixes were sent for (the one on route, for QUIET)
 * @param kind        what it is about
 * @param firstAt     the earliest recorded time it covers (for QUIET: when the driver was last heard)
 * @param lastAt      the latest
 * @param count       the fixes and events it covers (for QUIET: 1)
 * @param detail      a line for people (distances, speeds), no client text
 * @param createdAt   when it was raised
 * @param mergedInto  the alert it was merged into, or {@code null}
 */
public record PositionAlert(String id, String workspaceId, String driverId, String batchId, AlertKind kind,
                            Instant firstAt, Instant lastAt, int count, String detail, Instant createdAt,
                            String mergedInto) {
    /**
     * Checks the components.
     *
     * @param id          its id
     * @param workspaceId the workspace
     * @param driverId    the driver
     * @param batchId     the batch
     * @param kind        what it is about
     * @param firstAt     the earliest recorded time it covers
     * @param lastAt      the latest
     * @param count       the fixes and events it covers
     * @param detail      a line for people
     * @param createdAt   when it was raised
     * @param mergedInto  the survivor it was merged into, or {@code null}
     */
    public PositionAlert {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(workspaceId, "workspaceId");
        Objects.requireNonNull(driverId, "driverId");
        Objects.requireNonNull(batchId, "batchId");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(firstAt, "firstAt");
        Objects.requireNonNull(lastAt, "lastAt");
        Objects.requireNonNull(detail, "detail");
        Objects.requireNonNull(createdAt, "createdAt");
        if (lastAt.isBefore(firstAt)) {
            throw new IllegalArgumentException("lastAt before firstAt");
        }
    }
}
