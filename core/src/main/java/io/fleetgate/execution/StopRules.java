package io.fleetgate.execution;

import io.fleetgate.StopSettings;
import io.fleetgate.error.FleetgateException;
import io.fleetgate.error.ProofRequiredException;
import io.fleetgate.error.StopsOpenException;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Decides what happens to one stop, next to {@link DriverStateMachine}, which decides the batch's
 * status. Pure (no I/O, no clock, no logging), immutable and thread-safe.
 *
 * <p><b>The table.</b> Each {@link Move} is accepted from the stop statuses its row lists; from any
 * other it is refused with {@code INVALID_TRANSITION} (an outcome is immutable) or, for removing a
 * stop that has one, {@code INVALID_REQUEST}. An accepted move then passes its guard:
 * <pre>
 *   move          accepted from                 leads to        guard
 *   ARRIVE        any                           ARRIVED, or     —   (a stop with an outcome keeps it)
 *                                               unchanged
 *   PROOF         PENDING, ARRIVED              unchanged       at most maxProofsPerStop items
 *   COMPLETE      ARRIVED                       COMPLETED       the stop's proof requirement (PROOF_REQUIRED)
 *   FAIL          ARRIVED                       FAILED          a configured reason code; OTHER needs a note
 *   LEAVE         COMPLETED, FAILED, SKIPPED    unchanged       —   (a revisit after a restart leaves it as it was)
 *   SKIP          PENDING, ARRIVED              SKIPPED         a reason code
 *   SET_OUTCOME   any                           the outcome     as COMPLETE, FAIL or SKIP (supervisors)
 *   REMOVE        PENDING, ARRIVED              removed         —
 * </pre>
 * A driver's {@code DEPARTED_STOP} (and {@code ROUTE_COMPLETED} at a stop) is {@code COMPLETE} when
 * it carries no outcome or a COMPLETED one, {@code FAIL} with a FAILED one, and {@code LEAVE} when
 * the stop already has an outcome and the event carries none. {@link #requireAllDone} is the
 * route's guard: {@code STOPS_OPEN} while a stop has no outcome.
 *
 * <p>The sync pipeline applies these rules to the stop an event names ({@code StopEffects}), and
 * replaying a batch's log applies them the same way ({@link BatchReplay}).
 */
public final class StopRules {

    /** What can happen to a stop. */
    public enum Move {
        /** The driver arrived. */
        ARRIVE,
        /** Proof was captured. */
        PROOF,
        /** The driver left it delivered. */
        COMPLETE,
        /** The driver left it failed, with a reason. */
        FAIL,
        /** The driver left a stop that already had an outcome, giving none. */
        LEAVE,
        /** A supervisor took it off the driver's work. */
        SKIP,
        /** A supervisor recorded or corrected its outcome. */
        SET_OUTCOME,
        /** A supervisor removed it from the plan. */
        REMOVE
    }

    private static final Map<Move, Set<StopStatus>> ACCEPTED = new EnumMap<>(Move.class);

    static {
        Set<StopStatus> open = EnumSet.of(StopStatus.PENDING, StopStatus.ARRIVED);
        Set<StopStatus> done = EnumSet.of(StopStatus.COMPLETED, StopStatus.FAILED, StopStatus.SKIPPED);
        ACCEPTED.put(Move.ARRIVE, EnumSet.allOf(StopStatus.class));
        ACCEPTED.put(Move.PROOF, open);
        ACCEPTED.put(Move.COMPLETE, EnumSet.of(StopStatus.ARRIVED));
        ACCEPTED.put(Move.FAIL, EnumSet.of(StopStatus.ARRIVED));
        ACCEPTED.put(Move.LEAVE, done);
        ACCEPTED.put(Move.SKIP, open);
        ACCEPTED.put(Move.SET_OUTCOME, EnumSet.allOf(StopStatus.class));
        ACCEPTED.put(Move.REMOVE, open);
        ACCEPTED.replaceAll((m, s) -> Collections.unmodifiableSet(s));
    }

    private final StopSettings settings;

    /**
     * The rules under these settings.
     *
     * @param settings failure reasons and the proof cap
     */
    public StopRules(StopSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /**
     * {@return the stop statuses {@code move} is accepted from; unmodifiable}
     *
     * @param move a move
     */
    public static Set<StopStatus> acceptedFrom(Move move) {
        return ACCEPTED.get(Objects.requireNonNull(move, "move"));
    }

    /**
     * The driver arrived at the stop.
     *
     * @param stop the stop
     * @param p    where it stands
     * @param at   the arrival's {@code recorded_at}
     * @return ARRIVED (first arrival: when, and whether before the window), or {@code p} when it
     *         already has an outcome
     */
    StopProgress arrive(Stop stop, StopProgress p, Instant at) {
        if (p.status().hasOutcome() || p.status() == StopStatus.ARRIVED) {
            return p;
        }
        boolean early = stop.window() != null && stop.window().early(at);
        return new StopProgress(StopStatus.ARRIVED, at, early, null, null, null, p.proofs(), p.corrected());
    }

    /**
     * Proof was captured for the stop. A CODE whose hash does not match the stop's
     * {@link Stop#codeHash()} is recorded nowhere in the progress (the event is flagged instead).
     *
     * @param stop  the stop
     * @param p     where it stands
     * @param proof the item
     * @return {@code p} with the item's hash (an item already there is not counted again)
     * @throws Refused when the stop has an outcome
     * @throws io.fleetgate.error.InvalidRequestException when the stop has its most proof items
     */
    StopProgress proof(Stop stop, StopProgress p, Proof proof) {
        require(Move.PROOF, stop, p);
        if (!codeMatches(stop, proof)) {
            return p;
        }
        List<String> hashes = p.proofs().getOrDefault(proof.kind(), List.of());
        if (hashes.contains(proof.hash())) {
            return p;
        }
        if (p.proofTotal() >= settings.maxProofsPerStop()) {
            throw FleetgateException.invalid("proof", "stop " + stop.id() + " already has "
                    + settings.maxProofsPerStop() + " proof items");
        }
        Map<ProofKind, List<String>> more = new EnumMap<>(ProofKind.class);
        more.putAll(p.proofs());
        List<String> list = new ArrayList<>(hashes);
        list.add(proof.hash());
        more.put(proof.kind(), list);
        return new StopProgress(p.status(), p.arrivedAt(), p.early(), p.outcomeAt(), p.reason(), p.note(), more,
                p.corrected());
    }

    /**
     * {@return whether a proof counts for the stop: anything but a CODE, or a CODE matching the
     * stop's expected code (any code when it has none)}
     *
     * @param stop  the stop
     * @param proof the item
     */
    public static boolean codeMatches(Stop stop, Proof proof) {
        return proof.kind() != ProofKind.CODE || stop.codeHash() == null || stop.codeHash().equals(proof.hash());
    }

    /**
     * The driver left the stop ({@code DEPARTED_STOP}, or {@code ROUTE_COMPLETED} at it).
     *
     * @param stop    the stop
     * @param p       where it stands
     * @param outcome the outcome the event carries, or {@code null} (delivered, unless the stop
     *                already has an outcome)
     * @param at      the event's {@code recorded_at}
     * @return the stop with its outcome
     * @throws ProofRequiredException     completing without the required proof
     * @throws Refused the stop was not arrived at, or already has an outcome and the event gives
     *                  another
     * @throws io.fleetgate.error.InvalidRequestException a reason code not configured, OTHER
     *                                    without a note, or a driver's SKIPPED
     */
    StopProgress leave(Stop stop, StopProgress p, StopOutcome outcome, Instant at) {
        return apply(stop, p, moveOf(p, outcome), outcome == null ? StopOutcome.completed() : outcome, at);
    }

    /**
     * {@return the move a driver's leaving is}
     *
     * @param p       where the stop stands
     * @param outcome the outcome the event carries, or {@code null}
     */
    public static Move moveOf(StopProgress p, StopOutcome outcome) {
        if (outcome == null) {
            return p.status().hasOutcome() ? Move.LEAVE : Move.COMPLETE;
        }
        return switch (outcome.status()) {
            case COMPLETED -> Move.COMPLETE;
            case FAILED -> Move.FAIL;
            default -> throw FleetgateException.invalid("outcome.status", "a driver gives COMPLETED or FAILED;"
                    + " only a supervisor skips a stop");
        };
    }

    /**
     * A supervisor skips the stop.
     *
     * @param stop   the stop
     * @param p      where it stands
     * @param reason why, a code of 1 to 64 characters
     * @param at     the change's instant
     * @return SKIPPED
     * @throws Refused when the stop already has an outcome
     */
    StopProgress skip(Stop stop, StopProgress p, String reason, Instant at) {
        return apply(stop, p, Move.SKIP, new StopOutcome(StopStatus.SKIPPED, reason, null), at);
    }

    /**
     * A supervisor records the stop's outcome, or corrects the one it has (the original stays in the
     * log). Completing still needs the proof; failing a configured reason.
     *
     * @param stop    the stop
     * @param p       where it stands
     * @param outcome the outcome
     * @param at      the change's instant
     * @return the stop with that outcome, marked corrected if it had one
     */
    StopProgress setOutcome(Stop stop, StopProgress p, StopOutcome outcome, Instant at) {
        return apply(stop, p, Move.SET_OUTCOME, outcome, at);
    }

    /**
     * Refuses to remove a stop that has an outcome.
     *
     * @param stop the stop
     * @param p    where it stands
     * @throws io.fleetgate.error.InvalidRequestException when it has one
     */
    void requireRemovable(Stop stop, StopProgress p) {
        if (!ACCEPTED.get(Move.REMOVE).contains(p.status())) {
            throw FleetgateException.invalid("plan.stop_id", "stop " + stop.id() + " is " + p.status()
                    + "; a stop with an outcome cannot be removed");
        }
    }

    /**
     * The route's guard: every stop has an outcome.
     *
     * @param b the batch as it would be completed
     * @throws StopsOpenException listing the stops without one
     */
    void requireAllDone(Batch b) {
        List<String> open = b.openStops();
        if (!open.isEmpty()) {
            throw new StopsOpenException(b.id(), open);
        }
    }

    private StopProgress apply(Stop stop, StopProgress p, Move move, StopOutcome outcome, Instant at) {
        require(move, stop, p);
        if (move == Move.LEAVE) {
            return p;
        }
        StopStatus to = move == Move.SKIP ? StopStatus.SKIPPED : outcome.status();
        switch (to) {
            case COMPLETED -> {
                List<String> missing = p.missing(stop.proof());
                if (!missing.isEmpty()) {
                    throw new ProofRequiredException(stop.id(), missing);
                }
            }
            case FAILED -> {
                if (!settings.failureReasons().contains(outcome.reason())) {
                    throw FleetgateException.invalid("outcome.reason", "must be one of "
                            + String.join(", ", new java.util.TreeSet<>(settings.failureReasons())));
                }
                if (StopSettings.OTHER.equals(outcome.reason()) && outcome.note() == null) {
                    throw FleetgateException.invalid("outcome.note", "is required with reason OTHER");
                }
            }
            default -> {
            }
        }
        return new StopProgress(to, p.arrivedAt(), p.early(), at, outcome.reason(), outcome.note(), p.proofs(),
                p.corrected() || p.status().hasOutcome());
    }

    private static void require(Move move, Stop stop, StopProgress p) {
        if (!ACCEPTED.get(move).contains(p.status())) {
            throw new Refused(refusal(move, stop, p));
        }
    }

    /**
     * A move the stop's status does not accept; the caller answers it as {@code INVALID_TRANSITION}
     * from the batch's status and the event's type, which these rules do not know.
     */
    static final class Refused extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message, null, false, false);
        }
    }

    private static String refusal(Move move, Stop stop, StopProgress p) {
        if (p.status().hasOutcome()) {
            return "stop " + stop.id() + " is " + p.status() + "; an outcome is immutable (a supervisor corrects it)";
        }
        return "stop " + stop.id() + " is " + p.status() + "; " + move + " requires "
                + DriverStateMachine.joined(ACCEPTED.get(move), " or ");
    }
}
