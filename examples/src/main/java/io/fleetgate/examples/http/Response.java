package io.fleetgate.examples.http;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

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

    /**
     * An answer that comes later (a long-poll waiting for news): the request thread is given back
     * at once and the host sends {@code answer}'s response when it completes.
     *
     * @param answer completes with the response
     */
    record Later(CompletableFuture<Response> answer) {
    }

    /**
     * An open-ended body (Server-Sent Events): the host sends the status and headers, then hands
     * {@code opened} a sink to write the events to, until it ends it or the client goes.
     *
     * @param contentType its {@code Content-Type}
     * @param opened      called once the answer's head is sent
     */
    record Stream(String contentType, java.util.function.Consumer<Sink> opened) {
    }

    /** Where a {@link Stream} writes; one write at a time. */
    interface Sink {
        /**
         * Writes text without blocking.
         *
         * @param text the bytes to send (UTF-8)
         * @param done called once written ({@code true}) or failed, the client gone ({@code false})
         */
        void write(String text, java.util.function.Consumer<Boolean> done);

        /** Ends the answer (after the write in flight, if any). */
        void end();
    }

    static Response noContent() {
        return new Response(204, null, Map.of());
    }
}
