package io.fleetgate.error;

/**
 * Every reason fleetgate refuses a call, as a stable machine-readable code.
 *
 * <p>Hosts map a code to their transport (the example HTTP host maps each to a status and to the
 * {@code error} field of its JSON body). Codes are never renamed; new ones may be added.
 */
public enum ErrorCode {
    /** A field is missing, malformed or out of range; nothing was written. */
    INVALID_REQUEST,
    /** The caller is not known, or its credentials are not (or no longer) valid. */
    UNAUTHENTICATED,
    /** The caller is known but its role may not do this. */
    FORBIDDEN,
    /** The resource does not exist, or the caller may not know that it does. */
    NOT_FOUND,
    /** The reported GPS accuracy is worse than the configured cap. */
    ACCURACY_TOO_LOW,
    /** The caller is farther from the place than its radius allows. */
    OUTSIDE_RADIUS,
    /** The driver already has an ACTIVE exclusive session. */
    ACTIVE_SESSION_EXISTS,
    /** The exclusive session is not ACTIVE (completed, canceled or expired). */
    NOT_ACTIVE,
    /**
     * The driver event is not allowed from the batch's current driver status (see
     * {@link io.fleetgate.execution.DriverStateMachine}).
     */
    INVALID_TRANSITION,
    /** Login on a new device refused while the driver is on a route; a supervisor must end the old session. */
    SESSION_BLOCKED,
    /** Too many wrong PINs for this username; detail {@code retry_after_s}. */
    TOO_MANY_ATTEMPTS,
    /** An event's signature is wrong, or missing where the workspace requires one. */
    BAD_SIGNATURE,
    /** An event id already in the log arrived again with different content. */
    EVENT_ID_CONFLICT,
    /** A stop cannot be completed without the proof of delivery it requires; details list what is missing. */
    PROOF_REQUIRED,
    /** A route cannot be completed while some of its stops have no outcome; details list them. */
    STOPS_OPEN,
    /** The store cannot be reached or keeps failing; nothing was done and the call may be retried. */
    STORE_UNAVAILABLE
}
