package io.fleetgate.execution;

import io.fleetgate.Ids;
import io.fleetgate.error.FleetgateException;
import io.fleetgate.geo.Coordinate;
import io.fleetgate.geo.Fence;
import io.fleetgate.geo.Geofence;
import io.fleetgate.geo.PolygonFence;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One stop of a delivery batch: its stable id, where it is and how close counts as "there", when
 * it should be served and the proof of delivery it requires. Its position in the batch is its
 * sequence. Immutable.
 *
 * @param id           the host's id for it, unique within its batch (1 to 64 characters); {@code
 *                     null} when creating a batch lets the library name it {@code stop-<index>}
 * @param location     the stop
 * @param radiusMeters its geofence radius in metres, greater than 0
 * @param window       when it should be served, or {@code null} for any time
 * @param proof        what completing it requires, each kind at most once (empty for nothing)
 * @param codeHash     for {@link ProofKind#CODE}: lower-case hex SHA-256 of the one-time code the
 *                     recipient will give (the code itself is never stored), or {@code null} to
 *                     accept any code
 * @param polygon      the stop's fence as a ring (a yard, a campus), or {@code null} for the circle
 *                     of {@code radiusMeters} around {@code location}; with a ring, {@code
 *                     radiusMeters} still sets the exit margin (hysteresis)
 */
public record Stop(String id, Coordinate location, double radiusMeters, TimeWindow window,
                   List<ProofRequirement> proof, String codeHash, PolygonFence polygon) {
    /**
     * Checks and normalises the components.
     *
     * @param id           the stop's id, or {@code null} to have one generated
     * @param location     the stop
     * @param radiusMeters its geofence radius in metres, greater than 0
     * @param window       when it should be served, or {@code null}
     * @param proof        what completing it requires, or {@code null} for nothing
     * @param codeHash     the expected code's SHA-256, or {@code null}
     * @param polygon      the fence as a ring, or {@code null} for the circle
     */
    public Stop {
        Ids.optional("stops.id", id);
        if (location == null) {
            throw FleetgateException.invalid("stops.location", "is required");
        }
        if (!(radiusMeters > 0) || Double.isInfinite(radiusMeters)) {
            throw FleetgateException.invalid("stops.radius_m", "must be a positive number of metres");
        }
        proof = proof == null ? List.of() : List.copyOf(proof);
        Set<ProofKind> kinds = EnumSet.noneOf(ProofKind.class);
        for (ProofRequirement r : proof) {
            if (!kinds.add(r.kind())) {
                throw FleetgateException.invalid("stops.proof", "lists " + r.kind() + " twice");
            }
        }
        if (codeHash != null && !EventEncoding.isSha256(codeHash)) {
            throw FleetgateException.invalid("stops.code_hash", "must be a lower-case hex SHA-256 (64 characters)");
        }
    }

    /**
     * A stop fenced by the circle of {@code radiusMeters} around {@code location}.
     *
     * @param id           the stop's id, or {@code null} to have one generated
     * @param location     the stop
     * @param radiusMeters its geofence radius in metres, greater than 0
     * @param window       when it should be served, or {@code null}
     * @param proof        what completing it requires, or {@code null} for nothing
     * @param codeHash     the expected code's SHA-256, or {@code null}
     */
    public Stop(String id, Coordinate location, double radiusMeters, TimeWindow window, List<ProofRequirement> proof,
                String codeHash) {
        this(id, location, radiusMeters, window, proof, codeHash, null);
    }

    /**
     * A stop with only a place: no id yet, any time, no proof.
     *
     * @param location     the stop
     * @param radiusMeters its geofence radius in metres, greater than 0
     */
    public Stop(Coordinate location, double radiusMeters) {
        this(null, location, radiusMeters, null, List.of(), null);
    }

    /**
     * {@return the stop}
     *
     * @param lat          latitude
     * @param lng          longitude
     * @param radiusMeters radius in metres
     */
    public static Stop of(double lat, double lng, double radiusMeters) {
        return new Stop(Coordinate.of(lat, lng), radiusMeters);
    }

    /**
     * {@return a copy with that id}
     *
     * @param stopId the id, unique within the batch
     */
    public Stop withId(String stopId) {
        return new Stop(stopId, location, radiusMeters, window, proof, codeHash, polygon);
    }

    /**
     * {@return a copy with that window}
     *
     * @param w the window, or {@code null}
     */
    public Stop withWindow(TimeWindow w) {
        return new Stop(id, location, radiusMeters, w, proof, codeHash, polygon);
    }

    /**
     * {@return a copy that also requires {@code minCount} items of {@code kind}}
     *
     * @param kind     the kind
     * @param minCount 1 to 100
     */
    public Stop requiring(ProofKind kind, int minCount) {
        List<ProofRequirement> more = new ArrayList<>(proof);
        more.add(new ProofRequirement(kind, minCount));
        return new Stop(id, location, radiusMeters, window, more, codeHash, polygon);
    }

    /**
     * {@return a copy expecting that code}
     *
     * @param sha256 lower-case hex SHA-256 of the code, or {@code null}
     */
    public Stop withCodeHash(String sha256) {
        return new Stop(id, location, radiusMeters, window, proof, sha256, polygon);
    }

    /**
     * {@return a copy fenced by that ring}
     *
     * @param ring the ring, or {@code null} for the circle
     */
    public Stop withPolygon(PolygonFence ring) {
        return new Stop(id, location, radiusMeters, window, proof, codeHash, ring);
    }

    /** {@return the stop's fence: its ring if it has one, else the circle around its location} */
    public Fence fence() {
        return polygon != null ? polygon : new Geofence(location, radiusMeters);
    }

    /**
     * {@return the id the library gives a stop created without one}
     *
     * @param index the stop's position when its batch was created
     */
    public static String generatedId(int index) {
        return "stop-" + index;
    }

    /**
     * {@return the stop as JSON-like values, with the snake_case keys of {@link #fromJson}; absent
     * parts left out}
     */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("lat", location.lat());
        m.put("lng", location.lng());
        m.put("radius_m", radiusMeters);
        if (window != null) {
            Map<String, Object> w = new LinkedHashMap<>();
            if (window.earliest() != null) {
                w.put("earliest", EventEncoding.timestamp(window.earliest()));
            }
            if (window.latest() != null) {
                w.put("latest", EventEncoding.timestamp(window.latest()));
            }
            m.put("window", w);
        }
        if (!proof.isEmpty()) {
            List<Object> list = new ArrayList<>();
            for (ProofRequirement r : proof) {
                list.add(r.toJson());
            }
            m.put("proof", list);
        }
        if (codeHash != null) {
            m.put("code_hash", codeHash);
        }
        if (polygon != null) {
            m.put("polygon", Coordinate.toJson(polygon.ring()));
        }
        m.values().removeIf(Objects::isNull);
        return m;
    }

    /**
     * Reads a stop from JSON-like values: {@code {"id"?, "lat", "lng", "radius_m", "window"?:
     * {"earliest"?, "latest"?}, "proof"?: [{"kind", "min_count"?}], "code_hash"?, "polygon"?: [[lat, lng], …]}}, instants as
     * ISO-8601 text.
     *
     * @param json the object
     * @return the stop
     * @throws io.fleetgate.error.InvalidRequestException naming the field that is missing or wrong
     */
    public static Stop fromJson(Map<String, ?> json) {
        if (json == null) {
            throw FleetgateException.invalid("stops", "must hold objects");
        }
        for (String key : json.keySet()) {
            if (!KEYS.contains(key)) {
                throw FleetgateException.invalid("stops." + key, "is not a stop field");
            }
        }
        TimeWindow window = null;
        if (json.get("window") != null) {
            if (!(json.get("window") instanceof Map<?, ?> w)) {
                throw FleetgateException.invalid("stops.window", "must be an object");
            }
            window = new TimeWindow(instant("stops.window.earliest", w.get("earliest")),
                    instant("stops.window.latest", w.get("latest")));
        }
        List<ProofRequirement> proof = new ArrayList<>();
        if (json.get("proof") != null) {
            if (!(json.get("proof") instanceof List<?> list) || list.size() > ProofKind.values().length) {
                throw FleetgateException.invalid("stops.proof", "must be a list of at most "
                        + ProofKind.values().length + " requirements");
            }
            for (Object item : list) {
                if (!(item instanceof Map<?, ?> r)) {
                    throw FleetgateException.invalid("stops.proof", "must hold objects {kind, min_count}");
                }
                Object count = r.get("min_count");
                proof.add(new ProofRequirement(kind("stops.proof.kind", r.get("kind")),
                        count == null ? 1 : whole("stops.proof.min_count", count)));
            }
        }
        Object codeHash = json.get("code_hash");
        if (codeHash != null && !(codeHash instanceof String)) {
            throw FleetgateException.invalid("stops.code_hash", "must be text");
        }
        Object id = json.get("id");
        if (id != null && !(id instanceof String)) {
            throw FleetgateException.invalid("stops.id", "must be text");
        }
        PolygonFence polygon = json.get("polygon") == null ? null
                : PolygonFence.of(Coordinate.fromJson("stops.polygon", json.get("polygon"), PolygonFence.MAX_VERTICES + 1));
        return new Stop((String) id, Coordinate.of(number("stops.lat", json.get("lat")),
                number("stops.lng", json.get("lng"))), number("stops.radius_m", json.get("radius_m")), window, proof,
                (String) codeHash, polygon);
    }

    private static final Set<String> KEYS = Set.of("id", "lat", "lng", "radius_m", "window", "proof", "code_hash", "polygon");

    static ProofKind kind(String field, Object value) {
        if (value instanceof String text) {
            for (ProofKind k : ProofKind.values()) {
                if (k.name().equals(text)) {
                    return k;
                }
            }
        }
        throw FleetgateException.invalid(field, "must be SIGNATURE, PHOTO, NOTE or CODE");
    }

    static Instant instant(String field, Object value) {
        if (value == null) {
            return null;
        }
        try {
            return Instant.parse((String) value);
        } catch (ClassCastException | DateTimeParseException e) {
            throw FleetgateException.invalid(field, "must be an ISO-8601 instant such as 2026-12-07T10:00:00Z");
        }
    }

    private static double number(String field, Object value) {
        if (!(value instanceof Number n)) {
            throw FleetgateException.invalid(field, "is required and must be a number");
        }
        return n.doubleValue();
    }

    static int whole(String field, Object value) {
        if (value instanceof Number n) {
            double d = n.doubleValue();
            if (d == Math.rint(d) && Math.abs(d) <= Integer.MAX_VALUE) {
                return (int) d;
            }
        }
        throw FleetgateException.invalid(field, "must be a whole number");
    }
}
