package io.fleetgate.access;

import io.fleetgate.Ids;

/**
 * A workspace: a depot or team whose batches, drivers and supervisors belong together. Immutable.
 *
 * @param id                  the host's id
 * @param name                a display name, or {@code null}
 * @param requireSignedEvents whether events for its batches must carry a valid signature
 */
public record Workspace(String id, String name, boolean requireSignedEvents) {
    /**
     * Checks and normalises the components.
     *
     * @param id the host's id
     * @param name a display name, or {@code null}
     * @param requireSignedEvents whether events for its batches must carry a valid signature
     */
    public Workspace {
        Ids.require("workspace_id", id);
    }

    /**
     * A workspace that accepts unsigned events.
     *
     * @param id   the host's id
     * @param name a display name, or {@code null}
     */
    public Workspace(String id, String name) {
        this(id, name, false);
    }
}
