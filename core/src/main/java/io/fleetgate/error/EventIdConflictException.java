package io.fleetgate.error;

import java.util.List;
import java.util.Map;

/**
 * {@link ErrorCode#EVENT_ID_CONFLICT}: an event id the sender already used arrived again with
 * different content. Inside a sync it is a per-event result. Detail {@code event_ids}. Immutable.
 */
public final class EventIdConflictException extends FleetgateException {
    private static final long serialVersionUID = 1L;

    /** The ids in conflict. */
    private final List<String> eventIds;

    /**
     * Creates the refusal.
     *
     * @param eventIds the ids in conflict
     * @param message  why
     */
    public EventIdConflictException(List<String> eventIds, String message) {
        super(ErrorCode.EVENT_ID_CONFLICT, message, Map.of("event_ids", List.copyOf(eventIds)), null);
        this.eventIds = List.copyOf(eventIds);
    }

    /** {@return the ids in conflict} */
    public List<String> eventIds() {
        return eventIds;
    }
}
