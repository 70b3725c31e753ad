package io.fleetgate.execution;

import java.time.Instant;

/**
 * An open item of a workspace's review queue: an accepted event flagged for review, or a refused
 * event kept in the quarantine. Exactly one of {@code event} and {@code quarantined} is set.
 * Immutable.
 *
 * @param id          the item's id: the event id, or the quarantine record's id
 * @param workspaceId the workspace
 * @param at          when it reached the server (the queue's order)
 * @param event       the flagged event, or {@code null}
 * @param quarantined the refused event, or {@code null}
 */
public record ReviewItem(String id, String workspaceId, Instant at, DriverEvent event, QuarantinedEvent quarantined) {
    /**
     * Checks and normalises the components.
     *
     * @param id the item's id: the event id, or the quarantine record's id
     * @param workspaceId the workspace
     * @param at when it reached the server (the queue's order)
     * @param event the flagged event, or {@code null}
     * @param quarantined the refused event, or {@code null}
     */
    public ReviewItem {
        if ((event == null) == (quarantined == null)) {
            throw new IllegalArgumentException("exactly one of event and quarantined must be set");
        }
    }

    /** {@return whether this is a refused event} */
    public boolean isQuarantined() {
        return quarantined != null;
    }
}
