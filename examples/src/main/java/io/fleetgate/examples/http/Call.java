package io.fleetgate.examples.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetgate.Principal;
import io.fleetgate.error.FleetgateException;
import io.fleetgate.session.DeviceSession;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One request as the handlers see it: path parameters, query parameters, the capped JSON body and
 * the caller, authenticated on first use. Not thread-safe; one per request.
 */
final class Call {
    private static final String BEARER = "bearer ";

    private final Incoming request;
    private final Services services;
    private final Map<String, String> pathParams;
    private Map<String, String> query;
    private Caller caller;

    /**
     * The authenticated caller.
     *
     * @param session   their device session
     * @param principal who they act as
     */
    record Caller(DeviceSession session, Principal principal) {
    }

    Call(Incoming request, Services services, Map<String, String> pathParams) {
        this.request = request;
        this.services = services;
        this.pathParams = pathParams;
    }

    Services services() {
        return services;
    }

    /**
     * @param name a parameter of the route's pattern, e.g. {@code id}
     * @return its decoded value
     */
    String pathParam(String name) {
        return pathParams.get(name);
    }

    /**
     * @param name a query parameter
     * @return its decoded value, or {@code null} when absent
     * @throws FleetgateException {@code INVALID_REQUEST} for a malformed query or a repeated parameter
     */
    String query(String name) {
        if (query == null) {
            query = parseQuery(request.rawQuery());
        }
        return query.get(name);
    }

    static Map<String, String> parseQuery(String raw) {
        Map<String, String> out = new HashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = decode(eq < 0 ? pair : pair.substring(0, eq), "query");
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1), key);
            if (out.putIfAbsent(key, value) != null) {
                throw FleetgateException.invalid(key, "must be given at most once");
            }
        }
        return out;
    }

    private static String decode(String text, String field) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw FleetgateException.invalid(field, "is not properly percent-encoded");
        }
    }

    /**
     * @return the body as a JSON object
     * @throws HttpError          413 when over the cap
     * @throws FleetgateException {@code INVALID_REQUEST} when not a JSON object or the stream
     *                            fails (a malformed chunk, a client gone)
     */
    ObjectNode body() {
        byte[] bytes;
        try {
            if (request.bodyFailure() != null) {
                throw request.bodyFailure();
            }
            bytes = JsonIo.readCapped(new ByteArrayInputStream(request.body()), request.header("Content-Length"));
        } catch (IOException e) {
            throw FleetgateException.invalid("body", "could not be read (" + e.getMessage() + ")");
        }
        return JsonIo.parseObject(bytes);
    }

    /**
     * @param name a request header
     * @return its value, or {@code null} when absent
     */
    String header(String name) {
        return request.header(name);
    }

    /**
     * @return the bearer token, or {@code null} when the request has none
     */
    String bearerToken() {
        String header = request.header("Authorization");
        if (header == null || header.length() < BEARER.length()
                || !header.substring(0, BEARER.length()).toLowerCase(Locale.ROOT).equals(BEARER)) {
            return null;
        }
        return header.substring(BEARER.length()).trim();
    }

    /**
     * Authenticates the bearer token (once per request) and resolves the principal.
     *
     * @return the caller
     * @throws FleetgateException {@code UNAUTHENTICATED} for a missing or unusable token;
     *                            {@code FORBIDDEN} for a user in no workspace
     */
    Caller caller() {
        if (caller == null) {
            DeviceSession session = services.sessions().authenticate(bearerToken());
            Principal principal = services.access().principalFor(Principal.system(), session.userId(), null);
            caller = new Caller(session, principal);
        }
        return caller;
    }

    /**
     * @return the client's IP address (e.g. {@code 127.0.0.1}), an opaque source key for limits
     *         that count per source
     */
    String clientAddress() {
        return request.clientAddress();
    }

    /** @return the caller's principal, authenticating first */
    Principal principal() {
        return caller().principal();
    }
}
