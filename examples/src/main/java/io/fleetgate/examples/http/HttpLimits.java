package io.fleetgate.examples.http;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What the host allows one connection and one caller: how long a request's headers and body may
 * take to arrive, how long a keep-alive connection may sit idle, how many connections may be open
 * at once, how many request threads do the work, and the per-caller rate limit. Immutable.
 *
 * <p>Each limit has an environment setting and a {@code serve} flag (the flag wins):
 * <table>
 * <caption>limits</caption>
 * <tr><th>setting</th><th>flag</th><th>default</th></tr>
 * <tr><td>{@code HTTP_HEADER_TIMEOUT_S}</td><td>{@code --header-timeout-s}</td><td>10</td></tr>
 * <tr><td>{@code HTTP_BODY_TIMEOUT_S}</td><td>{@code --body-timeout-s}</td><td>30</td></tr>
 * <tr><td>{@code HTTP_IDLE_TIMEOUT_S}</td><td>{@code --idle-timeout-s}</td><td>30</td></tr>
 * <tr><td>{@code HTTP_MAX_CONNECTIONS}</td><td>{@code --max-connections}</td><td>1000</td></tr>
 * <tr><td>{@code HTTP_REQUEST_THREADS}</td><td>{@code --request-threads}</td><td>16</td></tr>
 * <tr><td>{@code HTTP_RATE_LIMIT_PER_S}</td><td>{@code --rate-limit-per-s}</td><td>20 (0: no limit)</td></tr>
 * <tr><td>{@code HTTP_RATE_LIMIT_BURST}</td><td>{@code --rate-limit-burst}</td><td>200</td></tr>
 * <tr><td>{@code HTTP_STREAM_HEARTBEAT_S}</td><td>{@code --stream-heartbeat-s}</td><td>15</td></tr>
 * <tr><td>{@code HTTP_WAITERS_PER_SESSION}</td><td>{@code --waiters-per-session}</td><td>8</td></tr>
 * </table>
 * Timeouts are seconds and may have a fraction ({@code 0.5}).
 *
 * @param headerTimeout  the longest a request's line and headers may take, from the connection's
 *                       first byte (or its opening) to the end of the headers
 * @param bodyTimeout    the longest a request's whole body may take to arrive (in total, not per read)
 * @param idleTimeout    the longest a connection may wait for its next request after an answer
 * @param maxConnections connections open at once; more are closed as soon as they are accepted
 * @param requestThreads threads that run requests (the store calls); sockets never hold one
 * @param ratePerSecond  requests a second each caller's bucket regains; 0 turns the limit off
 * @param rateBurst      the bucket's size: requests a caller may make at once
 * @param streamHeartbeat the time between two heartbeats of an event stream, each also a re-check
 *                       of its token (a stream whose token has ended is closed)
 * @param waitersPerSession event streams and waiting long-polls one session may hold at once (more: 429)
 */
