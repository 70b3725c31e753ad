package io.fleetgate.execution;

import io.fleetgate.Ids;
import io.fleetgate.error.FleetgateException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A supervisor's change to a batch's plan mid-route, recorded as a {@code SUPERVISOR_OVERRIDE}
 * event (who, why) whose {@code payload.plan} holds {@link #toJson()} and the batch version it was
 * decided on; applied under the batch's compare-and-set, so two supervisors never both change the
 * same version. See {@link io.fleetgate.supervisor.SupervisorService#changePlan}. Immutable.
 */
public sealed interface PlanChange {

    /**
     * The field a change names when it was decided on a version of the batch that another change
     * has moved on from ({@code INVALID_REQUEST}): decide it again on the batch as it is now.
     */
    String STALE_VERSION_FIELD = "plan.expected_version";

    /** {@return the change as JSON-like values: {@code {"op": …, …}}} */
    Map<String, Object> toJson();

    /**
     * Adds a stop; its id must be new to the batch (never used, not even by a removed stop).
     *
     * @param stop     the stop, with its id
     * @param position where in the sequence (0 to the number of stops), or {@code null} for the end
     */
    record AddStop(Stop stop, Integer position) implements PlanChange {
        /**
         * Checks the components.
         *
         * @param stop     the stop, with its id
         * @param position where, or {@code null}
         */
        public AddStop {
            if (stop == null || stop.id() == null) {
                throw FleetgateException.invalid("plan.stop.id", "is required");
            }
            if (position != null && position < 0) {
                throw FleetgateException.invalid("plan.position", "must be 0 or more");
            }
        }

        @Override
        public Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("op", "ADD_STOP");
            m.put("stop", stop.toJson());
            if (position != null) {
                m.put("position", position);
            }
            return m;
        }
    }

    /**
     * Removes a stop without an outcome (not the one the driver is at); events naming it later are
     * quarantined.
     *
     * @param stopId the stop
     */
    record RemoveStop(String stopId) implements PlanChange {
        /**
         * Checks the component.
         *
         * @param stopId the stop
         */
        public RemoveStop {
            Ids.require("plan.stop_id", stopId);
        }

        @Override
        public Map<String, Object> toJson() {
            return Map.of("op", "REMOVE_STOP", "stop_id", stopId);
        }
    }

    /**
     * Puts the stops in a new order; stops that are not PENDING keep their positions.
     *
     * @param order every stop id of the batch, once each, in the new order
     */
    record ReorderStops(List<String> order) implements PlanChange {
        /**
         * Checks the component.
         *
         * @param order every stop id, once each
         */
        public ReorderStops {
            if (order == null || order.isEmpty()) {
                throw FleetgateException.invalid("plan.order", "must list the batch's stop ids");
            }
            order.forEach(id -> Ids.require("plan.order", id));
            order = List.copyOf(order);
        }

        @Override
        public Map<String, Object> toJson() {
            return Map.of("op", "REORDER_STOPS", "order", order);
        }
    }

    /**
     * Skips a stop without an outcome: it becomes SKIPPED (reason {@value #REASON}).
     *
     * @param stopId the stop
     */
    record SkipStop(String stopId) implements PlanChange {
        /** The reason code of a skipped stop's outcome; the override's reason says why. */
        public static final String REASON = "SKIPPED_BY_SUPERVISOR";

        /**
         * Checks the component.
         *
         * @param stopId the stop
         */
        public SkipStop {
            Ids.require("plan.stop_id", stopId);
        }

        @Override
        public Map<String, Object> toJson() {
            return Map.of("op", "SKIP_STOP", "stop_id", stopId);
        }
    }

    /**
     * Records a stop's outcome, or corrects the one it has (the original stays in the log): how a
     * supervisor resolves a completion the guard refused once the proof has arrived.
     *
     * @param stopId  the stop
     * @param outcome the outcome
     */
    record SetOutcome(String stopId, StopOutcome outcome) implements PlanChange {
        /**
         * Checks the components.
         *
         * @param stopId  the stop
         * @param outcome the outcome
         */
        public SetOutcome {
            Ids.require("plan.stop_id", stopId);
            Objects.requireNonNull(outcome, "outcome");
        }

        @Override
        public Map<String, Object> toJson() {
            return Map.of("op", "SET_OUTCOME", "stop_id", stopId, "outcome", StopEffects.outcomeJson(outcome));
        }
    }

    /**
     * Reads a change from JSON-like values, as {@link #toJson()} writes it.
     *
     * @param json the object
     * @return the change
     * @throws io.fleetgate.error.InvalidRequestException naming the field that is missing or wrong
     */
    static PlanChange fromJson(Map<?, ?> json) {
        Object op = json.get("op");
        if (!(op instanceof String name)) {
            throw FleetgateException.invalid("plan.op", "must be ADD_STOP, REMOVE_STOP, REORDER_STOPS, SKIP_STOP"
                    + " or SET_OUTCOME");
        }
        return switch (name) {
            case "ADD_STOP" -> {
                if (!(json.get("stop") instanceof Map<?, ?> stop)) {
                    throw FleetgateException.invalid("plan.stop", "must be a stop object");
                }
                @SuppressWarnings("unchecked")
                Map<String, ?> typed = (Map<String, ?>) stop;
                Object position = json.get("position");
                yield new AddStop(Stop.fromJson(typed), position == null ? null : Stop.whole("plan.position", position));
            }
            case "REMOVE_STOP" -> new RemoveStop(text("plan.stop_id", json.get("stop_id")));
            case "SKIP_STOP" -> new SkipStop(text("plan.stop_id", json.get("stop_id")));
            case "REORDER_STOPS" -> {
                if (!(json.get("order") instanceof List<?> list)) {
                    throw FleetgateException.invalid("plan.order", "must list the batch's stop ids");
                }
                List<String> order = new ArrayList<>();
                for (Object id : list) {
                    order.add(text("plan.order", id));
                }
                yield new ReorderStops(order);
            }
            case "SET_OUTCOME" -> new SetOutcome(text("plan.stop_id", json.get("stop_id")),
                    StopEffects.outcome("plan.outcome", json.get("outcome")));
            default -> throw FleetgateException.invalid("plan.op", "must be ADD_STOP, REMOVE_STOP, REORDER_STOPS,"
                    + " SKIP_STOP or SET_OUTCOME");
        };
    }

    private static String text(String field, Object value) {
        if (!(value instanceof String s)) {
            throw FleetgateException.invalid(field, "must be a stop id");
        }
        return s;
    }
}
