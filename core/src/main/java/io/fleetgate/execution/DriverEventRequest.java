package io.fleetgate.execution;

import java.time.Instant;
import java.util.Map;

/**
 * One event as a driver's device (or a supervisor) sent it, possibly recorded offline long
 * before. Validated by the service; the record accepts anything so that a host can pass what it
 * received.
 *
 * @param eventId      the client-generated id (a UUID, at most 64 characters); resending the same
 *                     event with the same id is harmless
 * @param batchId      the batch it belongs to
 * @param type         what happened
 * @param recordedAt   when it happened, by the device's clock
 * @param sessionId    the device session it was recorded under, or {@code null}
 * @param lat          latitude where it happened, or {@code null}
 * @param lng          longitude, or {@code null} (both or neither)
 * @param accuracyMeters    reported GPS accuracy in metres, or {@code null}
 * @param stopIndex    the stop it concerns (required for ARRIVED_AT_STOP), or {@code null}
 * @param payload      free-form JSON-like data; its {@code metadata} object, if any, is merged
 *                     into the batch's execution metadata
 * @param targetStatus for SUPERVISOR_OVERRIDE only: the status to move to
 * @param reason       for SUPERVISOR_OVERRIDE only: why (required)
 * @param signature    base64 HMAC-SHA256 of the canonical encoding under the signing key of
 *                     {@code sessionId} ({@link io.fleetgate.session.EventSignatures}), or
 *                     {@code null}; required where the workspace requires signed events
 * @param stopId       the stop it concerns, by its stable id (wins over {@code stopIndex}, and still
 *                     names the same stop after a supervisor reorders the plan), or {@code null}
 */
public record DriverEventRequest(
        String eventId,
        String batchId,
        DriverEventType type,
        Instant recordedAt,
        String sessionId,
        Double lat,
        Double lng,
        Double accuracyMeters,
        Integer stopIndex,
        Map<String, Object> payload,
        DriverStatus targetStatus,
        String reason,
        String signature,
        String stopId) {

    /**
     * An event naming its stop by index only, as sent before stops had ids.
     *
     * @param eventId      the client id
     * @param batchId      the batch
     * @param type         what happened
     * @param recordedAt   when
     * @param sessionId    the session, or {@code null}
     * @param lat          latitude, or {@code null}
     * @param lng          longitude, or {@code null}
     * @param accuracyMeters    accuracy, or {@code null}
     * @param stopIndex    the stop, or {@code null}
     * @param payload      data, or {@code null}
     * @param targetStatus an override's target, or {@code null}
     * @param reason       an override's reason, or {@code null}
     * @param signature    the signature, or {@code null}
     */
    public DriverEventRequest(String eventId, String batchId, DriverEventType type, Instant recordedAt,
                              String sessionId, Double lat, Double lng, Double accuracyMeters, Integer stopIndex,
                              Map<String, Object> payload, DriverStatus targetStatus, String reason, String signature) {
        this(eventId, batchId, type, recordedAt, sessionId, lat, lng, accuracyMeters, stopIndex, payload, targetStatus,
                reason, signature, null);
    }

    /**
     * An unsigned event.
     *
     * @param eventId      the client id
     * @param batchId      the batch
     * @param type         what happened
     * @param recordedAt   when
     * @param sessionId    the session, or {@code null}
     * @param lat          latitude, or {@code null}
     * @param lng          longitude, or {@code null}
     * @param accuracyMeters    accuracy, or {@code null}
     * @param stopIndex    the stop, or {@code null}
     * @param payload      data, or {@code null}
     * @param targetStatus an override's target, or {@code null}
     * @param reason       an override's reason, or {@code null}
     */
    public DriverEventRequest(String eventId, String batchId, DriverEventType type, Instant recordedAt,
                              String sessionId, Double lat, Double lng, Double accuracyMeters, Integer stopIndex,
                              Map<String, Object> payload, DriverStatus targetStatus, String reason) {
        this(eventId, batchId, type, recordedAt, sessionId, lat, lng, accuracyMeters, stopIndex, payload, targetStatus,
                reason, null);
    }

    /**
     * An event without location or extras.
     *
     * @param eventId    the client id
     * @param batchId    the batch
     * @param type       what happened
     * @param recordedAt when
     * @return the request
     */
    public static DriverEventRequest of(String eventId, String batchId, DriverEventType type, Instant recordedAt) {
        return new DriverEventRequest(eventId, batchId, type, recordedAt, null, null, null, null, null, null, null, null,
                null);
    }

    /**
     * {@return a copy located there}
     *
     * @param lat       latitude
     * @param lng       longitude
     * @param accuracyMeters accuracy in metres, or {@code null}
     */
    public DriverEventRequest at(double lat, double lng, Double accuracyMeters) {
        return new DriverEventRequest(eventId, batchId, type, recordedAt, sessionId, lat, lng, accuracyMeters, stopIndex,
                payload, targetStatus, reason, signature, stopId);
    }

    /**
     * {@return a copy naming that stop}
     *
     * @param index the stop index
     */
    public DriverEventRequest stop(int index) {
        return new DriverEventRequest(eventId, batchId, type, recordedAt, sessionId, lat, lng, accuracyMeters, index,
                payload, targetStatus, reason, signature, stopId);
    }

    /**
     * {@return a copy carrying it}
     *
     * @param data the payload
     */
    public DriverEventRequest payload(Map<String, Object> data) {
        return new DriverEventRequest(eventId, batchId, type, recordedAt, sessionId, lat, lng, accuracyMeters, stopIndex,
                data, targetStatus, reason, signature, stopId);
    }

    /**
     * {@return a copy recorded under that session}
     *
     * @param session the session id
     */
    public DriverEventRequest session(String session) {
        return new DriverEventRequest(eventId, batchId, type, recordedAt, session, lat, lng, accuracyMeters, stopIndex,
                payload, targetStatus, reason, signature, stopId);
    }

    /**
     * {@return a copy carrying an override's target and reason}
     *
     * @param target the status to move to
     * @param why    the reason
     */
    public DriverEventRequest override(DriverStatus target, String why) {
        return new DriverEventRequest(eventId, batchId, type, recordedAt, sessionId, lat, lng, accuracyMeters, stopIndex,
                payload, target, why, signature, stopId);
    }

    /**
     * {@return a copy carrying it}
     *
     * @param base64 the signature
     */
    public DriverEventRequest signed(String base64) {
        return new DriverEventRequest(eventId, batchId, type, recordedAt, sessionId, lat, lng, accuracyMeters, stopIndex,
                payload, targetStatus, reason, base64, stopId);
    }

    /**
     * {@return a copy naming that stop by id}
     *
     * @param id the stop id
     */
    public DriverEventRequest stop(String id) {
        return new DriverEventRequest(eventId, batchId, type, recordedAt, sessionId, lat, lng, accuracyMeters, stopIndex,
                payload, targetStatus, reason, signature, id);
    }
}
