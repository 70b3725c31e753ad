package io.fleetgate.access;

/** What a user does in a workspace. */
public enum Role {
    /** Drives routes: records events for the batches assigned to them. */
    DRIVER,
    /** Manages the workspace: batches, overrides, sessions, reviews. */
    SUPERVISOR,
    /** Reads the workspace's batches and events; writes nothing. */
    MEMBER
}
