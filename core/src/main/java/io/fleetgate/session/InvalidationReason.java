package io.fleetgate.session;

/** Why a device session ended. */
public enum InvalidationReason {
    /** The user logged out. */
    LOGOUT,
    /** The user logged in on another device. */
    DEVICE_CHANGED,
    /** A supervisor ended it. */
    SUPERVISOR,
    /** No authenticated call for longer than the idle timeout. */
    IDLE_TIMEOUT,
    /** It reached its absolute end. */
    EXPIRED
}
