package io.fleetgate.execution;

import io.fleetgate.Principal;
import io.fleetgate.error.FleetgateException;

/**
 * Sync stage 2, authorize: the event's batch exists and the sender may act on it (may see it, by
 * {@link BatchAccess#visible}, the rule reads follow too, and their role may record the event),
 * checked before anything reads the sender's events for it. Writes nothing but the answer to a
 * refused event: a batch the sender may not see is answered exactly as an unknown one
 * ({@code NOT_FOUND}, same message) and leaves no row anywhere; an event on a visible batch that
 * the sender's role may not record ({@code FORBIDDEN}) is quarantined in the batch's workspace.
 *
 * <p>Stateless and thread-safe; one per service, shared by every call.
 */
final class SyncAuthorize {
    /** {@return the event's batch, or {@code null} if the event was refused (and answered)} */
    Batch authorize(SyncCall call, DriverEventRequest e) {
        Batch b = call.batch(e.batchId());
        if (b == null || !call.visible(b)) {
            call.refuse(e, null, FleetgateException.notFound("batch", e.batchId()));
            return null;
        }
        Principal principal = call.principal();
        try {
            if (principal instanceof Principal.Driver
                    && (e.type() == DriverEventType.SUPERVISOR_OVERRIDE || e.type() == DriverEventType.DRIVER_LOGGED_IN)) {
                throw FleetgateException.forbidden("a driver may not record " + e.type());
            }
            if (principal instanceof Principal.Supervisor && e.type() != DriverEventType.SUPERVISOR_OVERRIDE) {
                throw FleetgateException.forbidden("a supervisor records only SUPERVISOR_OVERRIDE");
            }
            if (principal instanceof Principal.Member) {
                throw FleetgateException.forbidden("a workspace member may only read");
            }
        } catch (FleetgateException ex) {
            call.refuse(e, b, ex);
            return null;
        }
        return b;
    }
}
