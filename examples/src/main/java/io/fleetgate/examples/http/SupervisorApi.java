package io.fleetgate.examples.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetgate.error.FleetgateException;
import io.fleetgate.execution.Batch;
import io.fleetgate.execution.DriverStatus;
import io.fleetgate.execution.PlanChange;
import io.fleetgate.execution.ReviewRecord;
import io.fleetgate.session.DeviceSession;
import io.fleetgate.supervisor.BoardPage;
import io.fleetgate.supervisor.ReviewPage;
import io.fleetgate.supervisor.SupervisorService;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@code /v1/supervisor/*}: override, plan change, forced session end, review queue, review, status board;
 * calls of {@link io.fleetgate.supervisor.SupervisorService} and
 * {@link io.fleetgate.session.SessionService#invalidateCurrent}, which decide who may do what.
 * Stateless and thread-safe.
 */
final class SupervisorApi {
    /** The status board's page size when the query has no {@code limit}: the library's largest. */
    static final int BOARD_DEFAULT_LIMIT = SupervisorService.MAX_BOARD_PAGE;

    private SupervisorApi() {
    }

    static void register(Router router) {
        router.add("POST", "/v1/supervisor/override", SupervisorApi::override)
                .add("POST", "/v1/supervisor/plan", SupervisorApi::plan)
                .add("POST", "/v1/supervisor/sessions/invalidate", SupervisorApi::invalidate)
                .add("GET", "/v1/supervisor/review-queue", SupervisorApi::reviewQueue)
                .add("POST", "/v1/supervisor/review", SupervisorApi::review)
                .add("GET", "/v1/supervisor/drivers", SupervisorApi::drivers);
    }

    static Response override(Call call) throws IOException {
        var who = call.principal();
        ObjectNode body = call.body();
        Batch batch = call.services().supervisor().override(who, JsonIo.text(body, "batch_id"),
                JsonIo.enumValue(body, "target_status", DriverStatus.class), JsonIo.text(body, "reason"));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("batch", Views.batch(batch, call.services().clock().instant()));
        return Response.ok(out);
    }

    /**
     * {@code POST /v1/supervisor/plan}: {@code {"batch_id", "reason", "expected_version"?, "change":
     * {"op": "ADD_STOP" | "REMOVE_STOP" | "REORDER_STOPS" | "SKIP_STOP" | "SET_OUTCOME", …}}}.
     */
    static Response plan(Call call) throws IOException {
        var who = call.principal();
        ObjectNode body = call.body();
        JsonNode change = body.get("change");
        if (change == null || !change.isObject()) {
            throw FleetgateException.invalid("change", "must be an object with an op");
        }
        Long expected = body.hasNonNull("expected_version") ? JsonIo.integer(body, "expected_version").longValue() : null;
        @SuppressWarnings("unchecked")
        Map<String, Object> json = (Map<String, Object>) JsonIo.plain(change);
        Batch batch = call.services().supervisor().changePlan(who, JsonIo.text(body, "batch_id"),
                PlanChange.fromJson(json), JsonIo.text(body, "reason"), expected);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("batch", Views.batch(batch, call.services().clock().instant()));
        return Response.ok(out);
    }

    static Response invalidate(Call call) throws IOException {
        var who = call.principal();
        String driverId = JsonIo.text(call.body(), "driver_id");
        Optional<DeviceSession> ended = call.services().sessions().invalidateCurrent(who, driverId);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("driver_id", driverId);
        out.put("invalidated", ended.isPresent());
        out.put("session_id", ended.map(DeviceSession::id).orElse(null));
        return Response.ok(out);
    }

    static Response reviewQueue(Call call) {
        var who = call.principal();
        int limit = DriverApi.limit(call.query("limit"));
        ReviewPage page = call.services().supervisor().reviewQueue(who, limit, call.query("after"));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("events", page.items().stream().map(Views::reviewItem).toList());
        out.put("next", page.next());
        return Response.ok(out);
    }

    static Response review(Call call) throws IOException {
        var who = call.principal();
        ObjectNode body = call.body();
        ReviewRecord record = call.services().supervisor().review(who, JsonIo.text(body, "event_id"),
                JsonIo.text(body, "sender_id"), JsonIo.text(body, "note"));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("review", Views.review(record));
        return Response.ok(out);
    }

    /**
     * {@code GET /v1/supervisor/drivers[?limit=N&after=DRIVER_ID]}: one page of the status board,
     * {@value #BOARD_DEFAULT_LIMIT} drivers unless {@code limit} says otherwise (so a client that
     * never pages still gets every driver of a workspace of up to that many), and {@code next}.
     */
    static Response drivers(Call call) {
        String limit = call.query("limit");
        BoardPage page = call.services().supervisor().statusBoard(call.principal(),
                limit == null ? BOARD_DEFAULT_LIMIT : DriverApi.limit(limit), call.query("after"));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("drivers", page.drivers().stream().map(Views::boardRow).toList());
        out.put("next", page.next());
        return Response.ok(out);
    }
}
