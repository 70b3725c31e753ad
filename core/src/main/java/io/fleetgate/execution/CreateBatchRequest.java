package io.fleetgate.execution;

import io.fleetgate.geo.Corridor;

import java.util.List;
import java.util.Map;

/**
 * A new delivery batch. Validated by the service.
 *
 * @param id          the host's id for it
 * @param workspaceId its workspace (must exist)
 * @param driverId    the driver to assign, or {@code null}
 * @param stops       its ordered stops, at least one
 * @param metadata    initial execution metadata (JSON-like values), or {@code null} for none
 * @param corridor    the planned route and its width, or {@code null} for none
 */
public record CreateBatchRequest(String id, String workspaceId, String driverId, List<Stop> stops,
                                 Map<String, Object> metadata, Corridor corridor) {
    /**
     * A batch without a planned route.
     *
     * @param id          the host's id for it
     * @param workspaceId its workspace (must exist)
     * @param driverId    the driver to assign, or {@code null}
     * @param stops       its ordered stops, at least one
     * @param metadata    initial execution metadata, or {@code null}
     */
    public CreateBatchRequest(String id, String workspaceId, String driverId, List<Stop> stops,
                              Map<String, Object> metadata) {
        this(id, workspaceId, driverId, stops, metadata, null);
    }
}
