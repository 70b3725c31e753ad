package io.fleetgate.supervisor;

/**
 * What a {@link Change} of the change feed is about, by the table whose row changed.
 */
public enum ChangeKind {
    /** A driver event was appended to the log (stop outcomes are events too); entity id: the event id. */
    EVENT,
    /** A batch was created, or its status, stop, version or progress moved; entity id: the batch id. */
    BATCH,
    /** A refused event was kept in the quarantine (a review item); entity id: the quarantine record id. */
    QUARANTINED,
    /** A position alert was raised, or merged into another (review items); entity id: the alert id. */
    ALERT,
    /** A review record was appended (an item reviewed or overridden); entity id: the record id. */
    REVIEW
}
