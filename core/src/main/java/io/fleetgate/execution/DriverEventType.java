package io.fleetgate.execution;

/**
 * What a driver (or a supervisor, or the library itself) reports about a batch's execution (seed
 * 004's {@code event_type}, plus {@link #DRIVER_LOGGED_IN} and {@link #ROUTE_RESUMED}, which the
 * seed's diagram has as moves without naming an event). The statuses each event is accepted from
 * and the status it leads to are in {@link DriverStateMachine}'s table. Enum constants are
 * immutable and thread-safe.
 */
public enum DriverEventType {
    /**
     * The driver logged in and the login activated the batch: {@code INACTIVE → ACTIVE} (the seed's
     * "INACTIVE → ACTIVE (login)"). Appended by the library, not sent by drivers.
     */
    DRIVER_LOGGED_IN,
    /** The driver started the route: {@code INACTIVE} or {@code ACTIVE → EN_ROUTE}. */
    ROUTE_STARTED,
    /** The driver reached a stop: {@code EN_ROUTE → AT_STOP}. */
    ARRIVED_AT_STOP,
    /** The driver left a stop: {@code AT_STOP → EN_ROUTE}. */
    DEPARTED_STOP,
    /** The driver reported a delay: {@code EN_ROUTE} or {@code AT_STOP → DELAYED}. */
    DELAY_REPORTED,
    /** The driver is moving again after a delay: {@code DELAYED → EN_ROUTE} (the seed's "resume"). */
    ROUTE_RESUMED,
    /** The driver finished the route: {@code EN_ROUTE}, {@code AT_STOP} or {@code DELAYED → COMPLETED}. */
    ROUTE_COMPLETED,
    /** The route was called off: any status except {@code COMPLETED} and {@code SUSPENDED → INACTIVE}. */
    ROUTE_CANCELLED,
    /** A supervisor set the status: any status → the target status the supervisor names. */
    SUPERVISOR_OVERRIDE,
    /** Proof of delivery was captured: accepted from any status except {@code SUSPENDED}; changes nothing. */
    PROOF_CAPTURED
}
