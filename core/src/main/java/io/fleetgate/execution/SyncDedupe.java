package io.fleetgate.execution;

import io.fleetgate.error.EventIdConflictException;

import java.util.List;

/**
 * Sync stage 3, dedupe, against the sender's own events only (event ids are unique per workspace
 * and sender): the sender's id again with the same content is answered {@code DUPLICATE} with the
 * batch's status and writes nothing; other content under the id is refused
 * ({@code EVENT_ID_CONFLICT}, quarantined). Another sender's use of the id is a different event and
 * is never seen here; an id the store found taken by an event it hides from the sender is a
 * conflict, never a duplicate.
 *
 * <p>Stateless and thread-safe; one per service, shared by every call.
 */
final class SyncDedupe {
    /** {@return whether the event was answered here (a duplicate or a conflict)} */
    boolean answered(SyncCall call, SyncParse.Parsed p, Batch b) {
        DriverEventRequest e = p.event();
        String known = call.knownHash(b.workspaceId(), e.eventId());
        if (known == null && call.hidden(e.eventId())) {
            known = ""; // taken by an event the store hid from the sender: never the same content
        }
        if (known == null) {
            return false;
        }
        if (known.equals(p.hash())) {
            call.duplicate(e.eventId(), b.status());
        } else {
            call.refuse(e, b, new EventIdConflictException(List.of(e.eventId()),
                    "event " + e.eventId() + " was already recorded with different content"));
        }
        return true;
    }
}
