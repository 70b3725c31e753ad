package io.fleetgate.position;

import java.time.Instant;
import java.util.List;

/**
 * What an {@link io.fleetgate.execution.PositionService#ingest} did. Immutable.
 *
 * @param accepted           fixes stored now
 * @param duplicates         fixes already stored with the same content (nothing written)
 * @param conflicts          {@code recorded_at} of fixes already stored with other content (the
 *                           stored one kept, nothing written)
 * @param marked             of those accepted, how many were marked implausible
 * @param arrivalsConfirmed  earlier arrivals these fixes confirmed ({@code ARRIVAL_UNCONFIRMED}
 *                           review items closed by the system)
 */
public record PositionReceipt(int accepted, int duplicates, List<Instant> conflicts, int marked,
                              int arrivalsConfirmed) {
    /**
     * Copies the list.
     *
     * @param accepted          fixes stored now
     * @param duplicates        fixes already stored alike
     * @param conflicts         recorded times stored with other content
     * @param marked            accepted fixes marked implausible
     * @param arrivalsConfirmed arrivals confirmed
     */
    public PositionReceipt {
        conflicts = List.copyOf(conflicts);
    }
}
