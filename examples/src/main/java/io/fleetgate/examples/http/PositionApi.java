package io.fleetgate.examples.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetgate.Principal;
import io.fleetgate.error.FleetgateException;
import io.fleetgate.error.InvalidRequestException;
import io.fleetgate.execution.PositionService;
import io.fleetgate.geo.Coordinate;
import io.fleetgate.position.Fix;
import io.fleetgate.position.PositionReceipt;
import io.fleetgate.position.RecordedFix;

import java.io.IOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The position stream (issue #17): a driver's phone sends its fixes ({@code POST
 * /v1/driver/positions}), a driver reads their own ({@code GET /v1/driver/positions}) and a
 * supervisor or member a driver's ({@code GET /v1/supervisor/drivers/{driverId}/positions});
 * calls of {@link PositionService}, which decides who may send and read what.
 *
 * <p>A send is read whole before anything is written: unknown keys, a fix that is not an object,
 * a field of the wrong type or out of range, or more than {@link PositionService#MAX_FIXES_PER_CALL}
 * fixes refuse the whole call with 400 {@code INVALID_REQUEST} naming the field
 * ({@code fixes[12].lat}), and nothing is written. {@code recorded_at} is kept to the microsecond
 * (finer digits are dropped) and must lie from 2000 to 9999, as {@link Fix} rules. Stateless and
 * thread-safe.
 */
final class PositionApi {
    /** {@code limit} of a read when the query has none. */
    static final int DEFAULT_LIMIT = 1000;

    private static final Set<String> BODY_KEYS = Set.of("batch_id", "fixes");
    private static final Set<String> FIX_KEYS = Set.of("recorded_at", "lat", "lng", "accuracy_m", "speed_mps",
            "heading_deg");

    private PositionApi() {
    }

    static void register(Router router) {
        router.add("POST", "/v1/driver/positions", PositionApi::ingest)
                .add("GET", "/v1/driver/positions", PositionApi::own)
                .add("GET", "/v1/supervisor/drivers/{driverId}/positions", PositionApi::driver);
    }

    /**
     * {@code POST /v1/driver/positions}: {@code {"batch_id", "fixes": [{"recorded_at", "lat", "lng",
     * "accuracy_m"?, "speed_mps"?, "heading_deg"?}, …]}} → the receipt.
     */
    static Response ingest(Call call) throws IOException {
        Principal who = call.principal();
        ObjectNode body = call.body();
        JsonIo.requireKnown(body, BODY_KEYS, "", "is not a field of this request (batch_id, fixes)");
        String batchId = JsonIo.requiredText(body, "batch_id");
        List<Fix> fixes = fixes(body.get("fixes"));
        PositionReceipt receipt = call.services().positions().ingest(who, batchId, fixes);
        return Response.ok(Views.receipt(receipt));
    }

    /** {@code GET /v1/driver/positions?from&to[&limit]}: the caller's own fixes; drivers only. */
    static Response own(Call call) {
        Principal who = call.principal();
        if (!(who instanceof Principal.Driver)) {
            throw FleetgateException.forbidden("only a driver has fixes of their own; supervisors and members read "
                    + "/v1/supervisor/drivers/{driverId}/positions");
        }
        return read(call, who, who.userId());
    }

    /** {@code GET /v1/supervisor/drivers/{driverId}/positions?from&to[&limit]}: a driver's fixes. */
    static Response driver(Call call) {
        return read(call, call.principal(), call.pathParam("driverId"));
    }

    private static Response read(Call call, Principal who, String driverId) {
        Instant from = required(call, "from");
        Instant to = required(call, "to");
        int limit = limit(call.query("limit"));
        List<RecordedFix> fixes = call.services().positions().fixes(who, driverId, from, to, limit);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("fixes", fixes.stream().map(Views::fix).toList());
        out.put("next", fixes.size() == limit
                ? Views.time(fixes.get(fixes.size() - 1).recordedAt().plus(1, ChronoUnit.MICROS)) : null);
        return Response.ok(out);
    }

    private static Instant required(Call call, String name) {
        Instant t = DriverApi.timestamp(call.query(name), name);
        if (t == null) {
            throw FleetgateException.invalid(name, "is required (an ISO-8601 timestamp with an offset)");
        }
        return t;
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
            throw FleetgateException.invalid("limit", "must be a whole number between 1 and "
                    + PositionService.MAX_FIXES_PER_READ);
        }
    }

    /**
     * Reads every fix of a call, refusing the call at the first bad one.
     *
     * @param node the {@code fixes} value
     * @return the fixes, in the order sent
     * @throws FleetgateException {@code INVALID_REQUEST} naming the field, e.g. {@code fixes[3].lat}
     */
    static List<Fix> fixes(JsonNode node) {
        if (node == null || node.isNull()) {
            throw FleetgateException.invalid("fixes", "is required");
        }
        if (!node.isArray()) {
            throw FleetgateException.invalid("fixes", "must be an array of fixes");
        }
        if (node.isEmpty() || node.size() > PositionService.MAX_FIXES_PER_CALL) {
            throw FleetgateException.invalid("fixes", "must list 1 to " + PositionService.MAX_FIXES_PER_CALL
                    + " fixes, got " + node.size());
        }
        List<Fix> out = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            out.add(fix(node.get(i), "fixes[" + i + "]"));
        }
        return out;
    }

    /**
     * @param node  one element of {@code fixes}
     * @param where its name for errors, e.g. {@code fixes[3]}
     * @return the fix
     * @throws FleetgateException {@code INVALID_REQUEST} naming {@code where.field}
     */
    private static Fix fix(JsonNode node, String where) {
        if (!node.isObject()) {
            throw FleetgateException.invalid(where, "must be a JSON object");
        }
        ObjectNode f = (ObjectNode) node;
        JsonIo.requireKnown(f, FIX_KEYS, where + ".",
                "is not a fix field (recorded_at, lat, lng, accuracy_m, speed_mps, heading_deg)");
        try {
            Instant at = DriverApi.timestamp(JsonIo.text(f, "recorded_at"), "recorded_at");
            if (at == null) {
                throw FleetgateException.invalid("recorded_at", "is required");
            }
            // the range (2000 to 9999) and the microsecond are the library's: Fix checks and keeps them
            Coordinate location = Coordinate.of(JsonIo.requiredNumber(f, "lat"), JsonIo.requiredNumber(f, "lng"));
            return new Fix(at, location, JsonIo.number(f, "accuracy_m"),
                    JsonIo.number(f, "speed_mps"), JsonIo.number(f, "heading_deg"));
        } catch (InvalidRequestException e) {
            throw relabel(e, where);
        }
    }

    /** The same refusal, its field named within the fix: {@code lat} or {@code fixes.lat} becomes {@code fixes[3].lat}. */
    private static InvalidRequestException relabel(InvalidRequestException e, String where) {
        String field = e.field();
        String problem = e.getMessage().startsWith(field + " ") ? e.getMessage().substring(field.length() + 1)
                : e.getMessage();
        return FleetgateException.invalid(where + "." + field.substring(field.lastIndexOf('.') + 1), problem);
    }
}
