package io.fleetgate.execution;

import io.fleetgate.error.FleetgateException;
import io.fleetgate.error.InvalidTransitionException;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What one accepted event does to its batch beyond the status: the stop it names (by id, or by
 * index as older clients send), the stop's progress under {@link StopRules}, a supervisor's plan
 * change, the current and visited stops, start and end, metadata merged from the payload, the
 * version. One function for both the sync pipeline and {@link BatchReplay}, so replaying the log
 * gives the batch the pipeline stored.
 *
 * <p>The payload keys it reads: {@code outcome} ({@code DEPARTED_STOP}, {@code ROUTE_COMPLETED}),
 * {@code proof} ({@code PROOF_CAPTURED}), {@code plan} ({@code SUPERVISOR_OVERRIDE}); anywhere else
 * they are refused, so a client cannot believe it recorded what it did not.
 *
 * <p>Immutable and thread-safe.
 */
final class StopEffects {
    /** The payload keys with a meaning to the library. */
    static final String OUTCOME = "outcome";
    static final String PROOF = "proof";
    static final String PLAN = "plan";

    private final StopRules rules;

    StopEffects(StopRules rules) {
        this.rules = Objects.requireNonNull(rules, "rules");
    }

    /**
     * What happened, as a request sent it or the log holds it.
     *
     * @param type       the event type
     * @param stopIndex  the stop by position, or {@code null}
     * @param stopId     the stop by id (wins), or {@code null}
     * @param payload    the payload, or {@code null}
     * @param recordedAt when it happened
     */
    record Step(DriverEventType type, Integer stopIndex, String stopId, Map<String, Object> payload,
                Instant recordedAt) {
        static Step of(DriverEventRequest e) {
            return new Step(e.type(), e.stopIndex(), e.stopId(), e.payload(), e.recordedAt());
        }

        /** The logged event; a plan change names its stop in its plan, and the log's stop is its result. */
        static Step of(DriverEvent e) {
            if (e.payload().containsKey(PLAN)) {
                return new Step(e.type(), null, null, e.payload(), e.recordedAt());
            }
            return new Step(e.type(), e.stopId() == null ? e.stopIndex() : null, e.stopId(), e.payload(),
                    e.recordedAt());
        }
    }

    /**
     * The batch after an event, with the stop it concerned and the flags it raised.
     *
     * @param after     the batch after (version + 1)
     * @param stopIndex the stop's position when the event was applied, or {@code null}
     * @param stopId    the stop's id, or {@code null}
     * @param flags     reasons to review it (early arrival, a code that does not match)
     */
    record Result(Batch after, Integer stopIndex, String stopId, List<String> flags) {
    }

    /**
     * Checks the reserved payload keys' shapes, without the batch (sync's parse stage).
     *
     * @param type    the event type
     * @param payload the payload, or {@code null}
     * @throws io.fleetgate.error.InvalidRequestException naming the key that is misplaced or wrong
     */
    static void checkPayload(DriverEventType type, Map<String, Object> payload) {
        if (payload == null) {
            return;
        }
        outcomeOf(type, payload);
        proofOf(type, payload);
        planOf(type, payload);
    }

    /**
     * Applies the event.
     *
     * @param b    the batch before
     * @param s    the event
     * @param to   the status the state machine decided
     * @param now  the instant the batch changes at ({@code updated_at})
     * @return the batch after, with the stop concerned and any flags
     * @throws FleetgateException the stop rules' refusal: {@code INVALID_REQUEST} (unknown or
     *                            removed stop, bad plan change, reason code), {@code
     *                            INVALID_TRANSITION} (a visited stop, an immutable outcome), {@code
     *                            PROOF_REQUIRED}, {@code STOPS_OPEN}
     */
    Result apply(Batch b, Step s, DriverStatus to, Instant now) {
        try {
            return applyOrRefuse(b, s, to, now);
        } catch (StopRules.Refused r) {
            throw new InvalidTransitionException(b.status(), s.type(), r.getMessage());
        }
    }