record HttpLimits(Duration headerTimeout, Duration bodyTimeout, Duration idleTimeout, int maxConnections,
                  int requestThreads, double ratePerSecond, int rateBurst,
                  Duration streamHeartbeat, int waitersPerSession) {

    static final String HEADER_TIMEOUT_S = "HTTP_HEADER_TIMEOUT_S";
    static final String BODY_TIMEOUT_S = "HTTP_BODY_TIMEOUT_S";
    static final String IDLE_TIMEOUT_S = "HTTP_IDLE_TIMEOUT_S";
    static final String MAX_CONNECTIONS = "HTTP_MAX_CONNECTIONS";
    static final String REQUEST_THREADS = "HTTP_REQUEST_THREADS";
    static final String RATE_LIMIT_PER_S = "HTTP_RATE_LIMIT_PER_S";
    static final String RATE_LIMIT_BURST = "HTTP_RATE_LIMIT_BURST";
    static final String STREAM_HEARTBEAT_S = "HTTP_STREAM_HEARTBEAT_S";
    static final String WAITERS_PER_SESSION = "HTTP_WAITERS_PER_SESSION";

    /** Each setting and its flag, in the order of the table above. */
    static final Map<String, String> FLAGS = Map.of(
            "--header-timeout-s", HEADER_TIMEOUT_S,
            "--body-timeout-s", BODY_TIMEOUT_S,
            "--idle-timeout-s", IDLE_TIMEOUT_S,
            "--max-connections", MAX_CONNECTIONS,
            "--request-threads", REQUEST_THREADS,
            "--rate-limit-per-s", RATE_LIMIT_PER_S,
            "--rate-limit-burst", RATE_LIMIT_BURST,
            "--stream-heartbeat-s", STREAM_HEARTBEAT_S,
            "--waiters-per-session", WAITERS_PER_SESSION);

    /** The flags, in the order of the table above. */
    static final List<String> FLAG_NAMES = List.of("--header-timeout-s", "--body-timeout-s", "--idle-timeout-s",
            "--max-connections", "--request-threads", "--rate-limit-per-s", "--rate-limit-burst",
            "--stream-heartbeat-s", "--waiters-per-session");

    /** The defaults. */
    static final HttpLimits DEFAULTS = new HttpLimits(Duration.ofSeconds(10), Duration.ofSeconds(30),
            Duration.ofSeconds(30), 1000, 16, 20, 200, Duration.ofSeconds(15), 8);

    /** @throws IllegalArgumentException naming the setting that is out of range */
    HttpLimits {
        positive(headerTimeout, HEADER_TIMEOUT_S);
        positive(bodyTimeout, BODY_TIMEOUT_S);
        positive(idleTimeout, IDLE_TIMEOUT_S);
        if (maxConnections < 1 || maxConnections > 100_000) {
            throw new IllegalArgumentException(MAX_CONNECTIONS + " must be between 1 and 100000, got " + maxConnections);
        }
        if (requestThreads < 1 || requestThreads > 1000) {
            throw new IllegalArgumentException(REQUEST_THREADS + " must be between 1 and 1000, got " + requestThreads);
        }
        if (!(ratePerSecond >= 0) || ratePerSecond > 1_000_000) {
            throw new IllegalArgumentException(RATE_LIMIT_PER_S + " must be between 0 and 1000000, got "
                    + ratePerSecond);
        }
        if (rateBurst < 1 || rateBurst > 1_000_000) {
            throw new IllegalArgumentException(RATE_LIMIT_BURST + " must be between 1 and 1000000, got " + rateBurst);
        }
        positive(streamHeartbeat, STREAM_HEARTBEAT_S);
        if (waitersPerSession < 1 || waitersPerSession > 100_000) {
            throw new IllegalArgumentException(WAITERS_PER_SESSION + " must be between 1 and 100000, got "
                    + waitersPerSession);
        }
    }

    private static void positive(Duration d, String name) {
        if (d == null || d.isNegative() || d.isZero() || d.compareTo(Duration.ofHours(1)) > 0) {
            throw new IllegalArgumentException(name + " must be more than 0 and at most 3600 seconds, got " + d);
        }
    }

    /**
     * @param perSecond requests a second a bucket regains (0: no limit)
     * @param burst     a bucket's size
     * @return these limits with that rate limit
     */
    HttpLimits withRate(double perSecond, int burst) {
        return new HttpLimits(headerTimeout, bodyTimeout, idleTimeout, maxConnections, requestThreads, perSecond, burst,
                streamHeartbeat, waitersPerSession);
    }

    /**
     * @param header the header timeout
     * @param body   the body timeout
     * @param idle   the idle timeout
     * @return these limits with those timeouts
     */
    HttpLimits withTimeouts(Duration header, Duration body, Duration idle) {
        return new HttpLimits(header, body, idle, maxConnections, requestThreads, ratePerSecond, rateBurst,
                streamHeartbeat, waitersPerSession);
    }

    /**
     * @param max connections open at once
     * @return these limits with that cap
     */
    HttpLimits withMaxConnections(int max) {
        return new HttpLimits(headerTimeout, bodyTimeout, idleTimeout, max, requestThreads, ratePerSecond, rateBurst,
                streamHeartbeat, waitersPerSession);
    }

    /**
     * @param heartbeat the time between two heartbeats of an event stream (and re-checks of its token)
     * @param perSession streams and waiting long-polls one session may hold at once
     * @return these limits with those
     */
    HttpLimits withPush(Duration heartbeat, int perSession) {
        return new HttpLimits(headerTimeout, bodyTimeout, idleTimeout, maxConnections, requestThreads, ratePerSecond,
                rateBurst, heartbeat, perSession);
    }

    /** {@return whether the rate limit is on} */
    boolean rateLimited() {
        return ratePerSecond > 0;
    }

    /**
     * @param values settings by name ({@code HTTP_…}); absent ones keep their default
     * @return the limits
     * @throws IllegalArgumentException naming a setting that is not a number or out of range
     */
    static HttpLimits from(Map<String, String> values) {
        HttpLimits d = DEFAULTS;
        return new HttpLimits(
                seconds(values, HEADER_TIMEOUT_S, d.headerTimeout),
                seconds(values, BODY_TIMEOUT_S, d.bodyTimeout),
                seconds(values, IDLE_TIMEOUT_S, d.idleTimeout),
                whole(values, MAX_CONNECTIONS, d.maxConnections),
                whole(values, REQUEST_THREADS, d.requestThreads),
                decimal(values, RATE_LIMIT_PER_S, d.ratePerSecond),
                whole(values, RATE_LIMIT_BURST, d.rateBurst),
                seconds(values, STREAM_HEARTBEAT_S, d.streamHeartbeat),
                whole(values, WAITERS_PER_SESSION, d.waitersPerSession));
    }

    private static Duration seconds(Map<String, String> values, String name, Duration fallback) {
        String v = values.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            BigDecimal s = new BigDecimal(v.trim());
            if (s.signum() <= 0 || s.compareTo(BigDecimal.valueOf(3600)) > 0) {
                throw new IllegalArgumentException(name + " must be more than 0 and at most 3600 seconds, got '" + v + "'");
            }
            return Duration.ofNanos(s.movePointRight(9).longValue());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a number of seconds, got '" + v + "'");
        }
    }

    private static int whole(Map<String, String> values, String name, int fallback) {
        String v = values.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number, got '" + v + "'");
        }
    }

    private static double decimal(Map<String, String> values, String name, double fallback) {
        String v = values.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            return new BigDecimal(v.trim()).doubleValue();
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a number, got '" + v + "'");
        }
    }
}
