package io.fleetgate.position;

import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * A fix as stored: whose it is, the batch it was sent for, and its marks. Immutable.
 *
 * @param driverId    the driver whose phone sent it
 * @param workspaceId the workspace of its batch
 * @param batchId     the batch it was sent for
 * @param fix         the fix
 * @param marks       why it is implausible (empty when plausible)
 * @param receivedAt  when the server took it
 */
public record RecordedFix(String driverId, String workspaceId, String batchId, Fix fix, Set<FixMark> marks,
                          Instant receivedAt) {
    /**
     * Checks the components.
     *
     * @param driverId    the driver
     * @param workspaceId the workspace
     * @param batchId     the batch
     * @param fix         the fix
     * @param marks       its marks
     * @param receivedAt  when the server took it
     */
    public RecordedFix {
        Objects.requireNonNull(driverId, "driverId");
        Objects.requireNonNull(workspaceId, "workspaceId");
        Objects.requireNonNull(batchId, "batchId");
        Objects.requireNonNull(fix, "fix");
        marks = marks.isEmpty() ? Set.of() : Set.copyOf(marks); // most fixes have none: no copy
        Objects.requireNonNull(receivedAt, "receivedAt");
    }

    /** {@return whether it has no mark: it counts for confirmation, excursions and jumps} */
    public boolean plausible() {
        return marks.isEmpty();
    }

    /** {@return when it was recorded} */
    public Instant recordedAt() {
        return fix.recordedAt();
    }
}
