package io.fleetgate.position;

import java.time.Instant;
import java.util.Objects;

/**
 * When a driver's phone last spoke. Immutable.
 *
 * @param driverId      the driver
 * @param workspaceId   the workspace of the batch it last spoke about
 * @param lastHeardAt   when the server last took a fix or an event from them
 * @param lastFixAt     the latest {@code recorded_at} of their fixes, or {@code null} for none
 * @param quietAlertId  the open QUIET alert of their current silence, or {@code null}
 */
public record DriverPresence(String driverId, String workspaceId, Instant lastHeardAt, Instant lastFixAt,
                             String quietAlertId) {
    /**
     * Checks the components.
     *
     * @param driverId     the driver
     * @param workspaceId  the workspace
     * @param lastHeardAt  when last heard
     * @param lastFixAt    the latest fix, or {@code null}
     * @param quietAlertId the open QUIET alert, or {@code null}
     */
    public DriverPresence {
        Objects.requireNonNull(driverId, "driverId");
        Objects.requireNonNull(workspaceId, "workspaceId");
        Objects.requireNonNull(lastHeardAt, "lastHeardAt");
    }
}
