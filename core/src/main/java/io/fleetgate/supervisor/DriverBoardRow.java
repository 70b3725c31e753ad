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
 * @param quiet        whether they are on route and their phone has sent no fix and no event for
 *                     {@code QUIET_AFTER_MIN}
 * @param lastFixAt    the latest {@code recorded_at} of their plausible fixes, or {@code null}
 * @param lastFixAge   how old that fix is at the board's instant, or {@code null} without one
 */
public record DriverBoardRow(String driverId, String batchId, DriverStatus status, Instant lastActiveAt,
                             String nextStopId, int stopsDone, int stopsFailed, int stopsLate, Duration lateness,
                             boolean quiet, Instant lastFixAt, Duration lastFixAge) {
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
     * @param quiet whether they are quiet
     * @param lastFixAt their latest fix, or {@code null}
     * @param lastFixAge its age, or {@code null}
     */
    public DriverBoardRow {
        java.util.Objects.requireNonNull(lateness, "lateness");
    }

    /**
     * A row whose fix age is worked out at {@code now}.
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
     * @param quiet whether they are quiet
     * @param lastFixAt their latest fix, or {@code null}
     * @param now the board's instant
     */
    public DriverBoardRow(String driverId, String batchId, DriverStatus status, Instant lastActiveAt,
                          String nextStopId, int stopsDone, int stopsFailed, int stopsLate, Duration lateness,
                          boolean quiet, Instant lastFixAt, Instant now) {
        this(driverId, batchId, status, lastActiveAt, nextStopId, stopsDone, stopsFailed, stopsLate, lateness, quiet,
                lastFixAt, lastFixAt == null ? null : Duration.between(lastFixAt, now));
    }

    /**
     * A row without fixes, not quiet.
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
    public DriverBoardRow(String driverId, String batchId, DriverStatus status, Instant lastActiveAt,
                          String nextStopId, int stopsDone, int stopsFailed, int stopsLate, Duration lateness) {
        this(driverId, batchId, status, lastActiveAt, nextStopId, stopsDone, stopsFailed, stopsLate, lateness, false,
                null, (Duration) null);
    }

    /**
     * A row without stop figures (no current batch) nor fixes.
     *
     * @param driverId     the driver
     * @param batchId      their current batch, or {@code null}
     * @param status       that batch's status, or {@code null}
     * @param lastActiveAt their last activity, or {@code null}
     */
    public DriverBoardRow(String driverId, String batchId, DriverStatus status, Instant lastActiveAt) {
        this(driverId, batchId, status, lastActiveAt, null, 0, 0, 0, Duration.ZERO, false, null, (Duration) null);
    }
}
