package io.fleetgate.position;

/** What a {@link PositionAlert} is about; each is one review item. */
public enum AlertKind {
    /** Plausible fixes or located events outside the batch's corridor, close together in time: one excursion. */
    OFF_CORRIDOR,
    /** Two plausible fixes close in time yet farther apart than {@code MAX_SPEED_KMH} allows (route hijack). */
    IMPLAUSIBLE_SPEED,
    /** A driver on route with no fix and no event for {@code QUIET_AFTER_MIN}: one per silence. */
    QUIET
}
