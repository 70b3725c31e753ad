package io.fleetgate.execution;

import io.fleetgate.Ids;
import io.fleetgate.SyncSettings;
import io.fleetgate.error.FleetgateException;
import io.fleetgate.geo.Coordinate;
import io.fleetgate.geo.Geo;
import io.fleetgate.internal.Json;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

/**
 * Sync stage 1, parse: an event's fields, ranges and canonical encoding, checked without reading
 * the store (the event's batch is read only to decide where a refusal is filed). Writes nothing
 * but the answer to a refused event: {@code INVALID_REQUEST}, quarantined only if the event's
 * batch id names a batch the sender may see, else leaving no row anywhere.
 *
 * <p>Immutable and thread-safe; one per service, shared by every call.
 */
final class SyncParse {
    private static final Instant EARLIEST = Instant.parse("2000-01-01T00:00:00Z");

    private final SyncSettings settings;

    SyncParse(SyncSettings settings) {
        this.settings = settings;
    }

    /**
     * An event that passed {@link #parse}: normalised, with its canonical encoding and hash.
     *
     * @param event     the normalised event
     * @param canonical its canonical encoding ({@link EventEncoding})
     * @param hash      the encoding's hex SHA-256
     */
    record Parsed(DriverEventRequest event, String canonical, String hash) {
    }

    /** {@return the parsed event, or {@code null} if it was refused (and answered)} */
    Parsed parse(SyncCall call, DriverEventRequest raw) {
        try {
            DriverEventRequest e = validate(raw, call.now());
            String canonical = canonical(e);
            return new Parsed(e, canonical, EventEncoding.sha256(canonical));
        } catch (FleetgateException ex) {
            Batch b = call.batch(SyncCall.validId(raw.batchId()));
            call.refuse(raw, b != null && call.visible(b) ? b : null, ex);
            return null;
        }
    }

    private DriverEventRequest validate(DriverEventRequest e, Instant now) {
        Ids.require("event_id", e.eventId());
        Ids.require("batch_id", e.batchId());
        if (e.type() == null) {
            throw FleetgateException.invalid("event_type", "is required");
        }
        if (e.recordedAt() == null) {
            throw FleetgateException.invalid("recorded_at", "is required");
        }
        if (e.recordedAt().isBefore(EARLIEST)) {
            throw FleetgateException.invalid("recorded_at", "must not be before " + EARLIEST);
        }
        if (e.recordedAt().isAfter(now.plus(settings.futureTolerance()))) {
            throw FleetgateException.invalid("recorded_at", "is more than "
                    + settings.futureTolerance().toSeconds() + " s ahead of the server clock");
        }
        Ids.optional("session_id", e.sessionId());
        if ((e.lat() == null) != (e.lng() == null)) {
            throw FleetgateException.invalid(e.lat() == null ? "lat" : "lng", "must be given with the other coordinate");
        }
        if (e.lat() != null) {
            Coordinate.of(e.lat(), e.lng());
        }
        Geo.checkAccuracy("accuracy_m", e.accuracyMeters());
        Ids.optional("stop_id", e.stopId());
        if (e.stopIndex() != null && e.stopIndex() < 0) {
            throw FleetgateException.invalid("stop_index", "must be 0 or more");
        }
        Map<String, Object> payload = e.payload() == null ? null : metadata("payload", e.payload());
        if (payload != null && payload.containsKey("metadata") && !(payload.get("metadata") instanceof Map)) {
            throw FleetgateException.invalid("payload.metadata", "must be an object");
        }
        StopEffects.checkPayload(e.type(), payload);
        boolean override = e.type() == DriverEventType.SUPERVISOR_OVERRIDE;
        if (override && e.targetStatus() == null) {
            throw FleetgateException.invalid("target_status", "is required for SUPERVISOR_OVERRIDE");
        }
        if (!override && e.targetStatus() != null) {
            throw FleetgateException.invalid("target_status", "is only for SUPERVISOR_OVERRIDE");
        }
        if (override && (e.reason() == null || e.reason().isBlank())) {
            throw FleetgateException.invalid("reason", "is required for SUPERVISOR_OVERRIDE");
        }
        if (e.reason() != null && e.reason().length() > DriverExecutionService.MAX_REASON_CHARS) {
            throw FleetgateException.invalid("reason", "must be at most " + DriverExecutionService.MAX_REASON_CHARS
                    + " characters");
        }
        if (e.reason() != null && e.reason().indexOf('\u0000') >= 0) {
            throw FleetgateException.invalid("reason", "must not contain NUL characters");
        }
        if (e.signature() != null && (e.signature().isBlank() || e.signature().length() > 200)) {
            throw FleetgateException.invalid("signature", "must be a base64 HMAC-SHA256");
        }
        return new DriverEventRequest(e.eventId(), e.batchId(), e.type(), e.recordedAt().truncatedTo(ChronoUnit.MICROS),
                e.sessionId(), positiveZero(e.lat()), positiveZero(e.lng()), positiveZero(e.accuracyMeters()),
                e.stopIndex(), payload, e.targetStatus(), e.reason(), e.signature(), e.stopId());
    }

    /**
     * {@return the value as stored: normalised JSON, an empty map for {@code null}} Also the rule
     * for a batch's metadata.
     *
     * @param field the field, for the refusal
     * @param value the map as sent
     * @throws FleetgateException {@code INVALID_REQUEST} if it is not JSON or encodes to more than
     *                            {@value DriverExecutionService#MAX_PAYLOAD_CHARS} characters
     */
    static Map<String, Object> metadata(String field, Map<String, Object> value) {
        if (value == null) {
            return Map.of();
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) Json.normalise(field, value);
        if (Json.write(m).length() > DriverExecutionService.MAX_PAYLOAD_CHARS) {
            throw FleetgateException.invalid(field, "must encode to at most " + DriverExecutionService.MAX_PAYLOAD_CHARS
                    + " characters");
        }
        return m;
    }

    /** The encoding, or a refusal for values validation let through but the encoding cannot hold. */
    private static String canonical(DriverEventRequest e) {
        try {
            return EventEncoding.canonical(e);
        } catch (IllegalArgumentException ex) {
            throw FleetgateException.invalid("event", "cannot be encoded: " + ex.getMessage());
        }
    }

    private static Double positiveZero(Double d) {
        return d == null ? null : d + 0.0;
    }
}
