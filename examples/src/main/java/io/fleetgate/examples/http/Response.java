package io.fleetgate.examples.http;

import java.util.Map;

/**
 * What a handler answers: a status, a JSON body ({@code null} for none) and extra headers.
 * Immutable.
 *
 * @param status  the HTTP status
 * @param body    maps, lists and scalars written as JSON, or {@code null} for an empty body
 * @param headers extra response headers
 */
record Response(int status, Object body, Map<String, String> headers) {
    Response {
        headers = Map.copyOf(headers);
    }

    static Response ok(Object body) {
        return new Response(200, body, Map.of());
    }

    static Response created(Object body) {
        return new Response(201, body, Map.of());
    }

    /**
     * A body sent as it is, not as JSON.
     *
     * @param contentType its {@code Content-Type}
     * @param bytes       the body
     */
    record Text(String contentType, byte[] bytes) {
    }

    static Response noContent() {
        return new Response(204, null, Map.of());
    }
}
