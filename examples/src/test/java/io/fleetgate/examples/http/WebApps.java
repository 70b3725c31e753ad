package io.fleetgate.examples.http;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the browser tests share: a host on the real clock (the browser's events carry its real
 * time) with a workspace of their own that requires signed events, so every event the driver app
 * gets accepted proves that the page's signature verified on the server. The console's hosts
 * ({@link #startLive}, {@link #startAnother}) send a heartbeat on each event stream every
 * {@link #HEARTBEAT} (each re-checks the stream's token, so an ended token closes its stream soon)
 * and serve {@code GET /metrics} with {@link #METRICS_TOKEN}, so a test can count the requests a
 * page made on the server's side ({@link #requests}).
 */
final class WebApps {
    static final String DRIVER = "wen";
    static final String DRIVER_PIN = "314159";
    static final String SUPERVISOR = "sol";
    static final String SUPERVISOR_PIN = "271828";
    static final String BATCH = "b_w";
    static final Duration HEARTBEAT = Duration.ofMillis(500);
    static final String METRICS_TOKEN = "metrics-token-for-the-browser-tests-0123456789";
    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private static final Pattern COUNT = Pattern.compile(
            "http_server_requests_seconds_count\\{([^}]*)\\} ([0-9.eE+]+)");

    /** ws_w requires signed events; b_w's first stop needs a signature, its second a note. */
    static final String FIXTURES = """
            {"workspaces": [{"id": "ws_w", "name": "Web depot", "require_signed_events": true}],
             "users": [
               {"id": "d_w", "username": "wen", "pin": "314159", "role": "DRIVER", "workspace_id": "ws_w"},
               {"id": "s_w", "username": "sol", "pin": "271828", "role": "SUPERVISOR", "workspace_id": "ws_w"}],
             "batches": [
               {"id": "b_w", "workspace_id": "ws_w", "driver_id": "d_w",
                "stops": [{"id": "gate", "lat": 30.27, "lng": -97.74, "radius_m": 100, "proof": [{"kind": "SIGNATURE"}]},
                          {"id": "dock", "lat": 30.28, "lng": -97.74, "radius_m": 100, "proof": [{"kind": "NOTE"}]}]}]}
            """;

    private WebApps() {
    }

    /**
     * @param db  the database
     * @param dir a folder for the fixtures file
     * @return a host with the web fixtures, on the system clock
     * @throws IOException if the fixtures cannot be written
     */
    static HttpHost start(TestDatabase db, Path dir) throws IOException {
        Path fixtures = dir.resolve("web.json");
        Files.writeString(fixtures, FIXTURES);
        return HttpApiContract.startHost(db.options(), fixtures, Clock.systemUTC());
    }

    /**
     * A host for the console's tests: as {@link #start}, and its streams beat every
     * {@link #HEARTBEAT} and it serves {@code GET /metrics} ({@link #requests}).
     *
     * @param db  the database
     * @param dir a folder for the fixtures file
     * @return a host with the web fixtures, on the system clock
     * @throws IOException if the fixtures cannot be written
     */
    static HttpHost startLive(TestDatabase db, Path dir) throws IOException {
        Path fixtures = dir.resolve("web.json");
        Files.writeString(fixtures, FIXTURES);
        return startHost(db, fixtures);
    }

    /**
     * @param db the database another host already serves (with the fixtures loaded)
     * @return a second host on the same database, on the system clock, loading nothing
     */
    static HttpHost startAnother(TestDatabase db) {
        return startHost(db, null);
    }

    private static HttpHost startHost(TestDatabase db, Path fixtures) {
        ServeOptions o = db.options();
        ServeOptions options = new ServeOptions(0, o.dbUrl(), o.dbUser(), o.dbPassword(), fixtures, o.dbOwnerUser(),
                o.dbOwnerPassword()).withLimits(HttpApiContract.LIMITS.withPush(HEARTBEAT,
                        HttpLimits.DEFAULTS.waitersPerSession())).withPositionSweep(Duration.ZERO)
                .withMetricsToken(METRICS_TOKEN).withPgPooler(o.pgPooler(), o.pgListenUrl());
        return HttpHost.start(options, HttpHost.settings(HttpApiContract.env(), System.err), Clock.systemUTC());
    }

    /**
     * Counts, from the host's own metrics, the requests answered on a route (any method, any status).
     *
     * @param host  the host
     * @param route the route's template, e.g. {@code /v1/supervisor/drivers}
     * @return how many requests the host answered on it so far
     */
    static long requests(HttpHost host, String route) {
        return requests(host, route, null);
    }

    /**
     * @param host   the host
     * @param route  the route's template
     * @param status only answers with this status, or {@code null} for any
     * @return how many requests the host answered on the route so far (with that status)
     */
    static long requests(HttpHost host, String route, Integer status) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + host.port() + "/metrics"))
                .header("Authorization", "Bearer " + METRICS_TOKEN).timeout(Duration.ofSeconds(30)).GET().build();
        HttpResponse<String> r;
        try {
            r = CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        if (r.statusCode() != 200) {
            throw new IllegalStateException("GET /metrics: " + r.statusCode());
        }
        double total = 0;
        Matcher m = COUNT.matcher(r.body());
        while (m.find()) {
            String labels = m.group(1);
            if (labels.contains("route=\"" + route + "\"")
                    && (status == null || labels.contains("status=\"" + status + "\""))) {
                total += Double.parseDouble(m.group(2));
            }
        }
        return (long) total;
    }
}