    private Result applyOrRefuse(Batch b, Step s, DriverStatus to, Instant now) {
        Map<String, Object> payload = s.payload() == null ? Map.of() : s.payload();
        List<Stop> stops = b.stops();
        Progress progress = new Progress(b.progress());
        List<String> removed = b.removedStops();
        Integer current = b.currentStopIndex();
        List<Integer> visited = b.visitedStops();
        Instant start = b.actualStartTime();
        Instant end = b.actualEndTime();
        List<String> flags = new ArrayList<>(1);

        if (payload.containsKey(PLAN) && (s.stopId() != null || s.stopIndex() != null)) {
            throw FleetgateException.invalid("stop_id", "is not for a plan change: its stops are named in payload.plan");
        }
        Integer index = resolve(b, s);
        Stop named = index == null ? null : stops.get(index);
        switch (s.type()) {
            case ARRIVED_AT_STOP -> {
                if (index == null) {
                    throw FleetgateException.invalid("stop_id", "or stop_index is required for ARRIVED_AT_STOP");
                }
                if (visited.contains(index)) {
                    throw new StopRules.Refused("stop " + named.id() + " (index " + index
                            + ") was already visited; only a supervisor override can return to it");
                }
                StopProgress before = b.progressOf(named.id());
                StopProgress arrived = rules.arrive(named, before, s.recordedAt());
                progress.put(named.id(), arrived);
                if (arrived.early() && !before.early() && named.window() != null) {
                    flags.add(String.format(Locale.ROOT, "EARLY: arrived at stop %s %d min before its window",
                            named.id(), Duration.between(s.recordedAt(), named.window().earliest()).toMinutes()));
                }
                current = index;
                visited = plus(visited, index);
            }
            case PROOF_CAPTURED -> {
                Proof proof = proofOf(s.type(), payload);
                if (proof != null) {
                    Integer at = index != null ? index : current;
                    if (at == null) {
                        throw FleetgateException.invalid("stop_id", "names no stop and the driver is at none:"
                                + " proof belongs to a stop");
                    }
                    Stop stop = stops.get(at);
                    progress.put(stop.id(), rules.proof(stop, b.progressOf(stop.id()), proof));
                    if (!StopRules.codeMatches(stop, proof)) {
                        flags.add("CODE_MISMATCH: the code given at stop " + stop.id() + " is not the expected one");
                    }
                    index = at;
                    named = stop;
                }
            }
            case DEPARTED_STOP, ROUTE_COMPLETED -> {
                StopOutcome outcome = outcomeOf(s.type(), payload);
                // what is left is the stop the driver is at; naming another is a client's mistake
                Integer at = b.status() == DriverStatus.AT_STOP || s.type() == DriverEventType.DEPARTED_STOP
                        ? current : null;
                if (index != null && !index.equals(at)) {
                    throw FleetgateException.invalid(s.stopId() != null ? "stop_id" : "stop_index", "names stop "
                            + named.id() + ", but " + s.type() + " leaves the stop the driver is at ("
                            + (at == null ? "none" : stops.get(at).id()) + ")");
                }
                if (at != null) {
                    Stop stop = stops.get(at);
                    progress.put(stop.id(), rules.leave(stop, b.progressOf(stop.id()), outcome, s.recordedAt()));
                    index = at;
                    named = stop;
                } else if (outcome != null) {
                    throw FleetgateException.invalid("payload.outcome", "names no stop: the driver is at none");
                }
                if (s.type() == DriverEventType.ROUTE_COMPLETED) {
                    end = s.recordedAt();
                }
            }
            case SUPERVISOR_OVERRIDE -> {
                PlanChange change = planOf(s.type(), payload);
                if (change != null) {
                    Plan p = plan(b, change, payload, progress, s.recordedAt());
                    stops = p.stops;
                    removed = p.removed;
                    current = p.current;
                    visited = p.visited;
                    if (p.stopId != null) {
                        index = indexIn(stops, p.stopId);
                        named = index == null ? null : stops.get(index);
                    }
                } else if (to == DriverStatus.AT_STOP && index != null) {
                    progress.put(named.id(), rules.arrive(named, b.progressOf(named.id()), s.recordedAt()));
                    current = index;
                    visited = plus(visited, index);
                }
            }
            case ROUTE_STARTED -> {
                start = s.recordedAt();
                end = null;
            }
            case ROUTE_CANCELLED -> {
                current = null;
                visited = List.of();
            }
            default -> {
            }
        }
        Map<String, Object> metadata = b.metadata();
        if (payload.get("metadata") instanceof Map<?, ?> extra && !extra.isEmpty()) {
            Map<String, Object> merged = new TreeMap<>(metadata);
            extra.forEach((k, v) -> merged.put((String) k, v));
            metadata = merged;
        }
        Batch after = new Batch(b.id(), b.workspaceId(), b.driverId(), to, current, start, end, metadata,
                b.version() + 1, stops, visited, progress.map(), removed, b.corridor(), b.createdAt(), now);
        if (s.type() == DriverEventType.ROUTE_COMPLETED) {
            rules.requireAllDone(after);
        }
        return new Result(after, index, named == null ? null : named.id(), flags);
    }

