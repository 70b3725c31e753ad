package io.fleetgate;

import io.fleetgate.error.ErrorCode;

import java.util.Objects;

/**
 * One decision a service made, as a {@link FleetgateListener} hears it: what kind, how it ended,
 * the refusal's code and how long it took. Low cardinality by design: every component is an enum
 * or a number, so a decision cannot carry a driver, batch, session or workspace id, a username or
 * any text a client sent, and a host may tag metrics with all of it. Immutable.
 *
 * @param kind          the service call that decided
 * @param outcome       how it ended
 * @param error         the refusal's code: set for {@link Outcome#REFUSED} (the exception's
 *                      code) and {@link Outcome#QUARANTINED} (the event's refusal), else
 *                      {@code null}
 * @param durationNanos how long the call took, in nanoseconds of the {@code Fleetgate}'s ticker
 *                      ({@link System#nanoTime()} unless a test sets another); for {@link DecisionKind#SYNC}
 *                      each event's decision carries the duration of the whole call it came in
 */
public record Decision(DecisionKind kind, Outcome outcome, ErrorCode error, long durationNanos) {

    /** How a decision ended. */
    public enum Outcome {
        /** Done and committed (for an event: appended to the log, not flagged). */
        ACCEPTED,
        /** An event appended to the log and flagged for review. */
        FLAGGED,
        /** An event already in the log with the same content: nothing changed. */
        DUPLICATE,
        /** An event refused and kept in quarantine for review; {@code error} says why. */
        QUARANTINED,
        /** The call was refused with a {@link io.fleetgate.error.FleetgateException}; nothing was written. */
        REFUSED,
        /** The call failed with an unexpected exception (a bug or a misuse such as a {@code null} argument). */
        FAILED
    }

    /**
     * Checks the components.
     *
     * @param kind          the service call that decided
     * @param outcome       how it ended
     * @param error         the refusal's code for {@code REFUSED} and {@code QUARANTINED}, else {@code null}
     * @param durationNanos how long it took, at least 0
     * @throws NullPointerException     naming {@code kind} or {@code outcome}
     * @throws IllegalArgumentException for a negative duration, or an error code with an outcome that has none
     */
    public Decision {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(outcome, "outcome");
        if (durationNanos < 0) {
            throw new IllegalArgumentException("durationNanos must be at least 0, got " + durationNanos);
        }
        if (error != null && outcome != Outcome.REFUSED && outcome != Outcome.QUARANTINED) {
            throw new IllegalArgumentException("an error code goes with REFUSED or QUARANTINED, not " + outcome);
        }
    }
}
