package io.fleetgate.execution;

import io.fleetgate.position.PositionAlert;

import java.time.Instant;

/**
 * An open item of a workspace's review queue: an accepted event flagged for review, a refused
 * event kept in the quarantine, or an alert the position stream raised. Exactly one of {@code
 * event}, {@code quarantined} and {@code alert} is set. Immutable.
 *
 * @param id          the item's id: the event id (unique per sender only: see {@link #senderId()}),
 *                    the quarantine record's id, or the alert's id
 * @param workspaceId the workspace
 * @param at          when it reached the server (the queue's order)
 * @param event       the flagged event, or {@code null}
 * @param quarantined the refused event, or {@code null}
 * @param alert       the position alert, or {@code null}
 */
public record ReviewItem(String id, String workspaceId, Instant at, DriverEvent event, QuarantinedEvent quarantined,
                         PositionAlert alert) {
    /**
     * Checks and normalises the components.
     *
     * @param id the item's id: the event id, or the quarantine record's id
     * @param workspaceId the workspace
     * @param at when it reached the server (the queue's order)
     * @param event the flagged event, or {@code null}
     * @param quarantined the refused event, or {@code null}
     * @param alert the position alert, or {@code null}
     */
    public ReviewItem {
        if ((event != null ? 1 : 0) + (quarantined != null ? 1 : 0) + (alert != null ? 1 : 0) != 1) {
            throw new IllegalArgumentException("exactly one of event, quarantined and alert must be set");
        }
    }

    /**
     * An item for a flagged or a refused event.
     *
     * @param id the item's id
     * @param workspaceId the workspace
     * @param at when it reached the server
     * @param event the flagged event, or {@code null}
     * @param quarantined the refused event, or {@code null}
     */
    public ReviewItem(String id, String workspaceId, Instant at, DriverEvent event, QuarantinedEvent quarantined) {
        this(id, workspaceId, at, event, quarantined, null);
    }

    /** {@return whether this is a refused event} */
    public boolean isQuarantined() {
        return quarantined != null;
    }

    /** {@return what the item is} */
    public Kind kind() {
        return event != null ? Kind.EVENT : quarantined != null ? Kind.QUARANTINED : Kind.ALERT;
    }

    /**
     * {@return who sent a flagged event ({@link DriverEvent#actorId()}), or {@code null} for the
     * other kinds}: event ids are unique only per sender, so a flagged event is named by both
     */
    public String senderId() {
        return event == null ? null : event.actorId();
    }

    /** What a review item is. */
    public enum Kind {
        /** An accepted event flagged for review. */
        EVENT,
        /** A refused event kept in the quarantine. */
        QUARANTINED,
        /** An alert of the position stream. */
        ALERT
    }
}
