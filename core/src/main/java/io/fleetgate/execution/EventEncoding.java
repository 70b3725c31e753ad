package io.fleetgate.execution;

import io.fleetgate.internal.Json;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * The one byte form of an event that "same content" means, on every store and on the device that
 * signs it.
 *
 * <p>The canonical encoding is the UTF-8 of a JSON object holding the event's fields that are not
 * {@code null}, under these keys: {@code accuracy_m, batch_id, event_id, event_type, lat, lng,
 * payload, reason, recorded_at, stop_index, target_status}. Keys are sorted (also inside the
 * payload), there is no whitespace, numbers are written in plain decimal notation without exponent
 * or trailing zeros ({@code 30.2672}, {@code 100}, {@code 0.5}, zero as {@code 0}; at most 40
 * characters), and {@code recorded_at} is UTC with exactly six
 * fraction digits ({@code 2026-11-22T10:00:00.000000Z}). The session id is left out on purpose:
 * the same event resent under a later session is still the same event. Stateless and thread-safe.
 */
public final class EventEncoding {
    private static final DateTimeFormatter RECORDED_AT =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    private EventEncoding() {
    }

    /**
     * {@return its canonical encoding as text}
     *
     * @param e an event with valid fields
     * @throws IllegalArgumentException if a number is not finite or the payload is not JSON-like
     */
    public static String canonical(DriverEventRequest e) {
        return Json.write(fields(e, false));
    }

    /**
     * Everything an event carried, for keeping a refused one: the canonical fields plus
     * {@code session_id} and {@code signature}. Never fails: values that cannot be encoded (a
     * NaN, a payload that is not JSON-like) are written as strings describing them.
     *
     * @param e an event as received
     * @return a JSON encoding of everything it carried
     */
    public static String lenient(DriverEventRequest e) {
        Map<String, Object> m = fields(e, true);
        put(m, "session_id", e.sessionId());
        put(m, "signature", e.signature());
        try {
            return Json.write(m);
        } catch (IllegalArgumentException tooDeep) {
            m.put("payload", "<payload not storable: " + tooDeep.getMessage() + ">");
            return Json.write(m);
        }
    }

    private static final java.util.regex.Pattern SHA256_HEX = java.util.regex.Pattern.compile("[0-9a-f]{64}");

    /**
     * {@return whether the text is a hex SHA-256 as {@link #sha256} writes it: 64 lower-case hex
     * digits}
     *
     * @param text the text, or {@code null}
     */
    static boolean isSha256(String text) {
        return text != null && SHA256_HEX.matcher(text).matches();
    }

    /**
     * {@return the hex SHA-256 of its UTF-8 bytes}
     *
     * @param canonical an encoding
     */
    public static String sha256(String canonical) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(canonical.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", ex);
        }
    }

    /**
     * {@return it as the encoding writes {@code recorded_at}}
     *
     * @param instant an instant
     */
    public static String timestamp(Instant instant) {
        return RECORDED_AT.format(instant);
    }

    private static Map<String, Object> fields(DriverEventRequest e, boolean lenient) {
        Map<String, Object> m = new TreeMap<>();
        put(m, "accuracy_m", number(e.accuracyMeters(), lenient));
        put(m, "batch_id", e.batchId());
        put(m, "event_id", e.eventId());
        put(m, "event_type", e.type() == null ? null : e.type().name());
        put(m, "lat", number(e.lat(), lenient));
        put(m, "lng", number(e.lng(), lenient));
        put(m, "payload", lenient ? lenientPayload(e.payload()) : e.payload());
        put(m, "reason", e.reason());
        put(m, "recorded_at", e.recordedAt() == null ? null : lenient ? e.recordedAt().toString() : timestamp(e.recordedAt()));
        put(m, "stop_id", e.stopId());
        put(m, "stop_index", e.stopIndex());
        put(m, "target_status", e.targetStatus() == null ? null : e.targetStatus().name());
        return m;
    }

    /** The payload if it is JSON-like, else a note saying why not (never the objects' own text). */
    private static Object lenientPayload(Map<String, Object> payload) {
        if (payload == null) {
            return null;
        }
        try {
            return Json.normalise("payload", payload);
        } catch (RuntimeException ex) {
            return "<payload not storable: " + ex.getMessage() + ">";
        }
    }

    private static Object number(Double d, boolean lenient) {
        if (d != null && lenient) {
            try {
                Json.normalise("number", d);
            } catch (RuntimeException notEncodable) {
                return d.toString();
            }
        }
        return d;
    }

    private static void put(Map<String, Object> m, String key, Object value) {
        if (value != null) {
            m.put(key, value);
        }
    }
}
