package io.fleetgate.execution;

import java.util.List;
import java.util.Map;

/**
 * Sync stage 7, persist: the accepted event, as the log will hold it, joins the call's events to
 * commit, and its batch moves on (status, current and visited stops, start and end, metadata merged
 * from the payload, version + 1: {@link StopEffects}) for the events after it. Writes into the call only; the service
 * commits the whole call at once. Refuses nothing.
 *
 * <p>Stateless and thread-safe; one per service, shared by every call.
 */
final class SyncPersist {
    /** Records the event with its flags and the stop it concerned, and moves its batch. */
    void persist(SyncCall call, SyncParse.Parsed p, Batch b, DriverStateMachine.Decision d, List<String> flags,
                 StopEffects.Result r) {
        DriverEventRequest e = p.event();
        Batch after = r.after();
        DriverEvent stored = new DriverEvent(e.eventId(), b.id(), b.workspaceId(), b.driverId(),
                call.principal().userId(), e.sessionId(), e.type(), b.status(), d.to(), after.version(),
                e.recordedAt(), call.now(), e.lat(), e.lng(), e.accuracyMeters(), r.stopIndex(),
                e.payload() == null ? Map.of() : e.payload(), e.reason(), p.hash(), !flags.isEmpty(), flags,
                r.stopId());
        call.accept(stored, after);
    }
}
