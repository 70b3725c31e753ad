package io.fleetgate.supervisor;

import io.fleetgate.execution.DriverStatus;

import java.time.Instant;

/**
 * One driver on a workspace's status board. Immutable.
 *
 * @param driverId     the driver
 * @param batchId      their current batch (the one on route, else the most recently changed), or {@code null}
 * @param status       that batch's status, or {@code null}
 * @param lastActiveAt the last activity of their current device session, or {@code null}
 */
public record DriverBoardRow(String driverId, String batchId, DriverStatus status, Instant lastActiveAt) {
}
