package io.fleetgate.execution;

import java.util.List;

/**
 * One page of events, oldest first. Immutable.
 *
 * @param events the events
 * @param next   the cursor for the following page, or {@code null} when this is the last
 */
public record EventPage(List<DriverEvent> events, String next) {
    /**
     * Checks and normalises the components.
     *
     * @param events the events
     * @param next the cursor for the following page, or {@code null} when this is the last
     */
    public EventPage {
        events = List.copyOf(events);
    }
}
