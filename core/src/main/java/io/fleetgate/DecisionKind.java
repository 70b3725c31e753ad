package io.fleetgate;

/**
 * What kind of decision a {@link Decision} reports: one constant per service call that decides
 * something a host or a device asked for. A closed set, so a metric tagged with it has a bounded
 * number of series. Constants may be added; none is renamed.
 *
 * <p>Not decisions: reads (a batch, the board, the queue, a log) and the system's maintenance
 * calls ({@code expireDue}, the position sweep and purge), whose changes the other listener
 * methods still tell.
 */
public enum DecisionKind {
    /** {@code exclusive().activate}. */
    ACTIVATION,
    /** {@code exclusive().complete}. */
    COMPLETION,
    /** {@code exclusive().cancel}. */
    CANCEL,
    /** {@code execution().createBatch}. */
    BATCH_CREATE,
    /** {@code execution().assignDriver}. */
    BATCH_ASSIGN,
    /**
     * {@code execution().sync}, {@code record} and {@code recordOrRefuse}: one decision per event
     * (accepted, flagged, duplicate or quarantined), or one refused decision when the whole call is
     * refused.
     */
    SYNC,
    /** {@code positions().ingest}. */
    POSITION_INGEST,
    /** {@code sessions().login}. */
    LOGIN,
    /** {@code sessions().refresh}. */
    REFRESH,
    /** {@code sessions().logout}. */
    LOGOUT,
    /** {@code sessions().invalidateCurrent}: a supervisor ends a driver's session. */
    SESSION_INVALIDATE,
    /** {@code credentials().enrol}. */
    ENROL,
    /** {@code credentials().setPin}. */
    PIN_CHANGE,
    /** {@code credentials().unlock}. */
    UNLOCK,
    /** {@code supervisor().review}. */
    REVIEW,
    /** {@code supervisor().override}. */
    OVERRIDE,
    /** {@code supervisor().changePlan}. */
    PLAN_CHANGE
}