    /** {@return the stop's position: by id (an unknown or removed one refused), else by index, else {@code null}} */
    private static Integer resolve(Batch b, Step s) {
        if (s.stopId() != null) {
            int i = b.indexOf(s.stopId());
            if (i >= 0) {
                return i;
            }
            if (b.removedStops().contains(s.stopId())) {
                throw FleetgateException.invalid("stop_id", "names stop " + s.stopId()
                        + ", which a supervisor removed from the plan of batch " + b.id());
            }
            throw FleetgateException.invalid("stop_id", "names no stop of batch " + b.id());
        }
        Integer stop = s.stopIndex();
        if (stop != null && stop >= b.stops().size()) {
            throw FleetgateException.invalid("stop_index", "names no stop of batch " + b.id() + " (it has "
                    + b.stops().size() + ")");
        }
        return stop;
    }

    /**
     * The batch's stop progress, copied at its first change only: most events (a delay, a resend
     * of an arrival, a departure from a stop that has its outcome) change no stop, and the batch
     * after them keeps the same map.
     */
    private static final class Progress {
        private final Map<String, StopProgress> before;
        private Map<String, StopProgress> changed;

        Progress(Map<String, StopProgress> before) {
            this.before = before;
        }

        void put(String stopId, StopProgress p) {
            if (!p.equals(map().get(stopId))) {
                writable().put(stopId, p);
            }
        }

        void remove(String stopId) {
            if (map().containsKey(stopId)) {
                writable().remove(stopId);
            }
        }

        Map<String, StopProgress> map() {
            return changed == null ? before : changed;
        }

        private Map<String, StopProgress> writable() {
            if (changed == null) {
                changed = new HashMap<>(before);
            }
            return changed;
        }
    }

    /** A plan after a change, with the stop it concerned. */
    private record Plan(List<Stop> stops, List<String> removed, Integer current, List<Integer> visited,
                        String stopId) {
    }

    /**
     * Refuses a plan change decided on another version of the batch than the one it meets. The
     * pipeline checks this before the state machine decides ({@link SyncDecide}), so a change
     * decided on stale data is always answered as stale, whatever else moved; replay meets each
     * change at its own version.
     *
     * @param b       the batch as it is
     * @param type    the event's type
     * @param payload the event's payload, or {@code null}
     * @throws FleetgateException {@code INVALID_REQUEST} on {@value PlanChange#STALE_VERSION_FIELD}
     */
    static void requireCurrentVersion(Batch b, DriverEventType type, Map<String, Object> payload) {
        if (type != DriverEventType.SUPERVISOR_OVERRIDE || payload == null || !(payload.get(PLAN) instanceof Map)) {
            return;
        }
        long expected = expectedVersion(payload);
        if (expected != b.version()) {
            throw FleetgateException.invalid(PlanChange.STALE_VERSION_FIELD, "is " + expected + " but batch "
                    + b.id() + " is at version " + b.version());
        }
    }

