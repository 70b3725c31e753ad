package io.fleetgate.error;

import io.fleetgate.error.InvalidTransitionException;
import io.fleetgate.execution.DriverEventType;
import io.fleetgate.execution.DriverStateMachine;
import io.fleetgate.execution.DriverStatus;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@link ErrorCode#INVALID_TRANSITION}: a change refused from the batch's current status: an event
 * the {@link DriverStateMachine} does not allow ("ARRIVED_AT_STOP requires EN_ROUTE, not
 * INACTIVE"), a stop visited twice, a second batch on route, or a reassignment while on route.
 * Details {@code from} (the status's name) and {@code event_type} (the event's name, or
 * {@code ASSIGN_DRIVER}). Immutable.
 */
public final class InvalidTransitionException extends FleetgateException {
    private static final long serialVersionUID = 1L;

    /** The action of a refused reassignment, in {@link #action()}. */
    public static final String ASSIGN_DRIVER = "ASSIGN_DRIVER";

    /** The batch's status. */
    private final DriverStatus from;
    /** What was refused. */
    private final String action;

    /**
     * The state machine's refusal; the message is its {@link DriverStateMachine.Decision#refusal()}.
     *
     * @param refused a refused decision
     * @throws IllegalArgumentException if the decision is allowed
     */
    public InvalidTransitionException(DriverStateMachine.Decision refused) {
        this(refused.from(), refusedEvent(refused).name(), refused.refusal());
    }

    /**
     * A refusal by another rule of the batch.
     *
     * @param from    the batch's status
     * @param event   the event refused
     * @param message why
     */
    public InvalidTransitionException(DriverStatus from, DriverEventType event, String message) {
        this(from, event.name(), message);
    }

    private InvalidTransitionException(DriverStatus from, String action, String message) {
        super(ErrorCode.INVALID_TRANSITION, message, details(from, action), null);
        this.from = from;
        this.action = action;
    }

    /**
     * A reassignment refused because the batch is on route.
     *
     * @param from    the batch's status
     * @param message why
     * @return the refusal, with {@link #action()} {@value #ASSIGN_DRIVER}
     */
    public static InvalidTransitionException reassignment(DriverStatus from, String message) {
        return new InvalidTransitionException(from, ASSIGN_DRIVER, message);
    }

    /** {@return the status the batch was in} */
    public DriverStatus from() {
        return from;
    }

    /** {@return the event refused, or empty for a reassignment} */
    public Optional<DriverEventType> eventType() {
        return ASSIGN_DRIVER.equals(action) ? Optional.empty() : Optional.of(DriverEventType.valueOf(action));
    }

    /** {@return what was refused: the event type's name, or {@value #ASSIGN_DRIVER}} */
    public String action() {
        return action;
    }

    private static DriverEventType refusedEvent(DriverStateMachine.Decision decision) {
        if (decision.allowed()) {
            throw new IllegalArgumentException("decision is allowed, not refused: " + decision);
        }
        return decision.event();
    }

    private static Map<String, Object> details(DriverStatus from, String action) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("from", from.name());
        details.put("event_type", action);
        return details;
    }
}
