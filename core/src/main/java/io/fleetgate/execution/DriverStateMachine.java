package io.fleetgate.execution;

import io.fleetgate.error.InvalidTransitionException;

import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import static io.fleetgate.execution.DriverEventType.ARRIVED_AT_STOP;
import static io.fleetgate.execution.DriverEventType.DELAY_REPORTED;
import static io.fleetgate.execution.DriverEventType.DEPARTED_STOP;
import static io.fleetgate.execution.DriverEventType.DRIVER_LOGGED_IN;
import static io.fleetgate.execution.DriverEventType.PROOF_CAPTURED;
import static io.fleetgate.execution.DriverEventType.ROUTE_CANCELLED;
import static io.fleetgate.execution.DriverEventType.ROUTE_COMPLETED;
import static io.fleetgate.execution.DriverEventType.ROUTE_RESUMED;
import static io.fleetgate.execution.DriverEventType.ROUTE_STARTED;
import static io.fleetgate.execution.DriverEventType.SUPERVISOR_OVERRIDE;
import static io.fleetgate.execution.DriverStatus.ACTIVE;
import static io.fleetgate.execution.DriverStatus.AT_STOP;
import static io.fleetgate.execution.DriverStatus.COMPLETED;
import static io.fleetgate.execution.DriverStatus.DELAYED;
import static io.fleetgate.execution.DriverStatus.EN_ROUTE;
import static io.fleetgate.execution.DriverStatus.INACTIVE;
import static io.fleetgate.execution.DriverStatus.SUSPENDED;

/**
 * Decides whether a {@link DriverEventType} is allowed from a {@link DriverStatus}, and which
 * status it leads to. Pure (no I/O, no clock, no logging), immutable and thread-safe; share
 * {@link #standard()}.
 *
 * <p><b>The table.</b> The rules are data: {@code TABLE} below has one row per event and reads like
 * seed 004's "Event → Status Mapping" table, row by row, plus the two moves the seed's diagram draws
 * without naming an event ({@code DRIVER_LOGGED_IN} for "INACTIVE → ACTIVE (login)" and
 * {@code ROUTE_RESUMED} for "DELAYED → EN_ROUTE (resume)"). Each row says which statuses the event
 * is accepted from ({@code requires(...)}, {@code anyExcept(...)} or {@code any()}) and what it
 * leads to ({@code to(status)}, {@code UNCHANGED}, or {@code GIVEN}: the caller names the target).
 * Where the seed's diagram and its table disagree the table wins: {@code ROUTE_COMPLETED} is
 * accepted from EN_ROUTE, AT_STOP and DELAYED, and {@code SUPERVISOR_OVERRIDE} moves from any
 * status to any status (the seed draws only "* → SUSPENDED"; recording who overrode is the event
 * log's job, not this class's). {@code ROUTE_CANCELLED} from INACTIVE is accepted and leaves the
 * batch INACTIVE, as "any except COMPLETED" says.
 *
 * <p>One rule sits on top of the rows: {@code LOCKED}. From SUSPENDED only an event that takes a
 * target ({@code SUPERVISOR_OVERRIDE}) is accepted, so a suspended driver can neither cancel their
 * way out nor keep capturing proof. And the target is checked before the statuses: an override
 * without a target is refused, and so is a target given with any other event.
 *
 * <p><b>The caching.</b> There are only 7 statuses, 10 events and 7 targets, so the constructor
 * works out every answer once, as a {@link Decision} with its refusal sentence already written, and
 * stores it in flat arrays indexed by ordinal: {@code plain[status][event]} for calls without a
 * target and {@code targeted[status][event][target]} for calls with one. {@link #decide} is then
 * two ordinal reads and one array load: it allocates nothing, takes no lock and never builds a
 * string, so it can sit on the hot path of event ingestion. The same inputs always return the same
 * {@code Decision} instance. {@link #allowedFrom} and {@link #target} read the same rows, and
 * {@link StateDiagram} draws them.
 */
public final class DriverStateMachine {

    /** What an event leads to, when it is not a fixed status. */
    enum Outcome {
        /** The status given in the row. */
        FIXED,
        /** The status stays as it is. */
        UNCHANGED,
        /** The status the caller names (an override). */
        GIVEN
    }

