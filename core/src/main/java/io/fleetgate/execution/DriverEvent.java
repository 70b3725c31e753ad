package io.fleetgate.execution;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * An accepted event in the append-only log. Immutable.
 *
 * @param eventId          the client-generated id
 * @param batchId          the batch
 * @param workspaceId      the batch's workspace
 * @param driverId         the batch's driver when it was recorded (the sender, for a driver), or
 *                         {@code null} for an override on an unassigned batch
 * @param actorId          who sent it: the driver, a supervisor or {@code system}
 * @param sessionId        the device session it was recorded under, or {@code null}
 * @param type             what happened
 * @param previousStatus   the batch's status before
 * @param status           the batch's status after (the seed's {@code driver_status})
 * @param batchVersion     the batch version this event produced; the log replays in this order
 * @param recordedAt       when it happened, by the device's clock
 * @param syncedAt         when the server accepted it
 * @param lat              latitude, or {@code null}
 * @param lng              longitude, or {@code null}
 * @param accuracyMeters        accuracy in metres, or {@code null}
 * @param stopIndex        the stop it concerns, or {@code null}
 * @param payload          free-form data (empty map when none)
 * @param reason           an override's reason, or {@code null}
 * @param contentHash      hex SHA-256 of the event's canonical encoding ({@link EventEncoding})
 * @param flaggedForReview whether a person should look at it
 * @param flagReasons      why, e.g. {@code OUTSIDE_GEOFENCE: 182 m from stop 0 (radius 100 m)}
 * @param stopId           the id of the stop it concerns (as resolved when it was accepted), or
 *                         {@code null}
 */
public record DriverEvent(
        String eventId,
        String batchId,
        String workspaceId,
        String driverId,
        String actorId,
        String sessionId,
        DriverEventType type,
        DriverStatus previousStatus,
        DriverStatus status,
        long batchVersion,
        Instant recordedAt,
        Instant syncedAt,
        Double lat,
        Double lng,
        Double accuracyMeters,
        Integer stopIndex,
        Map<String, Object> payload,
        String reason,
        String contentHash,
        boolean flaggedForReview,
        List<String> flagReasons,
        String stopId) {
    /**
     * Checks and normalises the components.
     *
     * @param eventId the client-generated id
     * @param batchId the batch
     * @param workspaceId the batch's workspace
     * @param driverId the batch's driver when it was recorded (the sender, for a driver), or {@code null} for an override on an unassigned batch
     * @param actorId who sent it: the driver, a supervisor or {@code system}
     * @param sessionId the device session it was recorded under, or {@code null}
     * @param type what happened
     * @param previousStatus the batch's status before
     * @param status the batch's status after (the seed's {@code driver_status})
     * @param batchVersion the batch version this event produced; the log replays in this order
     * @param recordedAt when it happened, by the device's clock
     * @param syncedAt when the server accepted it
     * @param lat latitude, or {@code null}
     * @param lng longitude, or {@code null}
     * @param accuracyMeters accuracy in metres, or {@code null}
     * @param stopIndex the stop it concerns, or {@code null}
     * @param payload free-form data (empty map when none)
     * @param reason an override's reason, or {@code null}
     * @param contentHash hex SHA-256 of the event's canonical encoding ({@link EventEncoding})
     * @param flaggedForReview whether a person should look at it
     * @param flagReasons why, e.g. {@code OUTSIDE_GEOFENCE: 182 m from stop 0 (radius 100 m)}
     * @param stopId the stop's id, or {@code null}
     */
    public DriverEvent {
        payload = Map.copyOf(payload);
        flagReasons = List.copyOf(flagReasons);
    }

    /**
     * An event without a stop id, as logged before stops had ids.
     *
     * @param eventId the client-generated id
     * @param batchId the batch
     * @param workspaceId the batch's workspace
     * @param driverId the batch's driver when it was recorded, or {@code null}
     * @param actorId who sent it
     * @param sessionId the device session, or {@code null}
     * @param type what happened
     * @param previousStatus the batch's status before
     * @param status the batch's status after
     * @param batchVersion the batch version this event produced
     * @param recordedAt when it happened, by the device's clock
     * @param syncedAt when the server accepted it
     * @param lat latitude, or {@code null}
     * @param lng longitude, or {@code null}
     * @param accuracyMeters accuracy in metres, or {@code null}
     * @param stopIndex the stop it concerns, or {@code null}
     * @param payload free-form data
     * @param reason an override's reason, or {@code null}
     * @param contentHash hex SHA-256 of the event's canonical encoding
     * @param flaggedForReview whether a person should look at it
     * @param flagReasons why
     */
    public DriverEvent(String eventId, String batchId, String workspaceId, String driverId, String actorId,
                       String sessionId, DriverEventType type, DriverStatus previousStatus, DriverStatus status,
                       long batchVersion, Instant recordedAt, Instant syncedAt, Double lat, Double lng,
                       Double accuracyMeters, Integer stopIndex, Map<String, Object> payload, String reason,
                       String contentHash, boolean flaggedForReview, List<String> flagReasons) {
        this(eventId, batchId, workspaceId, driverId, actorId, sessionId, type, previousStatus, status, batchVersion,
                recordedAt, syncedAt, lat, lng, accuracyMeters, stopIndex, payload, reason, contentHash,
                flaggedForReview, flagReasons, null);
    }

    /** {@return whether the event carries a location} */
    public boolean located() {
        return lat != null && lng != null;
    }
}
