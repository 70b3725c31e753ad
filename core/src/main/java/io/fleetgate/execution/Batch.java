package io.fleetgate.execution;

import io.fleetgate.error.FleetgateException;
import io.fleetgate.geo.Corridor;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A delivery batch (a route) and where its execution stands. Immutable.
 *
 * @param id                the host's id
 * @param workspaceId       the workspace it belongs to
 * @param driverId          the assigned driver, or {@code null} when unassigned
 * @param status            the execution status (the state machine's state)
 * @param currentStopIndex  the stop the driver last arrived at, or {@code null}
 * @param actualStartTime   when the route was started ({@code recorded_at} of ROUTE_STARTED), or {@code null}
 * @param actualEndTime     when it was completed ({@code recorded_at} of ROUTE_COMPLETED), or {@code null}
 * @param metadata          execution metadata: set at creation, merged from events' {@code payload.metadata}
 * @param version           bumped with every change of the row; each accepted event records the
 *                          version it produced, so the log replays in this order
 * @param stops             the ordered stops
 * @param visitedStops      indexes of the stops arrived at since the route (re)started, ascending
 * @param progress          where each stop stands, by stop id (stops absent are PENDING)
 * @param removedStops      ids of stops a supervisor removed from the plan; events naming them are
 *                          quarantined
 * @param corridor          the planned route and the band around it the driver should keep to
 *                          ({@code OFF_CORRIDOR} review items), or {@code null} for none
 * @param createdAt         when it was created
 * @param updatedAt         when it last changed
 */
public record Batch(
        String id,
        String workspaceId,
        String driverId,
        DriverStatus status,
        Integer currentStopIndex,
        Instant actualStartTime,
        Instant actualEndTime,
        Map<String, Object> metadata,
        long version,
        List<Stop> stops,
        List<Integer> visitedStops,
        Map<String, StopProgress> progress,
        List<String> removedStops,
        Corridor corridor,
        Instant createdAt,
        Instant updatedAt) {
    /**
     * Checks and normalises the components.
     *
     * @param id the host's id
     * @param workspaceId the workspace it belongs to
     * @param driverId the assigned driver, or {@code null} when unassigned
     * @param status the execution status (the state machine's state)
     * @param currentStopIndex the stop the driver last arrived at, or {@code null}
     * @param actualStartTime when the route was started ({@code recorded_at} of ROUTE_STARTED), or {@code null}
     * @param actualEndTime when it was completed ({@code recorded_at} of ROUTE_COMPLETED), or {@code null}
     * @param metadata execution metadata: set at creation, merged from events' {@code payload.metadata}
     * @param version bumped with every change of the row; each accepted event records the version it produced, so the log replays in this order
     * @param stops the ordered stops
     * @param visitedStops indexes of the stops arrived at since the route (re)started, ascending
     * @param progress where each stop stands, by stop id, or {@code null} to derive it as a batch
     *                 stored before stops had statuses: a visited stop the driver has left is
     *                 COMPLETED, the one they are at ARRIVED
     * @param removedStops ids of stops removed from the plan, or {@code null} for none
     * @param corridor the planned route's corridor, or {@code null}
     * @param createdAt when it was created
     * @param updatedAt when it last changed
     */
    public Batch {
        Objects.requireNonNull(status, "status");
        metadata = Map.copyOf(metadata);
        stops = named(stops);
        visitedStops = List.copyOf(visitedStops);
        progress = progress == null ? derived(stops, visitedStops, currentStopIndex, status) : Map.copyOf(progress);
        removedStops = removedStops == null ? List.of() : List.copyOf(removedStops);
    }

    /**
     * A batch whose stops' progress is derived from its visited stops, as stored before stops had
     * statuses.
     *
     * @param id the host's id
     * @param workspaceId the workspace it belongs to
     * @param driverId the assigned driver, or {@code null}
     * @param status the execution status
     * @param currentStopIndex the stop the driver last arrived at, or {@code null}
     * @param actualStartTime when the route was started, or {@code null}
     * @param actualEndTime when it was completed, or {@code null}
     * @param metadata execution metadata
     * @param version the version
     * @param stops the ordered stops
     * @param visitedStops indexes of the stops arrived at since the route (re)started
     * @param createdAt when it was created
     * @param updatedAt when it last changed
     */
    public Batch(String id, String workspaceId, String driverId, DriverStatus status, Integer currentStopIndex,
                 Instant actualStartTime, Instant actualEndTime, Map<String, Object> metadata, long version,
                 List<Stop> stops, List<Integer> visitedStops, Instant createdAt, Instant updatedAt) {
        this(id, workspaceId, driverId, status, currentStopIndex, actualStartTime, actualEndTime, metadata, version,
                stops, visitedStops, null, null, null, createdAt, updatedAt);
    }

    /**
     * A batch without a corridor.
     *
     * @param id the host's id
     * @param workspaceId the workspace it belongs to
     * @param driverId the assigned driver, or {@code null}
     * @param status the execution status
     * @param currentStopIndex the stop the driver last arrived at, or {@code null}
     * @param actualStartTime when the route was started, or {@code null}
     * @param actualEndTime when it was completed, or {@code null}
     * @param metadata execution metadata
     * @param version the version
     * @param stops the ordered stops
     * @param visitedStops indexes of the stops arrived at since the route (re)started
     * @param progress where each stop stands, by stop id, or {@code null} to derive it
     * @param removedStops ids of stops removed from the plan, or {@code null}
     * @param createdAt when it was created
     * @param updatedAt when it last changed
     */
    public Batch(String id, String workspaceId, String driverId, DriverStatus status, Integer currentStopIndex,
                 Instant actualStartTime, Instant actualEndTime, Map<String, Object> metadata, long version,
                 List<Stop> stops, List<Integer> visitedStops, Map<String, StopProgress> progress,
                 List<String> removedStops, Instant createdAt, Instant updatedAt) {
        this(id, workspaceId, driverId, status, currentStopIndex, actualStartTime, actualEndTime, metadata, version,
                stops, visitedStops, progress, removedStops, null, createdAt, updatedAt);
    }

    /**
     * {@return the stop's position, or -1 if the plan has no stop with that id}
     *
     * @param stopId a stop id
     */
    public int indexOf(String stopId) {
        return indexOf(stops, stopId);
    }

    /** {@return the position of the stop with that id in the list, or -1} */
    static int indexOf(List<Stop> stops, String stopId) {
        for (int i = 0; i < stops.size(); i++) {
            if (stops.get(i).id().equals(stopId)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * {@return where the stop stands (PENDING if it has no entry)}
     *
     * @param stopId a stop id
     */
    public StopProgress progressOf(String stopId) {
        StopProgress p = progress.get(stopId);
        return p == null ? StopProgress.pending() : p;
    }

    /** {@return the first stop, in sequence, without an outcome; empty when every stop has one} */
    public Optional<Stop> nextStop() {
        return stops.stream().filter(s -> !progressOf(s.id()).status().hasOutcome()).findFirst();
    }

    /** {@return the ids of the stops without an outcome, in sequence} */
    public List<String> openStops() {
        return stops.stream().map(Stop::id).filter(id -> !progressOf(id).status().hasOutcome()).toList();
    }

    /**
     * {@return how many stops are in that status}
     *
     * @param stopStatus a stop status
     */
    public int count(StopStatus stopStatus) {
        return (int) stops.stream().filter(s -> progressOf(s.id()).status() == stopStatus).count();
    }

    /**
     * {@return the stops whose window has passed without an outcome at {@code now}, in sequence}
     *
     * @param now the instant asked about
     */
    public List<String> lateStops(Instant now) {
        return stops.stream().filter(s -> progressOf(s.id()).late(s.window(), now)).map(Stop::id).toList();
    }

    /**
     * {@return the batch's lateness at {@code now}: the longest {@link StopProgress#lateness} of its
     * stops; zero when none is late}
     *
     * @param now the instant asked about
     */
    public Duration lateness(Instant now) {
        Duration worst = Duration.ZERO;
        for (Stop s : stops) {
            Duration d = progressOf(s.id()).lateness(s.window(), now);
            if (d.compareTo(worst) > 0) {
                worst = d;
            }
        }
        return worst;
    }

    /**
     * Gives stops without an id the generated one for their position, and refuses duplicate ids.
     * Runs for every batch built (each event makes one), so a list that is already named and
     * immutable is returned as it is, and a short one is checked without a set.
     */
    private static List<Stop> named(List<Stop> stops) {
        List<Stop> out = null; // a copy, made only when a stop needs its generated id
        Set<String> seen = stops.size() > SMALL ? new HashSet<>() : null;
        for (int i = 0; i < stops.size(); i++) {
            Stop s = stops.get(i);
            if (s == null) {
                throw FleetgateException.invalid("stops", "must not contain null");
            }
            if (s.id() == null) {
                if (out == null) {
                    out = new ArrayList<>(stops.subList(0, i));
                }
                s = s.withId(Stop.generatedId(i));
            }
            boolean repeated = seen != null ? !seen.add(s.id()) : named(out == null ? stops : out, i, s.id());
            if (repeated) {
                throw FleetgateException.invalid("stops.id", "names stop " + s.id() + " twice");
            }
            if (out != null) {
                out.add(s);
            }
        }
        return List.copyOf(out == null ? stops : out);
    }

    /** Up to this many stops, duplicates are found by scanning rather than with a set. */
    private static final int SMALL = 16;

    /** {@return whether one of the first {@code end} stops already has that id} */
    private static boolean named(List<Stop> stops, int end, String id) {
        for (int k = 0; k < end; k++) {
            if (stops.get(k).id().equals(id)) {
                return true;
            }
        }
        return false;
    }

    /** The progress of a batch stored before stops had statuses. */
    private static Map<String, StopProgress> derived(List<Stop> stops, List<Integer> visited, Integer current,
                                                     DriverStatus status) {
        Map<String, StopProgress> out = new HashMap<>();
        for (Integer i : visited) {
            if (i >= 0 && i < stops.size()) {
                boolean here = i.equals(current) && status == DriverStatus.AT_STOP;
                out.put(stops.get(i).id(), new StopProgress(here ? StopStatus.ARRIVED : StopStatus.COMPLETED, null,
                        false, null, null, null, Map.of(), false));
            }
        }
        return Map.copyOf(out);
    }
}
