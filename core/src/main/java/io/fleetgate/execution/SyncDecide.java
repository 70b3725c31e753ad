package io.fleetgate.execution;

import io.fleetgate.error.FleetgateException;
import io.fleetgate.error.InvalidTransitionException;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Sync stage 5, decide: the {@link DriverStateMachine} allows the event from the batch's status,
 * and a batch going on route
 * leaves its driver with no other batch on route, in the store or in this call. Reads the driver's
 * batches on route; writes nothing but the answer to a refused event ({@code INVALID_TRANSITION}
 * or {@code INVALID_REQUEST}), quarantined in the batch's workspace.
 *
 * <p>Immutable and thread-safe; one per service, shared by every call.
 */
final class SyncDecide {
    private final DriverStateMachine machine;

    SyncDecide(DriverStateMachine machine) {
        this.machine = machine;
    }

    /** {@return the state machine's decision, or {@code null} if the event was refused (and answered)} */
    DriverStateMachine.Decision decide(SyncCall call, DriverEventRequest e, Batch b) {
        try {
            StopEffects.requireCurrentVersion(b, e.type(), e.payload()); // a plan change decided on stale data
            DriverStateMachine.Decision d = machine.decide(b.status(), e.type(), e.targetStatus());
            if (!d.allowed()) {
                throw new InvalidTransitionException(d);
            }
            String driverId = b.driverId();
            if (!b.status().onRoute() && d.to().onRoute() && driverId != null) {
                String other = otherBatchOnRoute(call, driverId, b.id());
                if (other != null) {
                    throw new InvalidTransitionException(b.status(), e.type(), "driver " + driverId
                            + " already has batch " + other + " on route");
                }
            }
            return d;
        } catch (FleetgateException ex) {
            call.refuse(e, b, ex);
            return null;
        }
    }

    /** {@return another batch of the driver on route, as stored or as this call left it, or {@code null}} */
    private static String otherBatchOnRoute(SyncCall call, String driverId, String batchId) {
        List<String> stored = call.storedOnRoute(driverId);
        Set<String> candidates = new LinkedHashSet<>(stored);
        for (Batch touched : call.batchesRead()) {
            if (touched != null && driverId.equals(touched.driverId())) {
                candidates.add(touched.id());
            }
        }
        for (String id : candidates) {
            if (id.equals(batchId)) {
                continue;
            }
            Batch other = call.batch(id);
            if (other != null && other.status().onRoute() && driverId.equals(other.driverId())) {
                return id;
            }
        }
        return null;
    }
}
