package io.fleetgate.execution;

/**
 * Where a driver is in executing a delivery batch (seed 004's {@code driver_status}). Which
 * {@link DriverEventType} moves a batch from one status to another is decided by
 * {@link DriverStateMachine}. Enum constants are immutable and thread-safe.
 */
public enum DriverStatus {
    /** Not working this batch: not logged in for it yet, or its route was cancelled. The start. */
    INACTIVE,
    /** Logged in and holding the batch, route not started yet. */
    ACTIVE,
    /** Driving between stops. */
    EN_ROUTE,
    /** Stopped at a delivery stop, e.g. capturing proof of delivery. */
    AT_STOP,
    /** On the route but held up; a delay has been reported and the route not yet resumed. */
    DELAYED,
    /** The route is finished. Only a supervisor override moves a batch out of it. */
    COMPLETED,
    /** Put on hold by a supervisor; only another supervisor override moves a batch out of it. */
    SUSPENDED;

    /**
     * {@return whether the driver is out on the route: {@link #EN_ROUTE}, {@link #AT_STOP} or {@link
     * #DELAYED}}
     */
    public boolean onRoute() {
        return this == EN_ROUTE || this == AT_STOP || this == DELAYED;
    }
}
