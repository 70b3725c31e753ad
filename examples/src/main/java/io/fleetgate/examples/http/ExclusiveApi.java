package io.fleetgate.examples.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetgate.error.FleetgateException;
import io.fleetgate.exclusive.ActivateRequest;
import io.fleetgate.exclusive.ExclusiveSession;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code /v1/exclusive/*} (seed 000): activate, complete, cancel and poll, each one call of
 * {@link io.fleetgate.exclusive.ExclusiveSessionService}, which checks the role, the order of
 * refusals and expiry. Stateless and thread-safe.
 */
final class ExclusiveApi {
    private ExclusiveApi() {
    }

    static void register(Router router) {
        router.add("POST", "/v1/exclusive/activate", ExclusiveApi::activate)
                .add("POST", "/v1/exclusive/complete", ExclusiveApi::complete)
                .add("POST", "/v1/exclusive/cancel", ExclusiveApi::cancel)
                .add("GET", "/v1/exclusive/active", ExclusiveApi::active);
    }

    static Response activate(Call call) throws IOException {
        var who = call.principal();
        ObjectNode body = call.body();
        ActivateRequest request = new ActivateRequest(
                JsonIo.text(body, "merchant_id"),
                JsonIo.text(body, "merchant_place_id"),
                JsonIo.text(body, "charger_id"),
                JsonIo.requiredNumber(body, "lat"),
                JsonIo.requiredNumber(body, "lng"),
                JsonIo.number(body, "accuracy_m"),
                JsonIo.text(body, "intent_session_id"));
        ExclusiveSession s = call.services().exclusive().activate(who, request);
        return Response.created(wrap(call, s));
    }

    static Response complete(Call call) throws IOException {
        var who = call.principal();
        String id = JsonIo.text(call.body(), "exclusive_session_id");
        return Response.ok(wrap(call, call.services().exclusive().complete(who, id)));
    }

    static Response cancel(Call call) throws IOException {
        var who = call.principal();
        String id = JsonIo.text(call.body(), "exclusive_session_id");
        return Response.ok(wrap(call, call.services().exclusive().cancel(who, id)));
    }

    static Response active(Call call) {
        var who = call.principal();
        boolean includeExpired = flag(call.query("include_expired"), "include_expired");
        ExclusiveSession s = call.services().exclusive().active(who, includeExpired).orElse(null);
        return Response.ok(wrap(call, s));
    }

    private static Map<String, Object> wrap(Call call, ExclusiveSession s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("exclusive_session", s == null ? null : Views.session(s, call.services().clock().instant()));
        return m;
    }

    /**
     * @param value a query value, or {@code null}
     * @param name  its name
     * @return false when absent
     * @throws FleetgateException {@code INVALID_REQUEST} unless {@code true} or {@code false}
     */
    static boolean flag(String value, String name) {
        if (value == null || value.equals("false")) {
            return false;
        }
        if (value.equals("true")) {
            return true;
        }
        throw FleetgateException.invalid(name, "must be true or false");
    }
}
