package io.fleetgate.execution;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A delivery batch (a route) and where its execution stands. Immutable.
 *
 * @param id                the host's id
 * @param workspaceId       the workspace it belongs to
 * @param driverId          the assigned driver, or {@code null} when unassigned
 * @param status            the execution status (the state machine's state)
 * @param currentStopIndex  the stop the driver last arrived at, or {@code null}
 * @param actualStartTime   when the route was started ({@code recorded_at} of ROUTE_STARTED), or {@code null}
 * @param actualEndTime     when it was completed ({@code recorded_at} of ROUTE_COMPLETED), or {@code null}
 * @param metadata          execution metadata: set at creation, merged from events' {@code payload.metadata}
 * @param version           bumped with every change of the row; each accepted event records the
 *                          version it produced, so the log replays in this order
 * @param stops             the ordered stops
 * @param visitedStops      indexes of the stops arrived at since the route (re)started, ascending
 * @param createdAt         when it was created
 * @param updatedAt         when it last changed
 */
public record Batch(
        String id,
        String workspaceId,
        String driverId,
        DriverStatus status,
        Integer currentStopIndex,
        Instant actualStartTime,
        Instant actualEndTime,
        Map<String, Object> metadata,
        long version,
        List<Stop> stops,
        List<Integer> visitedStops,
        Instant createdAt,
        Instant updatedAt) {
    /**
     * Checks and normalises the components.
     *
     * @param id the host's id
     * @param workspaceId the workspace it belongs to
     * @param driverId the assigned driver, or {@code null} when unassigned
     * @param status the execution status (the state machine's state)
     * @param currentStopIndex the stop the driver last arrived at, or {@code null}
     * @param actualStartTime when the route was started ({@code recorded_at} of ROUTE_STARTED), or {@code null}
     * @param actualEndTime when it was completed ({@code recorded_at} of ROUTE_COMPLETED), or {@code null}
     * @param metadata execution metadata: set at creation, merged from events' {@code payload.metadata}
     * @param version bumped with every change of the row; each accepted event records the version it produced, so the log replays in this order
     * @param stops the ordered stops
     * @param visitedStops indexes of the stops arrived at since the route (re)started, ascending
     * @param createdAt when it was created
     * @param updatedAt when it last changed
     */
    public Batch {
        Objects.requireNonNull(status, "status");
        metadata = Map.copyOf(metadata);
        stops = List.copyOf(stops);
        visitedStops = List.copyOf(visitedStops);
    }
}