    //                     event                 required from                           transitions to
    private static final Rule[] TABLE = {
            new Rule(DRIVER_LOGGED_IN,    requires(INACTIVE),                        to(ACTIVE)),
            new Rule(ROUTE_STARTED,       requires(INACTIVE, ACTIVE),                to(EN_ROUTE)),
            new Rule(ARRIVED_AT_STOP,     requires(EN_ROUTE),                        to(AT_STOP)),
            new Rule(DEPARTED_STOP,       requires(AT_STOP),                         to(EN_ROUTE)),
            new Rule(DELAY_REPORTED,      requires(EN_ROUTE, AT_STOP),               to(DELAYED)),
            new Rule(ROUTE_RESUMED,       requires(DELAYED),                         to(EN_ROUTE)),
            new Rule(ROUTE_COMPLETED,     requires(EN_ROUTE, AT_STOP, DELAYED),      to(COMPLETED)),
            new Rule(ROUTE_CANCELLED,     anyExcept(COMPLETED),                      to(INACTIVE)),
            new Rule(SUPERVISOR_OVERRIDE, any(),                                     Outcome.GIVEN),
            new Rule(PROOF_CAPTURED,      any(),                                     Outcome.UNCHANGED),
    };

    /** Statuses from which only events that take a target (overrides) are accepted. */
    private static final Set<DriverStatus> LOCKED = Collections.unmodifiableSet(EnumSet.of(SUSPENDED));

    /** Where every batch starts. */
    private static final DriverStatus INITIAL = INACTIVE;

    private static final DriverStatus[] STATUSES = DriverStatus.values();
    private static final DriverEventType[] EVENTS = DriverEventType.values();
    private static final int S = STATUSES.length;
    private static final int E = EVENTS.length;

    private static final DriverStateMachine STANDARD = new DriverStateMachine();

    private final Map<DriverEventType, Rule> rules;
    private final Map<DriverEventType, Set<DriverStatus>> allowedFrom;
    /** Calls without a target, at {@code status * E + event}. */
    private final Decision[] plain;
    /** Calls with a target, at {@code (status * E + event) * S + target}. */
    private final Decision[] targeted;

    private DriverStateMachine() {
        EnumMap<DriverEventType, Rule> byEvent = new EnumMap<>(DriverEventType.class);
        for (Rule rule : TABLE) {
            if (byEvent.put(rule.event, rule) != null) {
                throw new IllegalStateException("two rows for " + rule.event);
            }
        }
        for (DriverEventType event : EVENTS) {
            if (!byEvent.containsKey(event)) {
                throw new IllegalStateException("no row for " + event);
            }
        }
        this.rules = Collections.unmodifiableMap(byEvent);

        String overrides = joined(overrideEvents(byEvent), " or ");
        EnumMap<DriverEventType, Set<DriverStatus>> from = new EnumMap<>(DriverEventType.class);
        this.plain = new Decision[S * E];
        this.targeted = new Decision[S * E * S];
        for (DriverEventType event : EVENTS) {
            Rule rule = byEvent.get(event);
            EnumSet<DriverStatus> accepted = EnumSet.noneOf(DriverStatus.class);
            for (DriverStatus status : STATUSES) {
                int at = status.ordinal() * E + event.ordinal();
                if (rule.outcome == Outcome.GIVEN) {
                    plain[at] = Decision.refused(status, event, event + " needs a target status");
                    if (rule.accepts(status)) {
                        accepted.add(status);
                        for (DriverStatus target : STATUSES) {
                            targeted[at * S + target.ordinal()] = Decision.allowed(status, event, target);
                        }
                    } else {
                        Decision refused = Decision.refused(status, event, rule.refusal(status));
                        for (DriverStatus target : STATUSES) {
                            targeted[at * S + target.ordinal()] = refused;
                        }
                    }
                } else {
                    Decision noTarget = Decision.refused(status, event,
                            event + " takes no target status; only " + overrides + " does");
                    for (DriverStatus target : STATUSES) {
                        targeted[at * S + target.ordinal()] = noTarget;
                    }
                    if (LOCKED.contains(status)) {
                        plain[at] = Decision.refused(status, event,
                                "from " + status + " only " + overrides + " is accepted");
                    } else if (!rule.accepts(status)) {
                        plain[at] = Decision.refused(status, event, rule.refusal(status));
                    } else {
                        accepted.add(status);
                        DriverStatus to = rule.outcome == Outcome.UNCHANGED ? status : rule.to;
                        plain[at] = Decision.allowed(status, event, to);
                    }
                }
            }
            from.put(event, Collections.unmodifiableSet(accepted));
        }
        this.allowedFrom = Collections.unmodifiableMap(from);
    }