    private Plan plan(Batch b, PlanChange change, Map<String, Object> payload, Progress progress, Instant at) {
        requireCurrentVersion(b, DriverEventType.SUPERVISOR_OVERRIDE, payload);
        List<Stop> stops = new ArrayList<>(b.stops());
        List<String> removed = b.removedStops();
        String concerned;
        if (change instanceof PlanChange.AddStop add) {
            String id = add.stop().id();
            if (b.indexOf(id) >= 0 || removed.contains(id)) {
                throw FleetgateException.invalid("plan.stop.id", "is already used in batch " + b.id());
            }
            int position = add.position() == null ? stops.size() : add.position();
            if (position > stops.size()) {
                throw FleetgateException.invalid("plan.position", "must be 0 to " + stops.size());
            }
            if (stops.size() >= DriverExecutionService.MAX_STOPS) {
                throw FleetgateException.invalid("plan.stop", "batch " + b.id() + " already has "
                        + DriverExecutionService.MAX_STOPS + " stops");
            }
            stops.add(position, add.stop());
            concerned = id;
        } else if (change instanceof PlanChange.RemoveStop remove) {
            Stop stop = existing(b, remove.stopId());
            rules.requireRemovable(stop, b.progressOf(stop.id()));
            int i = b.indexOf(stop.id());
            if (b.status() == DriverStatus.AT_STOP && Objects.equals(b.currentStopIndex(), i)) {
                throw FleetgateException.invalid("plan.stop_id", "stop " + stop.id()
                        + " is where the driver is now");
            }
            stops.remove(i);
            progress.remove(stop.id());
            List<String> more = new ArrayList<>(removed);
            more.add(stop.id());
            removed = more;
            concerned = null;
        } else if (change instanceof PlanChange.ReorderStops reorder) {
            List<String> order = reorder.order();
            Set<String> ids = new HashSet<>(order);
            if (order.size() != stops.size() || ids.size() != order.size()
                    || !ids.stream().allMatch(id -> b.indexOf(id) >= 0)) {
                throw FleetgateException.invalid("plan.order", "must list each of the batch's "
                        + stops.size() + " stop ids once");
            }
            for (int i = 0; i < stops.size(); i++) {
                Stop s = stops.get(i);
                StopStatus status = b.progressOf(s.id()).status();
                if (status != StopStatus.PENDING && !order.get(i).equals(s.id())) {
                    throw FleetgateException.invalid("plan.order", "moves stop " + s.id() + ", which is "
                            + status + "; only PENDING stops are reordered");
                }
            }
            stops.clear();
            for (String id : order) {
                stops.add(b.stops().get(b.indexOf(id)));
            }
            concerned = null;
        } else if (change instanceof PlanChange.SkipStop skip) {
            Stop stop = existing(b, skip.stopId());
            progress.put(stop.id(), rules.skip(stop, b.progressOf(stop.id()), PlanChange.SkipStop.REASON, at));
            concerned = stop.id();
        } else {
            PlanChange.SetOutcome set = (PlanChange.SetOutcome) change;
            Stop stop = existing(b, set.stopId());
            progress.put(stop.id(), rules.setOutcome(stop, b.progressOf(stop.id()), set.outcome(), at));
            concerned = stop.id();
        }
        // positions follow their stops' ids
        Integer current = b.currentStopIndex() == null ? null : indexIn(stops, b.stops().get(b.currentStopIndex()).id());
        TreeSet<Integer> visited = new TreeSet<>();
        for (Integer v : b.visitedStops()) {
            Integer moved = indexIn(stops, b.stops().get(v).id());
            if (moved != null) {
                visited.add(moved);
            }
        }
        return new Plan(stops, removed, current, List.copyOf(visited), concerned);
    }

    private static Stop existing(Batch b, String stopId) {
        int i = b.indexOf(stopId);
        if (i < 0) {
            throw FleetgateException.invalid("plan.stop_id", b.removedStops().contains(stopId)
                    ? "names stop " + stopId + ", already removed from the plan"
                    : "names no stop of batch " + b.id());
        }
        return b.stops().get(i);
    }

    private static Integer indexIn(List<Stop> stops, String id) {
        int i = Batch.indexOf(stops, id);
        return i < 0 ? null : i;
    }

    private static List<Integer> plus(List<Integer> visited, int index) {
        if (visited.contains(index)) {
            return visited;
        }
        TreeSet<Integer> v = new TreeSet<>(visited);
        v.add(index);
        return List.copyOf(v);
    }

    // --- the reserved payload keys -------------------------------------------------------------

    private static StopOutcome outcomeOf(DriverEventType type, Map<String, Object> payload) {
        Map<?, ?> m = reserved(payload, OUTCOME, type, "{status, reason, note}", DriverEventType.DEPARTED_STOP,
                DriverEventType.ROUTE_COMPLETED);
        if (m == null) {
            return null;
        }
        StopOutcome outcome = outcome("payload.outcome", m);
        if (outcome.status() == StopStatus.SKIPPED) {
            throw FleetgateException.invalid("payload.outcome.status", "a driver gives COMPLETED or FAILED;"
                    + " only a supervisor skips a stop");
        }
        return outcome;
    }

