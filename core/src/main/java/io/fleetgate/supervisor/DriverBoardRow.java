package io.fleetgate.supervisor;

import io.fleetgate.execution.DriverStatus;

import java.time.Duration;
import java.time.Instant;

/**
 * One driver on a workspace's status board. Immutable.
 *
 * @param driverId     the driver
 * @param batchId      their current batch (the one on route, else the most recently changed), or {@code null}
 * @param status       that batch's status, or {@code null}
 * @param lastActiveAt the last activity of their current device session, or {@code null}
 * @param nextStopId   the batch's first stop, in sequence, without an outcome, or {@code null}
 * @param stopsDone    its COMPLETED stops
 * @param stopsFailed  its FAILED stops
 * @param stopsLate    its stops whose window has passed without an outcome
 * @param lateness     the batch's lateness ({@link io.fleetgate.execution.Batch#lateness}); zero
 *                     when on time or without a batch
 */
public record DriverBoardRow(String driverId, String batchId, DriverStatus status, Instant lastActiveAt,
                             String nextStopId, int stopsDone, int stopsFailed, int stopsLate, Duration lateness) {
    /**
     * Checks the components.
     *
     * @param driverId the driver
     * @param batchId their current batch, or {@code null}
     * @param status that batch's status, or {@code null}
     * @param lastActiveAt their last activity, or {@code null}
     * @param nextStopId the next stop, or {@code null}
     * @param stopsDone COMPLETED stops
     * @param stopsFailed FAILED stops
     * @param stopsLate late stops
     * @param lateness the batch's lateness
     */
    public DriverBoardRow {
        java.util.Objects.requireNonNull(lateness, "lateness");
    }

    /**
     * A row without stop figures (no current batch).
     *
     * @param driverId     the driver
     * @param batchId      their current batch, or {@code null}
     * @param status       that batch's status, or {@code null}
     * @param lastActiveAt their last activity, or {@code null}
     */
    public DriverBoardRow(String driverId, String batchId, DriverStatus status, Instant lastActiveAt) {
        this(driverId, batchId, status, lastActiveAt, null, 0, 0, 0, Duration.ZERO);
    }
}
