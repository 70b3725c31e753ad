package io.fleetgate.execution;

import io.fleetgate.ErrorCode;
import io.fleetgate.FleetgateException;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A driver event refused by {@link DriverStateMachine}. The message is the refusal, e.g.
 * "ARRIVED_AT_STOP requires EN_ROUTE, not INACTIVE". Details: {@code from} (the status's name) and
 * {@code event_type} (the event's name). Immutable.
 */
public final class InvalidTransitionException extends FleetgateException {
    private static final long serialVersionUID = 1L;

    /** The batch's status when the event was refused. */
    private final DriverStatus from;
    /** The refused event. */
    private final DriverEventType eventType;

    /**
     * Creates the refusal from the state machine's decision.
     *
     * @param refused a refused decision
     * @throws IllegalArgumentException if the decision is allowed
     */
    public InvalidTransitionException(DriverStateMachine.Decision refused) {
        super(ErrorCode.INVALID_TRANSITION, refusalOf(refused), details(refused), null);
        this.from = refused.from();
        this.eventType = refused.event();
    }

    /** {@return the status the batch was in} */
    public DriverStatus from() {
        return from;
    }

    /** {@return the event refused} */
    public DriverEventType eventType() {
        return eventType;
    }

    private static String refusalOf(DriverStateMachine.Decision decision) {
        if (decision.allowed()) {
            throw new IllegalArgumentException("decision is allowed, not refused: " + decision);
        }
        return decision.refusal();
    }

    private static Map<String, Object> details(DriverStateMachine.Decision decision) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("from", decision.from().name());
        details.put("event_type", decision.event().name());
        return details;
    }
}
