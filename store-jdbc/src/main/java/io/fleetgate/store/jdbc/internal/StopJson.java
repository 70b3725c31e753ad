package io.fleetgate.store.jdbc.internal;

import io.fleetgate.execution.ProofKind;
import io.fleetgate.execution.ProofRequirement;
import io.fleetgate.execution.StopProgress;
import io.fleetgate.execution.StopStatus;
import io.fleetgate.geo.Coordinate;
import io.fleetgate.geo.Corridor;
import io.fleetgate.geo.PolygonFence;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON columns of migrations V11 and V12, in one place: a stop's proof requirements
 * ({@code batch_stops.proof}) and fence ring ({@code batch_stops.polygon}), a batch's stop
 * progress ({@code delivery_batches.stop_progress}), its removed stops
 * ({@code delivery_batches.removed_stops}) and its corridor's line ({@code delivery_batches.route},
 * beside {@code corridor_width_m}), as the JSON-like values {@link io.fleetgate.internal.Json}
 * writes and parses. The formats are those the migrations' comments describe:
 * <pre>
 * proof:         [{"kind": "PHOTO", "min_count": 2}, …]                  (NULL for none)
 * stop_progress: {"&lt;stop id&gt;": {"status": "ARRIVED", "arrived_at": "2026-11-22T10:00:00.123456Z",
 *                                "early": true, "outcome_at": "…", "reason": "…", "note": "…",
 *                                "proofs": {"PHOTO": ["&lt;hash&gt;", …]}, "corrected": true}, …}
 * removed_stops: ["&lt;stop id&gt;", …]                                      (NULL for none)
 * polygon:       [[30.2672, -97.7431], …]   the ring, no closing repeat  (NULL for the circle)
 * route:         [[30.2672, -97.7431], …]   in driving order             (NULL for no corridor)
 * </pre>
 * In a stop's progress {@code status} is always written; every other member is left out when it
 * is {@code null}, {@code false} or empty, and read back as such. Instants are ISO-8601 UTC text
 * ({@link Instant#toString()}, {@link Instant#parse}), so they come back exactly as written. A
 * NULL {@code stop_progress} reads as {@code null}: the {@link io.fleetgate.execution.Batch}
 * constructor then derives the progress from the visited stops, as for a row written before V11.
 * Stateless and thread-safe.
 */
public final class StopJson {
    private StopJson() {
    }

    /**
     * {@return the requirements as JSON-like values, or {@code null} for none (stored as NULL)}
     *
     * @param proof a stop's proof requirements
     */
    public static List<Object> proof(List<ProofRequirement> proof) {
        if (proof.isEmpty()) {
            return null;
        }
        List<Object> out = new ArrayList<>(proof.size());
        for (ProofRequirement r : proof) {
            out.add(r.toJson());
        }
        return out;
    }

    /**
     * {@return the requirements stored, in order; empty for NULL}
     *
     * @param json the parsed column ({@link io.fleetgate.internal.Json#parse}), or {@code null}
     * @throws IllegalStateException if it is not V11's format
     */
    public static List<ProofRequirement> proofOf(Object json) {
        if (json == null) {
            return List.of();
        }
        List<ProofRequirement> out = new ArrayList<>();
        for (Object item : list(json, "proof")) {
            Map<?, ?> m = map(item, "proof item");
            out.add(new ProofRequirement(ProofKind.valueOf(text(m.get("kind"), "proof kind")),
                    whole(m.get("min_count"), "proof min_count")));
        }
        return out;
    }

    /**
     * {@return each stop's progress as JSON-like values, by stop id}
     *
     * @param progress a batch's progress, by stop id
     */
    public static Map<String, Object> progress(Map<String, StopProgress> progress) {
        Map<String, Object> out = new LinkedHashMap<>();
        progress.forEach((stopId, p) -> out.put(stopId, progress(p)));
        return out;
    }

    private static Map<String, Object> progress(StopProgress p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", p.status().name());
        putIfSet(m, "arrived_at", p.arrivedAt() == null ? null : p.arrivedAt().toString());
        if (p.early()) {
            m.put("early", true);
        }
        putIfSet(m, "outcome_at", p.outcomeAt() == null ? null : p.outcomeAt().toString());
        putIfSet(m, "reason", p.reason());
        putIfSet(m, "note", p.note());
        if (!p.proofs().isEmpty()) {
            Map<String, Object> proofs = new LinkedHashMap<>();
            p.proofs().forEach((kind, hashes) -> proofs.put(kind.name(), List.copyOf(hashes)));
            m.put("proofs", proofs);
        }
        if (p.corrected()) {
            m.put("corrected", true);
        }
        return m;
    }

    /**
     * {@return the progress stored, by stop id, or {@code null} for NULL (derive it)}
     *
     * @param json the parsed column ({@link io.fleetgate.internal.Json#parse}), or {@code null}
     * @throws IllegalStateException if it is not V11's format
     */
    public static Map<String, StopProgress> progressOf(Object json) {
        if (json == null) {
            return null;
        }
        Map<String, StopProgress> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : map(json, "stop_progress").entrySet()) {
            Map<?, ?> m = map(e.getValue(), "stop progress");
            Map<ProofKind, List<String>> proofs = new EnumMap<>(ProofKind.class);
            if (m.get("proofs") != null) {
                for (Map.Entry<?, ?> k : map(m.get("proofs"), "proofs").entrySet()) {
                    proofs.put(ProofKind.valueOf((String) k.getKey()), strings(k.getValue(), "proof hashes"));
                }
            }
            out.put((String) e.getKey(), new StopProgress(
                    StopStatus.valueOf(text(m.get("status"), "stop status")),
                    instant(m.get("arrived_at")),
                    Boolean.TRUE.equals(m.get("early")),
                    instant(m.get("outcome_at")),
                    (String) m.get("reason"),
                    (String) m.get("note"),
                    proofs,
                    Boolean.TRUE.equals(m.get("corrected"))));
        }
        return out;
    }

    /**
     * {@return the ids, or {@code null} for none (stored as NULL)}
     *
     * @param removedStops a batch's removed stops
     */
    public static List<String> removed(List<String> removedStops) {
        return removedStops.isEmpty() ? null : removedStops;
    }

    /**
     * {@return the removed stops stored; empty for NULL}
     *
     * @param json the parsed column ({@link io.fleetgate.internal.Json#parse}), or {@code null}
     * @throws IllegalStateException if it is not a JSON array of strings
     */
    public static List<String> removedOf(Object json) {
        return json == null ? List.of() : strings(json, "removed_stops");
    }

    /**
     * {@return the ring's vertices as {@code [lat, lng]} pairs, or {@code null} for none (stored as NULL)}
     *
     * @param polygon a stop's fence ring, or {@code null} for the circle
     */
    public static List<Object> polygon(PolygonFence polygon) {
        return polygon == null ? null : Coordinate.toJson(polygon.ring());
    }

    /**
     * {@return the ring stored, or {@code null} for NULL (the stop's circle)}
     *
     * @param json the parsed column ({@link io.fleetgate.internal.Json#parse}), or {@code null}
     * @throws IllegalStateException if it is not a valid ring of {@code [lat, lng]} pairs
     */
    public static PolygonFence polygonOf(Object json) {
        if (json == null) {
            return null;
        }
        try {
            return PolygonFence.of(Coordinate.fromJson("polygon", json, PolygonFence.MAX_VERTICES));
        } catch (RuntimeException e) {
            throw new IllegalStateException("unexpected polygon in the database: " + json, e);
        }
    }

    /**
     * {@return the corridor's line as {@code [lat, lng]} pairs, or {@code null} for none (stored as NULL)}
     *
     * @param corridor a batch's corridor, or {@code null}
     */
    public static List<Object> route(Corridor corridor) {
        return corridor == null ? null : Coordinate.toJson(corridor.line());
    }

    /**
     * {@return the corridor stored, or {@code null} when both columns are NULL}
     *
     * @param json        the parsed {@code route} column, or {@code null}
     * @param widthMeters the {@code corridor_width_m} column, or {@code null}
     * @throws IllegalStateException if only one is set, or they make no valid corridor
     */
    public static Corridor corridorOf(Object json, Double widthMeters) {
        if (json == null && widthMeters == null) {
            return null;
        }
        if (json == null || widthMeters == null) {
            throw new IllegalStateException("unexpected corridor in the database: route " + json + ", width "
                    + widthMeters);
        }
        try {
            return Corridor.of(Coordinate.fromJson("route", json, Corridor.MAX_VERTICES), widthMeters);
        } catch (RuntimeException e) {
            throw new IllegalStateException("unexpected corridor in the database: route " + json + ", width "
                    + widthMeters, e);
        }
    }

    private static void putIfSet(Map<String, Object> m, String key, Object value) {
        if (value != null) {
            m.put(key, value);
        }
    }

    private static Instant instant(Object value) {
        return value == null ? null : Instant.parse(text(value, "instant"));
    }

    private static List<String> strings(Object json, String what) {
        List<String> out = new ArrayList<>();
        for (Object o : list(json, what)) {
            out.add(text(o, what));
        }
        return out;
    }

    private static List<?> list(Object json, String what) {
        if (!(json instanceof List<?> l)) {
            throw malformed(what, json);
        }
        return l;
    }

    private static Map<?, ?> map(Object json, String what) {
        if (!(json instanceof Map<?, ?> m)) {
            throw malformed(what, json);
        }
        return m;
    }

    private static String text(Object json, String what) {
        if (!(json instanceof String s)) {
            throw malformed(what, json);
        }
        return s;
    }

    private static int whole(Object json, String what) {
        if (!(json instanceof BigDecimal d)) {
            throw malformed(what, json);
        }
        return d.intValueExact();
    }

    private static IllegalStateException malformed(String what, Object json) {
        return new IllegalStateException("unexpected " + what + " in the database: " + json);
    }
}