    /** {@return the machine with seed 004's table; shared, immutable and thread-safe} */
    public static DriverStateMachine standard() {
        return STANDARD;
    }

    /**
     * Decides whether {@code event} is allowed from {@code current}. Never allocates: the answer is
     * a cached instance, the same one for the same inputs.
     *
     * <p>The target is checked first: {@code SUPERVISOR_OVERRIDE} without a target is refused, and
     * so is a target given with any other event. Then, from SUSPENDED only
     * {@code SUPERVISOR_OVERRIDE} is accepted; otherwise the event's row in the table decides.
     *
     * @param current        the batch's status now
     * @param event          what happened
     * @param overrideTarget the status a {@code SUPERVISOR_OVERRIDE} sets; {@code null} for every
     *                       other event
     * @return the decision: allowed with the status to move to (the same status for
     *         {@code PROOF_CAPTURED}), or refused with a sentence naming the rule broken
     * @throws NullPointerException if {@code current} or {@code event} is {@code null}
     */
    public Decision decide(DriverStatus current, DriverEventType event, DriverStatus overrideTarget) {
        int at = Objects.requireNonNull(current, "current").ordinal() * E
                + Objects.requireNonNull(event, "event").ordinal();
        return overrideTarget == null ? plain[at] : targeted[at * S + overrideTarget.ordinal()];
    }

    /**
     * Like {@link #decide}, but throws when the event is refused.
     *
     * @param current        the batch's status now
     * @param event          what happened
     * @param overrideTarget the status a {@code SUPERVISOR_OVERRIDE} sets; {@code null} for every
     *                       other event
     * @return the allowed decision, whose {@link Decision#to()} is the status to move to
     * @throws InvalidTransitionException {@code INVALID_TRANSITION} if the event is refused; its
     *                                    message is the {@link Decision#refusal()}
     * @throws NullPointerException       if {@code current} or {@code event} is {@code null}
     */
    public Decision require(DriverStatus current, DriverEventType event, DriverStatus overrideTarget) {
        Decision decision = decide(current, event, overrideTarget);
        if (!decision.allowed()) {
            throw new InvalidTransitionException(decision);
        }
        return decision;
    }

    /**
     * {@return the statuses {@code event} is accepted from (with a target, for {@code SUPERVISOR_OVERRIDE}),
     * in enum order; unmodifiable}
     *
     * @param event an event
     */
    public Set<DriverStatus> allowedFrom(DriverEventType event) {
        return allowedFrom.get(Objects.requireNonNull(event, "event"));
    }

    /**
     * {@return the status {@code event} always leads to; empty for {@code SUPERVISOR_OVERRIDE} (the caller
     * names the target) and {@code PROOF_CAPTURED} (the status stays as it is)}
     *
     * @param event an event
     */
    public Optional<DriverStatus> target(DriverEventType event) {
        return Optional.ofNullable(rules.get(Objects.requireNonNull(event, "event")).to);
    }

    /** {@return what {@code event} leads to, for {@link StateDiagram}} */
    Outcome outcome(DriverEventType event) {
        return rules.get(event).outcome;
    }

    /** {@return the statuses only an override leaves, for {@link StateDiagram}} */
    Set<DriverStatus> locked() {
        return LOCKED;
    }

    /** {@return where every batch starts, for {@link StateDiagram}} */
    DriverStatus initial() {
        return INITIAL;
    }

    /** {@return "A", "A or B", "A, B or C"} */
    static String joined(Set<?> items, String last) {
        StringBuilder out = new StringBuilder();
        Iterator<?> it = items.iterator();
        for (int i = 0; it.hasNext(); i++) {
            Object item = it.next();
            if (i > 0) {
                out.append(it.hasNext() ? ", " : last);
            }
            out.append(item);
        }
        return out.toString();
    }

