package io.fleetgate.examples.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A token bucket per caller, in this host's memory: each bucket holds at most {@code burst}
 * requests and regains {@code ratePerSecond} a second; a request takes one, and when none is left
 * it is refused with the seconds until one is back ({@code Retry-After}).
 *
 * <p>A caller is the SHA-256 of its bearer token (the token itself is never kept), or its client
 * address where a route is keyed by address (login) or a request carries no token. Time comes
 * from the injected {@link Clock} only. The table of buckets is bounded: past
 * {@value #MAX_BUCKETS} callers, buckets that have refilled completely (which are the same as new
 * ones) are dropped, and should none have, the table is cleared, which at worst gives every
 * caller a full bucket once. Each host has its own buckets: with several hosts behind one
 * address a caller may make that many times the rate. Thread-safe.
 */
final class RateLimiter {
    /** The most callers remembered at once. */
    static final int MAX_BUCKETS = 100_000;

    private final Clock clock;
    private final double perMilli;
    private final double burst;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    /** One caller's tokens and when they were last counted. Guarded by itself. */
    private static final class Bucket {
        double tokens;
        long at;

        Bucket(double tokens, long at) {
            this.tokens = tokens;
            this.at = at;
        }
    }

    /**
     * @param clock the server clock
     * @param limits the rate and burst ({@link HttpLimits#rateLimited()} must be true)
     */
    RateLimiter(Clock clock, HttpLimits limits) {
        this.clock = clock;
        this.perMilli = limits.ratePerSecond() / 1000.0;
        this.burst = limits.rateBurst();
    }

    /**
     * @param token a bearer token
     * @return its bucket's key: a hash, so the table holds no usable token
     */
    static String tokenKey(String token) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
            return "t:" + HexFormat.of().formatHex(h);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    /**
     * @param address a client address
     * @return its bucket's key
     */
    static String addressKey(String address) {
        return "a:" + address;
    }

    /**
     * Takes one request from the caller's bucket.
     *
     * @param key the caller ({@link #tokenKey} or {@link #addressKey})
     * @return 0 when the request may go ahead, else the whole seconds (at least 1) until it may
     */
    long take(String key) {
        long now = clock.millis();
        if (buckets.size() >= MAX_BUCKETS && !buckets.containsKey(key)) {
            prune(now);
        }
        Bucket b = buckets.computeIfAbsent(key, k -> new Bucket(burst, now));
        synchronized (b) {
            refill(b, now);
            if (b.tokens >= 1) {
                b.tokens -= 1;
                return 0;
            }
            double missing = 1 - b.tokens;
            return Math.max(1, (long) Math.ceil(missing / perMilli / 1000.0));
        }
    }

    private void refill(Bucket b, long now) {
        if (now > b.at) {
            b.tokens = Math.min(burst, b.tokens + (now - b.at) * perMilli);
            b.at = now;
        }
    }

    private void prune(long now) {
        buckets.values().removeIf(b -> {
            synchronized (b) {
                refill(b, now);
                return b.tokens >= burst;
            }
        });
        if (buckets.size() >= MAX_BUCKETS) {
            buckets.clear();
        }
    }

    /** {@return how many callers are remembered} */
    int size() {
        return buckets.size();
    }
}