    private static Proof proofOf(DriverEventType type, Map<String, Object> payload) {
        Map<?, ?> m = reserved(payload, PROOF, type, "{kind, hash, ref}", DriverEventType.PROOF_CAPTURED);
        if (m == null) {
            return null;
        }
        onlyKeys("payload.proof", m, Set.of("kind", "hash", "ref"));
        Object hash = m.get("hash");
        Object ref = m.get("ref");
        if ((hash != null && !(hash instanceof String)) || (ref != null && !(ref instanceof String))) {
            throw FleetgateException.invalid("payload.proof", "hash and ref must be text");
        }
        return new Proof(Stop.kind("payload.proof.kind", m.get("kind")), (String) hash, (String) ref);
    }

    private static PlanChange planOf(DriverEventType type, Map<String, Object> payload) {
        Map<?, ?> m = reserved(payload, PLAN, type, "{op, …, expected_version}", DriverEventType.SUPERVISOR_OVERRIDE);
        if (m == null) {
            return null;
        }
        expectedVersion(payload);
        return PlanChange.fromJson(m);
    }

    /**
     * {@return the reserved key's object, or {@code null} when the payload has none}
     *
     * @throws FleetgateException {@code INVALID_REQUEST} when it is on another event type or not
     *                            an object
     */
    private static Map<?, ?> reserved(Map<String, Object> payload, String key, DriverEventType type, String shape,
                                      DriverEventType... on) {
        Object value = payload.get(key);
        if (value == null) {
            return null;
        }
        if (!java.util.Arrays.asList(on).contains(type)) {
            throw FleetgateException.invalid("payload." + key, "is only for "
                    + DriverStateMachine.joined(new java.util.LinkedHashSet<>(java.util.Arrays.asList(on)), " and "));
        }
        if (!(value instanceof Map<?, ?> m)) {
            throw FleetgateException.invalid("payload." + key, "must be an object " + shape);
        }
        return m;
    }

    private static void onlyKeys(String field, Map<?, ?> m, Set<String> keys) {
        for (Object key : m.keySet()) {
            if (!keys.contains(key)) {
                throw FleetgateException.invalid(field + "." + key, "is not one of its fields: "
                        + String.join(", ", new TreeSet<>(keys)));
            }
        }
    }

    private static long expectedVersion(Map<String, Object> payload) {
        Object v = ((Map<?, ?>) payload.get(PLAN)).get("expected_version");
        if (!(v instanceof Number n) || n.doubleValue() < 0 || n.doubleValue() != Math.rint(n.doubleValue())) {
            throw FleetgateException.invalid("payload.plan.expected_version", "is required: the batch version"
                    + " the change was decided on");
        }
        return n.longValue();
    }

    /**
     * {@return an outcome from JSON-like values {@code {"status", "reason"?, "note"?}}}
     *
     * @param field the field, for a refusal
     * @param value the object
     */
    static StopOutcome outcome(String field, Object value) {
        if (!(value instanceof Map<?, ?> m)) {
            throw FleetgateException.invalid(field, "must be an object {status, reason, note}");
        }
        onlyKeys(field, m, Set.of("status", "reason", "note"));
        StopStatus status = null;
        if (m.get("status") instanceof String text) {
            for (StopStatus st : StopStatus.values()) {
                if (st.name().equals(text) && st.hasOutcome()) {
                    status = st;
                }
            }
        }
        if (status == null) {
            throw FleetgateException.invalid(field + ".status", "must be COMPLETED, FAILED or SKIPPED");
        }
        Object reason = m.get("reason");
        Object note = m.get("note");
        if ((reason != null && !(reason instanceof String)) || (note != null && !(note instanceof String))) {
            throw FleetgateException.invalid(field, "reason and note must be text");
        }
        return new StopOutcome(status, (String) reason, (String) note);
    }

    /** {@return the outcome as {@link #outcome} reads it} @param o an outcome */
    static Map<String, Object> outcomeJson(StopOutcome o) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", o.status().name());
        if (o.reason() != null) {
            m.put("reason", o.reason());
        }
        if (o.note() != null) {
            m.put("note", o.note());
        }
        return m;
    }
}