    private static Set<DriverEventType> overrideEvents(Map<DriverEventType, Rule> rules) {
        EnumSet<DriverEventType> events = EnumSet.noneOf(DriverEventType.class);
        rules.values().stream().filter(r -> r.outcome == Outcome.GIVEN).forEach(r -> events.add(r.event));
        if (events.isEmpty()) {
            throw new IllegalStateException("no event takes a target, so nothing leaves " + LOCKED);
        }
        return events;
    }

    private static From requires(DriverStatus first, DriverStatus... rest) {
        return new From(EnumSet.of(first, rest), false);
    }

    private static From anyExcept(DriverStatus first, DriverStatus... rest) {
        return new From(EnumSet.of(first, rest), true);
    }

    private static From any() {
        return new From(EnumSet.noneOf(DriverStatus.class), true);
    }

    private static DriverStatus to(DriverStatus status) {
        return status;
    }

    /** The "Required From" column: the listed statuses, or every status except the listed ones. */
    private static final class From {
        final Set<DriverStatus> listed;
        final boolean except;

        From(EnumSet<DriverStatus> listed, boolean except) {
            this.listed = Collections.unmodifiableSet(listed);
            this.except = except;
        }
    }

    /** One row of the table. */
    private static final class Rule {
        final DriverEventType event;
        final From from;
        /** The fixed target, or {@code null} when {@link #outcome} is not {@code FIXED}. */
        final DriverStatus to;
        final Outcome outcome;

        Rule(DriverEventType event, From from, DriverStatus to) {
            this(event, from, Objects.requireNonNull(to, "to"), Outcome.FIXED);
        }

        Rule(DriverEventType event, From from, Outcome outcome) {
            this(event, from, null, outcome);
        }

        private Rule(DriverEventType event, From from, DriverStatus to, Outcome outcome) {
            this.event = event;
            this.from = from;
            this.to = to;
            this.outcome = outcome;
        }

        boolean accepts(DriverStatus status) {
            return from.listed.contains(status) != from.except;
        }

        /** {@return the sentence for a status this row does not accept} */
        String refusal(DriverStatus status) {
            return from.except
                    ? event + " is not allowed from " + status
                    : event + " requires " + joined(from.listed, " or ") + ", not " + status;
        }
    }

    /**
     * The answer to one {@link #decide} call: allowed with the status to move to, or refused with a
     * sentence naming the rule broken. Instances are created once per machine and cached; they are
     * immutable and thread-safe.
     */
    public static final class Decision {
        private final DriverStatus from;
        private final DriverEventType event;
        private final DriverStatus to;
        private final String refusal;

        private Decision(DriverStatus from, DriverEventType event, DriverStatus to, String refusal) {
            this.from = from;
            this.event = event;
            this.to = to;
            this.refusal = refusal;
        }

        static Decision allowed(DriverStatus from, DriverEventType event, DriverStatus to) {
            return new Decision(from, event, to, null);
        }

        static Decision refused(DriverStatus from, DriverEventType event, String refusal) {
            return new Decision(from, event, null, refusal);
        }

        /** {@return whether the event is accepted} */
        public boolean allowed() {
            return refusal == null;
        }

        /** {@return the status the batch was in} */
        public DriverStatus from() {
            return from;
        }

        /** {@return the event decided on} */
        public DriverEventType event() {
            return event;
        }

        /**
         * {@return the status to move to (equal to {@link #from()} for {@code PROOF_CAPTURED}), or {@code
         * null} when refused}
         */
        public DriverStatus to() {
            return to;
        }

        /**
         * {@return a human sentence naming the rule broken, e.g. "ARRIVED_AT_STOP requires EN_ROUTE, not
         * INACTIVE"; {@code null} when allowed}
         */
        public String refusal() {
            return refusal;
        }

        /**
         * {@return e.g. "INACTIVE --ROUTE_STARTED--> EN_ROUTE" or "INACTIVE --ARRIVED_AT_STOP--> refused: …"}
         */
        @Override
        public String toString() {
            return from + " --" + event + "--> " + (allowed() ? to : "refused: " + refusal);
        }
    }
}
