package io.fleetgate;

import io.fleetgate.exclusive.ExclusiveSession;
import io.fleetgate.execution.Batch;
import io.fleetgate.execution.DriverEvent;
import io.fleetgate.execution.QuarantinedEvent;

import java.util.List;

/**
 * What a host hears of the changes fleetgate commits, to count them, push them to a console or
 * drop a cached copy. Set once with {@link Fleetgate.Builder#listener(FleetgateListener)}.
 *
 * <p>Each method is called on the calling thread, after the change is committed and once per
 * change: never for a refused request, a resent duplicate, or a decision that lost a race and was
 * made again. What it is told is what the store holds, so a listener never reports a change that
 * is not there. It runs inside the service call, so it must be quick and thread-safe; what it
 * throws is logged as {@code listener_failed} (with the exception's class, never the message) and
 * neither undoes the change nor fails the call. These calls tell one host of its own changes; they
 * are not a feed of every host's changes. The defaults do nothing.
 */
public interface FleetgateListener {
    /** A listener that does nothing: the default. */
    FleetgateListener NONE = new FleetgateListener() {
    };

    /**
     * Called after a change to an exclusive session has committed.
     *
     * @param session an exclusive session as committed: activated, completed, cancelled, or marked
     *                EXPIRED (by a poll, an activation or {@code expireDue})
     */
    default void exclusiveSessionChanged(ExclusiveSession session) {
    }

    /**
     * Called after a change to a batch has committed.
     *
     * @param batch    the batch as committed: created, assigned, or moved on by recorded events
     *                 (a sync, an override, a login's {@code DRIVER_LOGGED_IN})
     * @param recorded the events the change recorded for this batch, in order; empty for a creation
     *                 or an assignment
     */
    default void batchChanged(Batch batch, List<DriverEvent> recorded) {
    }

    /**
     * Called after a call that quarantined refused events has committed.
     *
     * @param quarantined events refused and kept for review by one committed call, in order; never
     *                    empty
     */
    default void quarantined(List<QuarantinedEvent> quarantined) {
    }
}
