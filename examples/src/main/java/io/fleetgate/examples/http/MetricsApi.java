package io.fleetgate.examples.http;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * {@code GET /metrics}: the host's metrics in Prometheus text format, for a scraper holding the
 * metrics token ({@value ServeOptions#METRICS_TOKEN_ENV}). Registered only when that setting is
 * set: without it the path is unknown (404), like any other. A missing or wrong token is 401
 * {@code UNAUTHENTICATED}; a device session's token is not the metrics token, so no driver or
 * supervisor reads it. What it shows is in {@code docs/http-api.md}.
 */
final class MetricsApi {
    private MetricsApi() {
    }

    /**
     * @param router  the router
     * @param metrics the host's metrics
     */
    static void register(Router router, HostMetrics metrics) {
        router.add("GET", "/metrics", call -> {
            if (!metrics.admits(call.bearerToken())) {
                throw new HttpError(401, "UNAUTHENTICATED", "the metrics token is missing or wrong");
            }
            byte[] body = metrics.scrape().getBytes(StandardCharsets.UTF_8);
            return new Response(200, new Response.Text(HostMetrics.CONTENT_TYPE, body), Map.of());
        });
    }
}
