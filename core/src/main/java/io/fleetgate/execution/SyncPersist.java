package io.fleetgate.execution;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Sync stage 7, persist: the accepted event, as the log will hold it, joins the call's events to
 * commit, and its batch moves on (status, current and visited stops, start and end, metadata merged
 * from the payload, version + 1) for the events after it. Writes into the call only; the service
 * commits the whole call at once. Refuses nothing.
 *
 * <p>Stateless and thread-safe; one per service, shared by every call.
 */
final class SyncPersist {
    /** Records the event with its flags and moves its batch. */
    void persist(SyncCall call, SyncParse.Parsed p, Batch b, DriverStateMachine.Decision d, List<String> flags) {
        DriverEventRequest e = p.event();
        Batch after = next(b, e, d.to(), call.now());
        DriverEvent stored = new DriverEvent(e.eventId(), b.id(), b.workspaceId(), b.driverId(),
                call.principal().userId(), e.sessionId(), e.type(), b.status(), d.to(), after.version(),
                e.recordedAt(), call.now(), e.lat(), e.lng(), e.accuracyMeters(), e.stopIndex(),
                e.payload() == null ? Map.of() : e.payload(), e.reason(), p.hash(), !flags.isEmpty(), flags);
        call.accept(stored, after);
    }

    private static Batch next(Batch b, DriverEventRequest e, DriverStatus to, Instant now) {
        Integer current = b.currentStopIndex();
        List<Integer> visited = b.visitedStops();
        Instant start = b.actualStartTime();
        Instant end = b.actualEndTime();
        boolean arrivesAtStop = e.type() == DriverEventType.ARRIVED_AT_STOP
                || (e.type() == DriverEventType.SUPERVISOR_OVERRIDE && to == DriverStatus.AT_STOP
                && e.stopIndex() != null);
        if (arrivesAtStop) {
            current = e.stopIndex();
            Set<Integer> v = new TreeSet<>(visited);
            v.add(e.stopIndex());
            visited = List.copyOf(v);
        }
        switch (e.type()) {
            case ROUTE_STARTED -> {
                start = e.recordedAt();
                end = null;
            }
            case ROUTE_COMPLETED -> end = e.recordedAt();
            case ROUTE_CANCELLED -> {
                current = null;
                visited = List.of();
            }
            default -> {
            }
        }
        Map<String, Object> metadata = b.metadata();
        if (e.payload() != null && e.payload().get("metadata") instanceof Map<?, ?> extra && !extra.isEmpty()) {
            Map<String, Object> merged = new TreeMap<>(metadata);
            extra.forEach((k, v) -> merged.put((String) k, v));
            metadata = merged;
        }
        return new Batch(b.id(), b.workspaceId(), b.driverId(), to, current, start, end, metadata,
                b.version() + 1, b.stops(), visited, b.createdAt(), now);
    }
}
