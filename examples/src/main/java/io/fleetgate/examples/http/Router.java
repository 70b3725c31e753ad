package io.fleetgate.examples.http;

import io.fleetgate.internal.LogValues;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Dispatches requests to handlers by method and path, answers every failure as JSON, and logs one
 * line per request ({@code http_request} with method, path, status and duration) under the
 * logger {@code io.fleetgate.examples.http}; the method and path, which the client chose, are
 * logged escaped ({@link LogValues#text}).
 *
 * <p>Patterns are literal segments and {@code {name}} placeholders matching one non-empty
 * segment. A path no pattern matches is 404 {@code NOT_FOUND}; a path matched with another method
 * is 405 {@code METHOD_NOT_ALLOWED} with an {@code Allow} header; a path that is not properly
 * percent-encoded is 400 {@code INVALID_REQUEST}.
 *
 * <p>With a {@link RateLimiter}, {@link #admit} takes one request from the caller's bucket before
 * anything else happens (before the body is read, before the token is checked): the caller is
 * the bearer token's hash, or the client address for a route {@linkplain #keyByAddress keyed by
 * address} (login: a made-up token must not buy a fresh bucket) and for requests without a token.
 * An empty bucket is 429 {@code RATE_LIMITED} with {@code Retry-After}. Routes are added before the
 * server starts; afterwards the router is read-only and thread-safe.
 */
final class Router {
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
    private final Set<String> byAddress = new HashSet<>();
    private final Services services;
    private final ErrorMapper errors;
    private RateLimiter limiter;

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

    /**
     * Counts a route's requests per client address rather than per token (a route that takes no
     * token, such as login).
     *
     * @param method  the HTTP method
     * @param pattern the route's pattern, as added
     * @return this router
     */
    Router keyByAddress(String method, String pattern) {
        byAddress.add(method + " " + pattern);
        return this;
    }

    /**
     * @param limiter the rate limiter, or {@code null} for none
     * @return this router
     */
    Router limitedBy(RateLimiter limiter) {
        this.limiter = limiter;
        return this;
    }

    /** @return each route as {@code METHOD /pattern}, in the order added */
    List<String> routes() {
        return routes.stream().map(r -> r.method() + " /" + String.join("/", r.segments())).toList();
    }

    /**
     * Takes the request from its caller's bucket.
     *
     * @param in the request (its body need not be read yet)
     * @return {@code null} when it may go ahead, else the 429 answer
     */
    Response admit(Incoming in) {
        if (limiter == null) {
            return null;
        }
        String token = new Call(in, services, Map.of()).bearerToken();
        String key = token == null || token.isEmpty() || keyedByAddress(in.method(), in.rawPath())
                ? RateLimiter.addressKey(in.clientAddress()) : RateLimiter.tokenKey(token);
        long wait = limiter.take(key);
        if (wait == 0) {
            return null;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", "RATE_LIMITED");
        body.put("message", "too many requests; retry after " + wait + " s");
        body.put("retry_after_s", wait);
        return new Response(429, body, Map.of("Retry-After", Long.toString(wait)));
    }

    /**
     * @param in a request
     * @return whether it is a login (a route {@linkplain #keyByAddress keyed by address}), which the
     *         host runs on a lane of its own
     */
    boolean isLogin(Incoming in) {
        return keyedByAddress(in.method(), in.rawPath());
    }

    private boolean keyedByAddress(String method, String rawPath) {
        String[] segments = split(rawPath);
        for (Route route : routes) {
            if (route.method().equals(method) && match(route.segments(), segments) != null
                    && byAddress.contains(route.method() + " /" + String.join("/", route.segments()))) {
                return true;
            }
        }
        return false;
    }

    /**
     * The route a request is counted under in the metrics: never the raw path, so that made-up
     * paths add no series.
     *
     * @param method  the request's method
     * @param rawPath its raw path
     * @return the template of the route that matches it ({@code /v1/driver/batches/{id}}), also
     *         when only with another method (a 405), else {@link HostMetrics#UNMATCHED}
     */
    String template(String method, String rawPath) {
        if (!wellEncoded(rawPath)) {
            return HostMetrics.UNMATCHED;
        }
        String[] segments = split(rawPath);
        String other = null;
        for (Route route : routes) {
            if (match(route.segments(), segments) != null) {
                String template = "/" + String.join("/", route.segments());
                if (route.method().equals(method)) {
                    return template;
                }
                if (other == null) {
                    other = template;
                }
            }
        }
        return other != null ? other : HostMetrics.UNMATCHED;
    }

    /**
     * Answers one request whose body has been read; never throws.
     *
     * @param in the request
     * @return the answer: the handler's, or the error it maps to
     */
    Response handle(Incoming in) {
        try {
            return dispatch(in);
        } catch (Throwable failure) {
            if (failure instanceof VirtualMachineError fatal && !(fatal instanceof StackOverflowError)) {
                throw fatal;
            }
            Response response = errors.toResponse(failure);
            if (failure instanceof HttpError e && e.allow() != null) {
                Map<String, String> headers = new LinkedHashMap<>(response.headers());
                headers.put("Allow", e.allow());
                response = new Response(response.status(), response.body(), headers);
            }
            return response;
        }
    }

    /**
     * @param failure what an answer that comes later failed with
     * @return the error it maps to, as {@link #handle} would answer it
     */
    Response failure(Throwable failure) {
        return errors.toResponse(failure);
    }

    /**
     * Logs the {@code http_request} line.
     *
     * @param in      the request
     * @param status  the status sent (500 when none could be)
     * @param error   the {@code error} code sent, or {@code null}
     * @param started {@link System#nanoTime()} when the request arrived
     */
    static void log(Incoming in, int status, String error, long started) {
        LOG.atInfo().setMessage("http_request")
                .addKeyValue("method", LogValues.text(in.method()))
                .addKeyValue("path", LogValues.text(in.rawPath()))
                .addKeyValue("status", status)
                .addKeyValue("error", error)
                .addKeyValue("duration_ms", (System.nanoTime() - started) / 1_000_000.0)
                .log();
    }

    /**
     * @param response an answer
     * @return its {@code error} code, or {@code null} when it is not an error
     */
    static String errorOf(Response response) {
        if (response.status() >= 400 && response.body() instanceof Map<?, ?> body && body.get("error") != null) {
            return String.valueOf(body.get("error"));
        }
        return null;
    }

    private Response dispatch(Incoming in) throws IOException {
        String method = in.method();
        String rawPath = in.rawPath();
        if (!wellEncoded(rawPath)) {
            throw new HttpError(400, "INVALID_REQUEST", "the path is not properly percent-encoded");
        }
        String[] segments = split(rawPath);
        Set<String> allowed = new LinkedHashSet<>();
        for (Route route : routes) {
            Map<String, String> params = match(route.segments(), segments);
            if (params == null) {
                continue;
            }
            if (route.method().equals(method)) {
                return route.handler().handle(new Call(in, services, params));
            }
            allowed.add(route.method());
        }
        if (allowed.isEmpty()) {
            throw HttpError.notFound(rawPath);
        }
        throw HttpError.methodNotAllowed(method, String.join(", ", allowed));
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

    /** Whether every {@code %} starts a two-digit hex escape. */
    private static boolean wellEncoded(String raw) {
        for (int i = raw.indexOf('%'); i >= 0; i = raw.indexOf('%', i + 1)) {
            if (i + 2 >= raw.length() || Character.digit(raw.charAt(i + 1), 16) < 0
                    || Character.digit(raw.charAt(i + 2), 16) < 0) {
                return false;
            }
        }
        return true;
    }
}
