package io.fleetgate.examples.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetgate.error.FleetgateException;
import io.fleetgate.execution.DriverEventRequest;
import io.fleetgate.execution.DriverEventType;
import io.fleetgate.execution.DriverExecutionService;
import io.fleetgate.execution.DriverStatus;
import io.fleetgate.execution.EventOutcome;
import io.fleetgate.execution.EventPage;

import java.io.IOException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /v1/driver/*} (seed 004): event sync, a batch, a batch's events; calls of
 * {@link DriverExecutionService}, which decides who may send and see what.
 *
 * <p>A sync reads each event into a {@link DriverEventRequest}; an event the host cannot read
 * (not an object, a field of the wrong type, an unknown {@code event_type} or
 * {@code target_status}, an unparseable {@code recorded_at}) gets its own {@code REJECTED} /
 * {@code INVALID_REQUEST} result in its place, and the others go to the library in one
 * {@link DriverExecutionService#sync} call, in their order. Events without {@code session_id} are
 * recorded under the caller's session. Stateless and thread-safe.
 */
final class DriverApi {
    /** {@code limit} when the query has none. */
    static final int DEFAULT_LIMIT = 100;

    private DriverApi() {
    }

    static void register(Router router) {
        router.add("POST", "/v1/driver/events", DriverApi::sync)
                .add("GET", "/v1/driver/events", DriverApi::events)
                .add("GET", "/v1/driver/batches/{id}", DriverApi::batch);
    }

    static Response sync(Call call) throws IOException {
        Call.Caller who = call.caller();
        ObjectNode body = call.body();
        JsonNode events = body.get("events");
        if (events == null || !events.isArray()) {
            throw FleetgateException.invalid("events", "must be an array of events");
        }
        if (events.size() > DriverExecutionService.MAX_EVENTS_PER_CALL) {
            throw FleetgateException.invalid("events", "must hold at most "
                    + DriverExecutionService.MAX_EVENTS_PER_CALL + " events");
        }
        int n = events.size();
        Object[] sentIds = new Object[n];
        List<Map<String, Object>> results = new ArrayList<>(Collections.nCopies(n, null));
        List<DriverEventRequest> readable = new ArrayList<>(n);
        List<Integer> positions = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            JsonNode e = events.get(i);
            sentIds[i] = e.isObject() ? JsonIo.plain(e.get("event_id")) : null;
            try {
                readable.add(read(e, who.session().id()));
                positions.add(i);
            } catch (FleetgateException unreadable) {
                results.set(i, Views.unreadable(sentIds[i], unreadable.getMessage()));
            }
        }
        if (!readable.isEmpty()) {
            List<EventOutcome> outcomes = call.services().execution().sync(who.principal(), readable);
            for (int k = 0; k < outcomes.size(); k++) {
                int i = positions.get(k);
                results.set(i, Views.result(sentIds[i], outcomes.get(k)));
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("results", results);
        return Response.ok(out);
    }

    /**
     * @param node             one element of {@code events}
     * @param defaultSessionId the caller's session
     * @return the request, for the library to validate
     * @throws FleetgateException {@code INVALID_REQUEST} if the host cannot read it
     */
    static DriverEventRequest read(JsonNode node, String defaultSessionId) {
        if (!node.isObject()) {
            throw FleetgateException.invalid("event", "must be a JSON object");
        }
        ObjectNode e = (ObjectNode) node;
        String sessionId = JsonIo.text(e, "session_id");
        return new DriverEventRequest(
                JsonIo.text(e, "event_id"),
                JsonIo.text(e, "batch_id"),
                JsonIo.enumValue(e, "event_type", DriverEventType.class),
                timestamp(JsonIo.text(e, "recorded_at"), "recorded_at"),
                sessionId != null ? sessionId : defaultSessionId,
                JsonIo.number(e, "lat"),
                JsonIo.number(e, "lng"),
                JsonIo.number(e, "accuracy_m"),
                JsonIo.integer(e, "stop_index"),
                JsonIo.object(e, "payload"),
                JsonIo.enumValue(e, "target_status", DriverStatus.class),
                JsonIo.text(e, "reason"),
                JsonIo.text(e, "signature"),
                JsonIo.text(e, "stop_id"));
    }

    /**
     * @param text  an ISO-8601 timestamp with a zone offset ({@code Z} or {@code +02:00}), or {@code null}
     * @param field its field name
     * @return the instant, or {@code null}
     * @throws FleetgateException {@code INVALID_REQUEST} if it cannot be parsed
     */
    static Instant timestamp(String text, String field) {
        if (text == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeException e) {
            throw FleetgateException.invalid(field, "must be an ISO-8601 timestamp with an offset, "
                    + "e.g. 2026-11-22T10:00:00Z");
        }
    }

    static Response batch(Call call) {
        var batch = call.services().execution().batch(call.principal(), call.pathParam("id"));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("batch", Views.batch(batch, call.services().clock().instant()));
        return Response.ok(out);
    }

    static Response events(Call call) {
        var who = call.principal();
        int limit = limit(call.query("limit"));
        EventPage page = call.services().execution().events(who, call.query("batch_id"), limit, call.query("after"));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("events", page.events().stream().map(Views::event).toList());
        out.put("next", page.next());
        return Response.ok(out);
    }

    /**
     * @param value the {@code limit} query value, or {@code null}
     * @return the limit; the library checks its range
     * @throws FleetgateException {@code INVALID_REQUEST} if it is not a whole number
     */
    static int limit(String value) {
        if (value == null) {
            return DEFAULT_LIMIT;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw FleetgateException.invalid("limit", "must be a whole number between 1 and 1000");
        }
    }
}
