package io.fleetgate.examples.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetgate.exclusive.ExclusiveSession;
import io.fleetgate.execution.Batch;
import io.fleetgate.execution.DriverEvent;
import io.fleetgate.execution.EventOutcome;
import io.fleetgate.execution.QuarantinedEvent;
import io.fleetgate.execution.ReviewItem;
import io.fleetgate.execution.ReviewRecord;
import io.fleetgate.error.FleetgateException;
import io.fleetgate.execution.ProofRequirement;
import io.fleetgate.execution.Stop;
import io.fleetgate.execution.StopProgress;
import io.fleetgate.geo.Coordinate;
import io.fleetgate.geo.Corridor;
import io.fleetgate.position.FixMark;
import io.fleetgate.position.PositionAlert;
import io.fleetgate.position.PositionReceipt;
import io.fleetgate.position.RecordedFix;
import io.fleetgate.supervisor.DriverBoardRow;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON objects of the contract, built from library values: snake_case fields, ISO-8601 UTC
 * timestamps, every documented field present ({@code null} when the library has no value).
 * Stateless and thread-safe.
 */
final class Views {
    private Views() {
    }

    /**
     * @param s   an exclusive session
     * @param now the server clock, for {@code remaining_seconds}
     * @return the session object
     */
    static Map<String, Object> session(ExclusiveSession s, Instant now) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", s.id());
        m.put("driver_id", s.driverId());
        m.put("merchant_id", s.merchantId());
        m.put("merchant_place_id", s.merchantPlaceId());
        m.put("charger_id", s.chargerId());
        m.put("charger_place_id", s.chargerPlaceId());
        m.put("intent_session_id", s.intentSessionId());
        m.put("status", s.status().name());
        m.put("activated_at", time(s.activatedAt()));
        m.put("expires_at", time(s.expiresAt()));
        m.put("completed_at", time(s.completedAt()));
        m.put("remaining_seconds", s.remainingSeconds(now));
        m.put("activation_lat", s.activationLat());
        m.put("activation_lng", s.activationLng());
        m.put("activation_accuracy_m", s.activationAccuracyMeters());
        m.put("activation_distance_to_charger_m", s.activationDistanceToChargerMeters());
        return m;
    }

    /**
     * The batch object: the original fields, plus each stop's id, window, proof requirement,
     * polygon and progress (status, arrival, outcome, proof counts, late), the next stop, removed
     * stops, the batch's lateness and its corridor. A stop's expected code hash is never shown: it
     * would let a client search the code offline.
     *
     * @param b   a batch
     * @param now the server's instant (lateness)
     * @return the batch object
     */
    static Map<String, Object> batch(Batch b, Instant now) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", b.id());
        m.put("workspace_id", b.workspaceId());
        m.put("driver_id", b.driverId());
        m.put("driver_status", b.status().name());
        m.put("current_stop_index", b.currentStopIndex());
        m.put("actual_start_time", time(b.actualStartTime()));
        m.put("actual_end_time", time(b.actualEndTime()));
        List<Map<String, Object>> stops = new ArrayList<>();
        for (Stop s : b.stops()) {
            stops.add(stop(s, b.progressOf(s.id()), now));
        }
        m.put("stops", stops);
        m.put("version", b.version());
        m.put("next_stop_id", b.nextStop().map(Stop::id).orElse(null));
        m.put("removed_stop_ids", b.removedStops());
        m.put("lateness_s", b.lateness(now).toSeconds());
        m.put("corridor", corridor(b.corridor()));
        return m;
    }

    /**
     * @param c a corridor, or {@code null}
     * @return {@code {"line": [[lat, lng], …], "width_m"}}, or {@code null}
     */
    static Map<String, Object> corridor(Corridor c) {
        if (c == null) {
            return null;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("line", Coordinate.toJson(c.line()));
        m.put("width_m", c.widthMeters());
        return m;
    }

    private static Map<String, Object> stop(Stop s, StopProgress p, Instant now) {
        Map<String, Object> stop = new LinkedHashMap<>();
        stop.put("id", s.id());
        stop.put("lat", s.location().lat());
        stop.put("lng", s.location().lng());
        stop.put("radius_m", s.radiusMeters());
        if (s.window() != null) {
            Map<String, Object> w = new LinkedHashMap<>();
            w.put("earliest", time(s.window().earliest()));
            w.put("latest", time(s.window().latest()));
            stop.put("window", w);
        } else {
            stop.put("window", null);
        }
        stop.put("proof", s.proof().stream().map(ProofRequirement::toJson).toList());
        stop.put("polygon", s.polygon() == null ? null : Coordinate.toJson(s.polygon().ring()));
        stop.put("status", p.status().name());
        stop.put("arrived_at", time(p.arrivedAt()));
        stop.put("early", p.early());
        stop.put("outcome_at", time(p.outcomeAt()));
        stop.put("reason", p.reason());
        stop.put("note", p.note());
        stop.put("corrected", p.corrected());
        Map<String, Object> captured = new LinkedHashMap<>();
        p.proofs().forEach((kind, hashes) -> captured.put(kind.name(), hashes.size()));
        stop.put("proof_captured", captured);
        stop.put("late", p.late(s.window(), now));
        return stop;
    }

    /**
     * Reads stops as the fixtures and plan changes give them ({@link Stop#fromJson}); a stop
     * without an id gets the one the library would give it at its position.
     *
     * @param array the stops
     * @return the stops
     * @throws FleetgateException {@code INVALID_REQUEST} naming the field that is wrong
     */
    static List<Stop> stops(JsonNode array) {
        if (array == null || !array.isArray()) {
            throw FleetgateException.invalid("stops", "must be an array of stops");
        }
        List<Stop> stops = new ArrayList<>();
        for (JsonNode s : array) {
            Stop stop = stop(s);
            stops.add(stop.id() == null ? stop.withId(Stop.generatedId(stops.size())) : stop);
        }
        return stops;
    }

    /**
     * @param node one stop object
     * @return the stop
     * @throws FleetgateException {@code INVALID_REQUEST} naming the field that is wrong
     */
    @SuppressWarnings("unchecked")
    static Stop stop(JsonNode node) {
        if (node == null || !node.isObject()) {
            throw FleetgateException.invalid("stops", "must hold objects");
        }
        return Stop.fromJson((Map<String, Object>) JsonIo.plain(node));
    }

    /**
     * @param e an accepted event
     * @return the event object
     */
    static Map<String, Object> event(DriverEvent e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("event_id", e.eventId());
        m.put("driver_id", e.driverId());
        m.put("batch_id", e.batchId());
        m.put("session_id", e.sessionId());
        m.put("event_type", e.type().name());
        m.put("driver_status", e.status().name());
        m.put("recorded_at", time(e.recordedAt()));
        m.put("synced_at", time(e.syncedAt()));
        m.put("lat", e.lat());
        m.put("lng", e.lng());
        m.put("accuracy_m", e.accuracyMeters());
        m.put("stop_index", e.stopIndex());
        m.put("stop_id", e.stopId());
        m.put("payload", e.payload());
        m.put("flagged_for_review", e.flaggedForReview());
        m.put("flag_reasons", e.flagReasons());
        return m;
    }

    /**
     * A review queue item: the event object plus {@code quarantined}, {@code reasons} and
     * {@code client_event_id}. For a quarantined event, {@code event_id} is the quarantine
     * record's id (what {@code POST /v1/supervisor/review} takes) and the other fields are read
     * from what the phone sent. A position alert is shaped the same ({@link #alertItem}) plus
     * {@code kind} and {@code alert}.
     *
     * @param item an open item
     * @return the item object
     */
    static Map<String, Object> reviewItem(ReviewItem item) {
        if (item.alert() != null) {
            return alertItem(item.alert());
        }
        if (!item.isQuarantined()) {
            Map<String, Object> m = event(item.event());
            m.put("client_event_id", item.event().eventId());
            // event ids are unique per sender only: review takes it when two senders used one id
            m.put("sender_id", item.senderId());
            m.put("quarantined", false);
            m.put("reasons", item.event().flagReasons());
            return m;
        }
        QuarantinedEvent q = item.quarantined();
        JsonNode sent = sentContent(q.content());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("event_id", q.id());
        m.put("driver_id", q.senderId());
        m.put("batch_id", q.batchId());
        m.put("session_id", q.sessionId());
        m.put("event_type", JsonIo.plain(sent.get("event_type")));
        m.put("driver_status", null);
        m.put("recorded_at", JsonIo.plain(sent.get("recorded_at")));
        m.put("synced_at", time(q.receivedAt()));
        m.put("lat", JsonIo.plain(sent.get("lat")));
        m.put("lng", JsonIo.plain(sent.get("lng")));
        m.put("accuracy_m", JsonIo.plain(sent.get("accuracy_m")));
        m.put("stop_index", JsonIo.plain(sent.get("stop_index")));
        m.put("stop_id", JsonIo.plain(sent.get("stop_id")));
        Object payload = JsonIo.plain(sent.get("payload"));
        m.put("payload", payload == null ? Map.of() : payload);
        m.put("flagged_for_review", false);
        m.put("flag_reasons", List.of());
        m.put("client_event_id", q.eventId());
        m.put("quarantined", true);
        m.put("reasons", List.of(q.errorCode().name() + ": " + q.reason()));
        return m;
    }

    /**
     * A position alert as a review queue item: the fields every item has, so a client that knows
     * only events still lists it (an item flagged for review, {@code quarantined} false, whose
     * {@code reasons} say what it is about), plus {@code "kind": "alert"} and the {@code alert}
     * object. {@code event_id} is the alert's id (what {@code POST /v1/supervisor/review} takes),
     * {@code recorded_at} the start of the span it covers, {@code synced_at} when it was raised;
     * the event fields it has no value for are {@code null}.
     *
     * @param a the alert
     * @return the item object
     */
    static Map<String, Object> alertItem(PositionAlert a) {
        List<String> reasons = List.of(a.kind().name() + ": " + a.detail());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("event_id", a.id());
        m.put("driver_id", a.driverId());
        m.put("batch_id", a.batchId());
        m.put("session_id", null);
        m.put("event_type", null);
        m.put("driver_status", null);
        m.put("recorded_at", time(a.firstAt()));
        m.put("synced_at", time(a.createdAt()));
        m.put("lat", null);
        m.put("lng", null);
        m.put("accuracy_m", null);
        m.put("stop_index", null);
        m.put("stop_id", null);
        m.put("payload", Map.of());
        m.put("flagged_for_review", true);
        m.put("flag_reasons", reasons);
        m.put("client_event_id", null);
        m.put("quarantined", false);
        m.put("reasons", reasons);
        m.put("kind", "alert");
        m.put("alert", alert(a));
        return m;
    }

    /**
     * @param a a position alert
     * @return {@code {"id", "kind", "driver_id", "batch_id", "first_at", "last_at", "count", "detail"}}
     */
    static Map<String, Object> alert(PositionAlert a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", a.id());
        m.put("kind", a.kind().name());
        m.put("driver_id", a.driverId());
        m.put("batch_id", a.batchId());
        m.put("first_at", time(a.firstAt()));
        m.put("last_at", time(a.lastAt()));
        m.put("count", a.count());
        m.put("detail", a.detail());
        return m;
    }

    /**
     * @param f a stored fix
     * @return the fix object: {@code recorded_at}, the place and the phone's readings as sent, the
     *         {@code marks} (names, in the order of {@link FixMark}), and whose and when it arrived
     */
    static Map<String, Object> fix(RecordedFix f) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("recorded_at", time(f.recordedAt()));
        m.put("lat", f.fix().location().lat());
        m.put("lng", f.fix().location().lng());
        m.put("accuracy_m", f.fix().accuracyMeters());
        m.put("speed_mps", f.fix().speedMps());
        m.put("heading_deg", f.fix().headingDegrees());
        m.put("marks", f.marks().stream().sorted().map(FixMark::name).toList());
        m.put("driver_id", f.driverId());
        m.put("batch_id", f.batchId());
        m.put("received_at", time(f.receivedAt()));
        return m;
    }

    /**
     * @param r what an ingest did
     * @return {@code {"accepted", "duplicates", "conflicts": [recorded_at, …], "marked", "arrivals_confirmed"}}
     */
    static Map<String, Object> receipt(PositionReceipt r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("accepted", r.accepted());
        m.put("duplicates", r.duplicates());
        m.put("conflicts", r.conflicts().stream().sorted().map(Views::time).toList());
        m.put("marked", r.marked());
        m.put("arrivals_confirmed", r.arrivalsConfirmed());
        return m;
    }

    private static JsonNode sentContent(String content) {
        try {
            JsonNode node = JsonIo.MAPPER.readTree(content);
            return node != null && node.isObject() ? node : JsonIo.MAPPER.createObjectNode();
        } catch (Exception unreadable) {
            return JsonIo.MAPPER.createObjectNode();
        }
    }

    /**
     * @param r a review record
     * @return the review object
     */
    static Map<String, Object> review(ReviewRecord r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", r.id());
        m.put("event_id", r.itemId());
        m.put("quarantined", r.quarantined());
        m.put("item_kind", r.itemKind().name());
        m.put("sender_id", r.itemSenderId());
        m.put("reviewer_id", r.reviewerId());
        m.put("note", r.note());
        m.put("reviewed_at", time(r.reviewedAt()));
        return m;
    }

    /**
     * @param row a status board row
     * @return the driver row object: the original fields, the stop figures, and the position
     *         stream's {@code quiet}, {@code last_fix_at} and {@code last_fix_age_s}
     */
    static Map<String, Object> boardRow(DriverBoardRow row) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("driver_id", row.driverId());
        m.put("batch_id", row.batchId());
        m.put("driver_status", row.status() == null ? null : row.status().name());
        m.put("last_active_at", time(row.lastActiveAt()));
        m.put("next_stop_id", row.nextStopId());
        m.put("stops_done", row.stopsDone());
        m.put("stops_failed", row.stopsFailed());
        m.put("stops_late", row.stopsLate());
        m.put("lateness_s", row.lateness().toSeconds());
        m.put("quiet", row.quiet());
        m.put("last_fix_at", time(row.lastFixAt()));
        m.put("last_fix_age_s", row.lastFixAge() == null ? null : row.lastFixAge().toSeconds());
        return m;
    }

    /**
     * One entry of a sync's {@code results}.
     *
     * @param eventId what the phone sent as {@code event_id} (echoed as sent)
     * @param o       the library's outcome
     * @return the result object
     */
    static Map<String, Object> result(Object eventId, EventOutcome o) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("event_id", eventId);
        m.put("outcome", o.result().name());
        switch (o.result()) {
            case ACCEPTED -> {
                m.put("driver_status", o.status().name());
                m.put("flagged_for_review", o.flaggedForReview());
            }
            case DUPLICATE -> m.put("driver_status", o.status() == null ? null : o.status().name());
            case REJECTED -> {
                m.put("error", o.error().name());
                m.put("message", o.message());
            }
        }
        return m;
    }

    /**
     * A result for an event the host could not even read into a request.
     *
     * @param eventId what the phone sent as {@code event_id}
     * @param message what is wrong with it, naming the field
     * @return the REJECTED result object
     */
    static Map<String, Object> unreadable(Object eventId, String message) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("event_id", eventId);
        m.put("outcome", EventOutcome.Result.REJECTED.name());
        m.put("error", "INVALID_REQUEST");
        m.put("message", message);
        return m;
    }

    /**
     * @param t an instant, or {@code null}
     * @return it in ISO-8601 UTC, or {@code null}
     */
    static String time(Instant t) {
        return t == null ? null : t.toString();
    }
}
