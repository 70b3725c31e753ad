package io.fleetgate.exclusive;

/** Where an exclusive session is in its life. Only {@link #ACTIVE} ever changes. */
public enum ExclusiveSessionStatus {
    /** Running; at most one per driver. */
    ACTIVE,
    /** Ended by the driver. */
    COMPLETED,
    /** Ran past its {@code expires_at}. */
    EXPIRED,
    /** Called off by the driver before it ended. */
    CANCELED
}
