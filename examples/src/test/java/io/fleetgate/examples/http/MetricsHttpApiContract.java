package io.fleetgate.examples.http;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.fleetgate.examples.http.HttpApiContract.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code GET /metrics} end to end on a real host: the token it asks for, the counters that move
 * by exactly what a login, an activation and a sync decided, the HikariCP and JVM series, and an
 * attacker's requests that cannot add series or put what they send into a tag. Run by one thin
 * subclass per database.
 */
abstract class MetricsHttpApiContract {
    static final String TOKEN = "metrics-token-for-the-http-tests-0123456789";
    private static final Pattern LINE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})? (\\S+)$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    @TempDir
    Path dir;

    private final MovableClock clock = new MovableClock(Instant.now().truncatedTo(ChronoUnit.MILLIS));
    private final HttpClient client = HttpClient.newHttpClient();
    private TestDatabase db;
    private HttpHost host;
    private Api api;

    /** @return a new, empty database of this suite's kind for one test */
    abstract TestDatabase newDatabase();

    /** @return the pool name the store's runtime pool has on this database */
    abstract String poolName();

    private void start(String metricsToken) {
        db = newDatabase();
        ServeOptions o = db.options();
        ServeOptions options = new ServeOptions(0, o.dbUrl(), o.dbUser(), o.dbPassword(), HttpApiContract.DEMO,
                o.dbOwnerUser(), o.dbOwnerPassword()).withLimits(HttpApiContract.LIMITS)
                .withPositionSweep(Duration.ZERO).withMetricsToken(metricsToken).withPgPooler(o.pgPooler(), o.pgListenUrl());
        host = HttpHost.start(options, HttpHost.settings(HttpApiContract.env(), System.err), clock);
        api = new Api(host.port());
    }

    @AfterEach
    void stop() {
        try {
            if (host != null) {
                host.close();
            }
        } finally {
            if (db != null) {
                db.drop();
            }
        }
    }

    private HttpResponse<String> scrapeResponse(String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(api.base() + "/metrics"))
                .timeout(Duration.ofSeconds(30)).GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        try {
            return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private String scrape() {
        HttpResponse<String> r = scrapeResponse(TOKEN);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return r.body();
    }

    /** One sample of the text format: its name, labels and value. */
    private record Sample(String name, Map<String, String> labels, double value) {
    }

    private static List<Sample> samples(String text) {
        return text.lines().filter(l -> !l.startsWith("#") && !l.isBlank()).map(l -> {
            Matcher m = LINE.matcher(l);
            assertThat(m.matches()).as("a sample line: %s", l).isTrue();
            Map<String, String> labels = new LinkedHashMap<>();
            if (m.group(2) != null) {
                Matcher label = LABEL.matcher(m.group(2));
                while (label.find()) {
                    labels.put(label.group(1), label.group(2));
                }
            }
            return new Sample(m.group(1), labels, Double.parseDouble(m.group(3)));
        }).toList();
    }

    /** @return the value of the one sample with this name and these labels (others free), 0 if none */
    private static double value(String text, String name, String... labels) {
        List<Sample> found = samples(text).stream().filter(s -> s.name().equals(name)).filter(s -> {
            for (int i = 0; i < labels.length; i += 2) {
                if (!labels[i + 1].equals(s.labels().get(labels[i]))) {
                    return false;
                }
            }
            return true;
        }).toList();
        assertThat(found).as("at most one %s %s", name, List.of(labels)).hasSizeLessThanOrEqualTo(1);
        return found.isEmpty() ? 0 : found.get(0).value();
    }

    private static double decisions(String text, String kind, String outcome, String errorCode) {
        return value(text, "fleetgate_decisions_seconds_count", "kind", kind, "outcome", outcome, "error_code",
                errorCode);
    }

    @Test
    void metricsWhenALoginAnActivationAndASyncThenTheirCountersMoveByExactlyThatAndPoolAndJvmSeriesExist() {
        start(TOKEN);
        String before = scrape();

        Api.Reply login = api.post("/v1/auth/login", null,
                Map.of("username", HttpApiContract.ANA, "pin", HttpApiContract.ANA_PIN, "device_id", "phone-1"));
        assertThat(login.status()).as("%s", login).isEqualTo(200);
        String ana = login.body().get("token").asText();
        Api.Reply activated = api.post("/v1/exclusive/activate", ana, HttpApiContract.activation(30.2672, -97.7431));
        assertThat(activated.status()).as("%s", activated).isEqualTo(201);
        Api.Reply refused = api.post("/v1/exclusive/activate", ana, HttpApiContract.activation(30.2672, -97.7431));
        assertThat(refused.status()).as("%s", refused).isEqualTo(409);
        Instant at = clock.instant().minus(Duration.ofMinutes(5));
        Api.Reply synced = api.post("/v1/driver/events", ana, Map.of("events", List.of(
                event("e-start", "ROUTE_STARTED", at), event("e-start", "ROUTE_STARTED", at),
                event("e-again", "ROUTE_STARTED", at.plusSeconds(1)))));
        assertThat(synced.status()).as("%s", synced).isEqualTo(200);
        assertThat(synced.body().findValuesAsText("outcome")).containsExactly("ACCEPTED", "DUPLICATE", "REJECTED");

        String after = scrape();
        assertThat(decisions(after, "login", "accepted", "none") - decisions(before, "login", "accepted", "none"))
                .as("the login (its DRIVER_LOGGED_IN event is part of it)").isEqualTo(1);
        assertThat(decisions(after, "activation", "accepted", "none")
                - decisions(before, "activation", "accepted", "none")).isEqualTo(1);
        assertThat(decisions(after, "activation", "refused", "ACTIVE_SESSION_EXISTS")
                - decisions(before, "activation", "refused", "ACTIVE_SESSION_EXISTS")).isEqualTo(1);
        assertThat(decisions(after, "sync", "accepted", "none") - decisions(before, "sync", "accepted", "none"))
                .isEqualTo(1);
        assertThat(decisions(after, "sync", "duplicate", "none") - decisions(before, "sync", "duplicate", "none"))
                .isEqualTo(1);
        assertThat(decisions(after, "sync", "quarantined", "INVALID_TRANSITION")
                - decisions(before, "sync", "quarantined", "INVALID_TRANSITION")).isEqualTo(1);
        assertThat(samples(after).stream().filter(s -> s.name().equals("fleetgate_decisions_seconds_count"))
                .mapToDouble(Sample::value).sum()
                - samples(before).stream().filter(s -> s.name().equals("fleetgate_decisions_seconds_count"))
                .mapToDouble(Sample::value).sum()).as("no other decision").isEqualTo(6);

        // committed changes: the session; b_1 by the login and by the sync; one quarantined event
        assertThat(value(after, "fleetgate_changes_total", "kind", "exclusive_session")
                - value(before, "fleetgate_changes_total", "kind", "exclusive_session")).isEqualTo(1);
        assertThat(value(after, "fleetgate_changes_total", "kind", "batch")
                - value(before, "fleetgate_changes_total", "kind", "batch")).isEqualTo(2);
        assertThat(value(after, "fleetgate_changes_total", "kind", "quarantined_event")
                - value(before, "fleetgate_changes_total", "kind", "quarantined_event")).isEqualTo(1);

        assertThat(value(after, "fleetgate_store_calls_seconds_count", "operation", "eventLog.commit",
                "outcome", "success") - value(before, "fleetgate_store_calls_seconds_count", "operation",
                "eventLog.commit", "outcome", "success")).as("the login's event and the sync").isEqualTo(2);
        assertThat(value(after, "fleetgate_store_calls_seconds_count", "operation", "exclusiveSessions.activate",
                "outcome", "success")).isGreaterThanOrEqualTo(1);

        assertThat(value(after, "http_server_requests_seconds_count", "method", "POST", "route", "/v1/auth/login",
                "status", "200")).isEqualTo(1);
        assertThat(value(after, "http_server_requests_seconds_count", "method", "POST", "route",
                "/v1/exclusive/activate", "status", "409")).isEqualTo(1);
        assertThat(value(after, "http_server_requests_seconds_count", "method", "GET", "route", "/metrics",
                "status", "200")).as("the first scrape").isEqualTo(1);

        List<String> names = samples(after).stream().map(Sample::name).distinct().toList();
        assertThat(samples(after)).as("HikariCP's pool series").anySatisfy(s -> {
            assertThat(s.name()).isEqualTo("hikaricp_connections");
            assertThat(s.labels()).containsEntry("pool", poolName());
        });
        assertThat(names).contains("hikaricp_connections_active", "hikaricp_connections_max",
                "jvm_memory_used_bytes", "jvm_threads_live_threads", "jvm_classes_loaded_classes",
                "system_cpu_count", "jvm_gc_memory_allocated_bytes_total");
    }

    @Test
    void metricsWhenALongPollWaitsThenTheWaitersGaugeCountsItUntilItIsAnswered() throws Exception {
        start(TOKEN);
        assertThat(value(scrape(), "fleetgate_http_change_waiters")).isZero();
        String sam = api.post("/v1/auth/login", null, Map.of("username", HttpApiContract.SAM, "pin",
                HttpApiContract.SAM_PIN, "device_id", "console")).body().get("token").asText();
        String next = api.get("/v1/supervisor/changes?limit=1000", sam).body().get("next").asText();
        var poll = client.sendAsync(api.request("/v1/supervisor/changes?wait=1&after=" + next, sam).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        ChangesHttpApiContract.awaitWaiters(host, 1);
        assertThat(value(scrape(), "fleetgate_http_change_waiters")).isEqualTo(1);
        assertThat(poll.get(10, java.util.concurrent.TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        assertThat(value(scrape(), "fleetgate_http_change_waiters")).isZero();
    }

    @Test
    void metricsWhenTheTokenIsMissingWrongOrADeviceSessionsThen401AndWithItTheTextFormat() {
        start(TOKEN);
        String ana = api.post("/v1/auth/login", null, Map.of("username", HttpApiContract.ANA, "pin",
                HttpApiContract.ANA_PIN, "device_id", "phone-1")).body().get("token").asText();

        for (String token : new String[]{null, "", TOKEN + "x", TOKEN.substring(1), ana}) {
            HttpResponse<String> r = scrapeResponse(token);
            assertThat(r.statusCode()).as("token %s", token).isEqualTo(401);
            assertThat(r.body()).contains("\"error\":\"UNAUTHENTICATED\"").doesNotContain("fleetgate_");
        }
        HttpResponse<String> ok = scrapeResponse(TOKEN);
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.headers().firstValue("Content-Type")).contains(HostMetrics.CONTENT_TYPE);
        assertThat(ok.body()).contains("# TYPE fleetgate_decisions_seconds summary");
        assertThat(api.post("/metrics", TOKEN, Map.of()).status()).as("GET only").isEqualTo(405);
    }

    @Test
    void metricsWhenNoTokenIsSetThenTheHostAnswers404AsForAnyUnknownPath() {
        start(null);

        HttpResponse<String> r = scrapeResponse(TOKEN);

        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.body()).contains("\"error\":\"NOT_FOUND\"");
    }

    @Test
    void metricsWhenAnAttackerSendsMadeUpPathsHeadersQueriesAndMethodsThenNoNewSeriesAndNothingOfTheirsInATag()
            throws IOException {
        start(TOKEN);
        api.get("/v1/nope/123", null);
        String once = scrape();
        api.get("/v1/nope/456", null);
        api.get("/v1/nope/456/deeper", null);
        api.send(api.request("/v1/driver/batches/b_evil-sentinel?route=query-sentinel&status=999", "token-sentinel")
                .header("X-Route", "header-sentinel").header("X-Forwarded-For", "10.9.9.9").GET());
        // refused by Jetty before the host sees it (a bad escape): not counted, and nothing of it kept
        assertThat(api.getRaw("/v1/driver/batches/%zz-sentinel", null)).startsWith("HTTP/1.1 400");
        api.send(api.request("/v1/exclusive/active", null).method("PROPFIND-SENTINEL",
                HttpRequest.BodyPublishers.noBody()));

        String after = scrape();
        List<Sample> requests = samples(after).stream()
                .filter(s -> s.name().equals("http_server_requests_seconds_count")).toList();
        List<Sample> unmatched = requests.stream().filter(s -> s.labels().get("route").equals("unmatched")).toList();
        assertThat(unmatched).as("every unknown path in one series per method and status")
                .extracting(s -> s.labels().get("method") + " " + s.labels().get("status"))
                .containsExactly("GET 404");
        assertThat(value(after, "http_server_requests_seconds_count", "route", "unmatched", "status", "404"))
                .isEqualTo(3);
        assertThat(samples(once).stream().filter(s -> s.name().equals("http_server_requests_seconds_count")
                && "unmatched".equals(s.labels().get("route")))).hasSize(1);
        assertThat(value(after, "http_server_requests_seconds_count", "method", "GET", "route",
                "/v1/driver/batches/{id}", "status", "401")).as("the template, never the raw path").isEqualTo(1);
        assertThat(value(after, "http_server_requests_seconds_count", "method", "OTHER", "route",
                "/v1/exclusive/active", "status", "405")).isEqualTo(1);
        assertThat(after).doesNotContain("nope").doesNotContain("sentinel").doesNotContain("SENTINEL")
                .doesNotContain("10.9.9.9");
        assertThat(requests).extracting(s -> s.labels().get("status")).as("the status sent, not the query's")
                .doesNotContain("999");
        assertThat(requests).allSatisfy(s -> assertThat(s.labels().keySet())
                .containsExactlyInAnyOrder("method", "route", "status"));
    }

    @Test
    void optionsWhenTheMetricsTokenIsShortOrHasSpacesThenRefusedNamingTheSettingNotTheValue() {
        assertThatThrownBy(() -> ServeOptions.parse(List.of(), Map.of("HTTP_METRICS_TOKEN", "short-secret")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("HTTP_METRICS_TOKEN")
                .hasMessageNotContaining("short-secret");
        String spaced = "a".repeat(20) + " " + "b".repeat(20);
        assertThatThrownBy(() -> ServeOptions.parse(List.of(), Map.of("HTTP_METRICS_TOKEN", spaced)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining(spaced);
        ServeOptions parsed = ServeOptions.parse(List.of(), Map.of("HTTP_METRICS_TOKEN", TOKEN));
        assertThat(parsed.metricsToken()).isEqualTo(TOKEN);
        assertThat(parsed.toString()).doesNotContain(TOKEN);
        assertThat(ServeOptions.parse(List.of(), Map.of()).metricsToken()).isNull();
    }
}
