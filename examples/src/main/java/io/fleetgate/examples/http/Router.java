package io.fleetgate.examples.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Dispatches requests to handlers by method and path, answers every failure as JSON, and logs one
 * line per request ({@code http_request} with method, path, status and duration) under the
 * logger {@code io.fleetgate.examples.http}.
 *
 * <p>Patterns are literal segments and {@code {name}} placeholders matching one non-empty
 * segment. A path no pattern matches is 404 {@code NOT_FOUND}; a path matched with another method
 * is 405 {@code METHOD_NOT_ALLOWED} with an {@code Allow} header. Routes are added before the
 * server starts; afterwards the router is read-only and thread-safe.
 */
final class Router implements HttpHandler {
    /** How much of a refused oversized body is read and discarded before answering 413. */
    static final long DRAIN_LIMIT = 16L << 20;

    private static final Logger LOG = LoggerFactory.getLogger("io.fleetgate.examples.http");

    /** Answers one request. */
    @FunctionalInterface
    interface Handler {
        Response handle(Call call) throws IOException;
    }

    private record Route(String method, String[] segments, Handler handler) {
    }

    private final List<Route> routes = new ArrayList<>();
    private final Services services;
    private final ErrorMapper errors;

    Router(Services services) {
        this.services = services;
        this.errors = new ErrorMapper(services.clock());
    }

    /**
     * @param method  the HTTP method
     * @param pattern e.g. {@code /v1/driver/batches/{id}}
     * @param handler what answers
     * @return this router
     */
    Router add(String method, String pattern, Handler handler) {
        routes.add(new Route(method, split(pattern), handler));
        return this;
    }

    /** @return each route as {@code METHOD /pattern}, in the order added */
    List<String> routes() {
        return routes.stream().map(r -> r.method() + " /" + String.join("/", r.segments())).toList();
    }

    @Override
    public void handle(HttpExchange exchange) {
        long started = System.nanoTime();
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getRawPath();
        int status = 500;
        String error = null;
        try {
            Response response;
            try {
                response = dispatch(exchange, method, path);
            } catch (Throwable failure) {
                if (failure instanceof VirtualMachineError fatal && !(fatal instanceof StackOverflowError)) {
                    throw fatal;
                }
                response = errors.toResponse(failure);
                if (response.body() instanceof Map<?, ?> body) {
                    error = String.valueOf(body.get("error"));
                }
            }
            if (response.status() == 413) {
                drainRequestBody(exchange);
            }
            status = send(exchange, response);
        } catch (IOException clientGone) {
            LOG.atDebug().setMessage("http_client_gone").addKeyValue("path", path).log();
        } finally {
            exchange.close();
            LOG.atInfo().setMessage("http_request")
                    .addKeyValue("method", method)
                    .addKeyValue("path", path)
                    .addKeyValue("status", status)
                    .addKeyValue("error", error)
                    .addKeyValue("duration_ms", (System.nanoTime() - started) / 1_000_000.0)
                    .log();
        }
    }

    private Response dispatch(HttpExchange exchange, String method, String rawPath) throws IOException {
        String[] segments = split(rawPath);
        Set<String> allowed = new LinkedHashSet<>();
        for (Route route : routes) {
            Map<String, String> params = match(route.segments(), segments);
            if (params == null) {
                continue;
            }
            if (route.method().equals(method)) {
                return route.handler().handle(new Call(exchange, services, params));
            }
            allowed.add(route.method());
        }
        if (allowed.isEmpty()) {
            throw HttpError.notFound(rawPath);
        }
        String allow = String.join(", ", allowed);
        exchange.getResponseHeaders().set("Allow", allow);
        throw HttpError.methodNotAllowed(method, allow);
    }

    private static Map<String, String> match(String[] pattern, String[] path) {
        if (pattern.length != path.length) {
            return null;
        }
        Map<String, String> params = new HashMap<>();
        for (int i = 0; i < pattern.length; i++) {
            String p = pattern[i];
            if (p.startsWith("{") && p.endsWith("}")) {
                String value = decodeSegment(path[i]);
                if (value == null || value.isEmpty()) {
                    return null;
                }
                params.put(p.substring(1, p.length() - 1), value);
            } else if (!p.equals(path[i])) {
                return null;
            }
        }
        return params;
    }

    /** Percent-decodes a path segment; '+' stays a plus. Returns null when malformed. */
    private static String decodeSegment(String raw) {
        try {
            return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformed) {
            return null;
        }
    }

    /** Splits a path on '/', keeping empty segments other than the leading one (so "/a/" differs from "/a"). */
    private static String[] split(String path) {
        String p = path.startsWith("/") ? path.substring(1) : path;
        return p.split("/", -1);
    }

    /**
     * Reads and discards what is left of a refused oversized body, up to {@link #DRAIN_LIMIT}, before
     * answering. A client that is still sending gets to read the answer: closing a connection with
     * unread input resets it, and the reset can destroy the answer on its way. Nothing is kept; a
     * body longer still is cut off when the connection closes.
     */
    private static void drainRequestBody(HttpExchange exchange) throws IOException {
        byte[] sink = new byte[64 * 1024];
        InputStream in = exchange.getRequestBody();
        long drained = 0;
        for (int n; drained < DRAIN_LIMIT && (n = in.read(sink)) > 0; ) {
            drained += n;
        }
    }

    /** @return the status sent: the response's, or 500 if its body could not be written */
    private static int send(HttpExchange exchange, Response response) throws IOException {
        response.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
        if (response.body() == null) {
            exchange.sendResponseHeaders(response.status(), -1);
            return response.status();
        }
        byte[] bytes;
        try {
            bytes = JsonIo.write(response.body());
        } catch (RuntimeException unwritable) {
            LOG.atError().setMessage("http_internal_error").setCause(unwritable).log();
            bytes = "{\"error\":\"INTERNAL\",\"message\":\"internal error; the failure was logged\"}"
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
            exchange.sendResponseHeaders(500, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
            return 500;
        }
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        exchange.sendResponseHeaders(response.status(), bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
        return response.status();
    }
}
