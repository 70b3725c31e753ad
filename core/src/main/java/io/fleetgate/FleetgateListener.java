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
 *
 * <p><b>Decisions and store timings, for metrics.</b> {@link #decided(Decision)} hears every
 * decision a service call makes (an activation, a login, each event of a sync, an override…),
 * refusals included, with its kind, outcome, error code and duration; {@link #storeCalled(StoreCall)}
 * hears how long each call of the store SPI took, if {@link #timesStoreCalls()} asks for it. Both
 * carry enums and numbers only ({@link Decision}, {@link StoreCall}), so they are safe as metric
 * tags. Both are told on the calling thread after the store's transaction has ended (a listener
 * that reads the store sees what was committed), and what they throw is handled as above.
 *
 * <p>Where the time is taken: a decision is timed around the public service call (two reads of the
 * ticker), only when a listener other than {@link #NONE} is set; with {@code NONE} nothing is read
 * or allocated. Store calls are timed by a decorator over the store SPI that {@link Fleetgate}
 * builds only when the listener's {@link #timesStoreCalls()} answers {@code true} (asked once, at
 * build): otherwise the services call the store directly, with no indirection, allocation or clock
 * read at all. A decorator rather than timing in the services' stages, because it sees every
 * repository call whichever service or stage makes it, names it from the SPI itself (a bounded set,
 * {@link StoreCall#operations()}), and costs nothing when absent. Calls made inside
 * {@code FleetgateStore.exclusively} run inside its transaction, so their timings are kept and told
 * when it has ended (followed by the timing of {@code store.exclusively} itself).
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

    /**
     * Called after each decision a service call made, refusals included (then nothing was
     * written). One host call makes one decision, except a sync, which makes one per event; what a
     * call decides on its way (the events an override or a login records) is part of its decision
     * and not told again.
     *
     * @param decision its kind, outcome, error code and duration
     */
    default void decided(Decision decision) {
    }

    /**
     * {@return whether this listener wants {@link #storeCalled} (default {@code false}): asked once,
     * when the {@code Fleetgate} is built, which then wraps the store in a timing decorator}
     */
    default boolean timesStoreCalls() {
        return false;
    }

    /**
     * Called after each call of the store SPI, if {@link #timesStoreCalls()} answered {@code true}.
     *
     * @param call the operation, whether it returned, and how long it took
     */
    default void storeCalled(StoreCall call) {
    }
}
