package io.fleetgate.error;

import java.util.List;
import java.util.Map;

/**
 * {@link ErrorCode#STOPS_OPEN}: a route's completion refused while stops have no outcome. Detail
 * {@code stop_ids}: those stops, in sequence. Immutable.
 */
public final class StopsOpenException extends FleetgateException {
    private static final long serialVersionUID = 1L;

    /** The stops without an outcome, in sequence. */
    private final transient List<String> stopIds;

    /**
     * Creates the refusal.
     *
     * @param batchId the batch
     * @param stopIds its stops without an outcome, at least one
     */
    public StopsOpenException(String batchId, List<String> stopIds) {
        super(ErrorCode.STOPS_OPEN, "batch " + batchId + " cannot be completed while stops have no outcome: "
                + String.join(", ", stopIds), Map.of("stop_ids", List.copyOf(stopIds)), null);
        this.stopIds = List.copyOf(stopIds);
    }

    /** {@return the stops without an outcome, in sequence} */
    public List<String> stopIds() {
        return stopIds;
    }
}
