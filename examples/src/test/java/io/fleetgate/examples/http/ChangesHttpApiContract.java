package io.fleetgate.examples.http;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static io.fleetgate.examples.http.HttpApiContract.ANA;
import static io.fleetgate.examples.http.HttpApiContract.ANA_PIN;
import static io.fleetgate.examples.http.HttpApiContract.SAM;
import static io.fleetgate.examples.http.HttpApiContract.SAM_PIN;
import static io.fleetgate.examples.http.HttpApiContract.MIA;
import static io.fleetgate.examples.http.HttpApiContract.MIA_PIN;
import static io.fleetgate.examples.http.HttpApiContract.event;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The live change feed over HTTP ({@code GET /v1/supervisor/changes} with and without a wait,
 * {@code GET /v1/supervisor/stream}) on a real host: pages and cursors, a long-poll answered by a
 * driver's sync, a stream that carries it with ids to resume from, heartbeats, a stream closed
 * when its token ends, the cap per session, bad input refused with nothing written. Run by one
 * thin subclass per database; the PostgreSQL one adds a second host on the same database.
 */
abstract class ChangesHttpApiContract {
    static final Duration BEAT = Duration.ofMillis(200);

    @TempDir
    Path dir;

    final MovableClock clock = new MovableClock(Instant.now().truncatedTo(ChronoUnit.MILLIS));
    final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    final List<HttpHost> hosts = new ArrayList<>();
    final List<Stream<String>> streams = new ArrayList<>();
    private TestDatabase db;
    HttpHost host;
    Api api;

    /** @return a new, empty database of this suite's kind for one test */
    abstract TestDatabase newDatabase();

    TestDatabase db() {
        if (db == null) {
            db = newDatabase();
        }
        return db;
    }

    /** Starts a host on the test's database: the demo fixtures (first host only), a short heartbeat, two waiters a session. */
    HttpHost startHost(boolean fixtures) throws IOException {
        ServeOptions o = db().options();
        ServeOptions options = new ServeOptions(0, o.dbUrl(), o.dbUser(), o.dbPassword(),
                fixtures ? HttpApiContract.DEMO : null, o.dbOwnerUser(), o.dbOwnerPassword())
                .withLimits(HttpApiContract.LIMITS.withPush(BEAT, 2)).withPositionSweep(Duration.ZERO)
                .withPgPooler(o.pgPooler(), o.pgListenUrl());
        HttpHost started = HttpHost.start(options, HttpHost.settings(HttpApiContract.env(), System.err), clock);
        hosts.add(started);
        if (fixtures) {
            Path extra = dir.resolve("extra.json");
            Files.writeString(extra, HttpApiContract.EXTRA_FIXTURES);
            Fixtures.load(extra, started.services());
        }
        return started;
    }

    void start() throws IOException {
        host = startHost(true);
        api = new Api(host.port());
    }

    @AfterEach
    void stop() {
        try {
            streams.forEach(Stream::close);
            hosts.forEach(HttpHost::close);
            if (api != null) {
                assertThat(api.seen().stream().map(Api.Reply::status).filter(s -> s >= 500).toList())
                        .as("5xx responses (all: %s)", api.seen()).isEmpty();
            }
        } finally {
            if (db != null) {
                db.drop();
            }
        }
    }

    String token(String username, String pin) {
        Api.Reply r = api.post("/v1/auth/login", null, Map.of("username", username, "pin", pin,
                "device_id", username + "-phone"));
        assertThat(r.status()).as("login %s: %s", username, r).isEqualTo(200);
        return r.body().get("token").asText();
    }

    /** Pages through the feed from the oldest retained change; {@return the cursor after the last} */
    String head(String token) {
        String after = null;
        while (true) {
            Api.Reply r = api.get("/v1/supervisor/changes?limit=1000" + (after == null ? "" : "&after=" + after), token);
            assertThat(r.status()).as("%s", r).isEqualTo(200);
            if (r.body().get("changes").isEmpty()) {
                return r.body().get("next").asText();
            }
            after = r.body().get("next").asText();
        }
    }

    static List<String> entities(JsonNode page) {
        List<String> out = new ArrayList<>();
        page.get("changes").forEach(c -> out.add(c.get("kind").asText() + ":" + c.get("entity_id").asText()));
        return out;
    }

    /** An open event stream: its lines, as they arrive. */
    record Events(HttpResponse<Stream<String>> response, BlockingQueue<String> lines) {
        /** {@return the next line, waiting at most ten seconds} */
        String next() throws InterruptedException {
            String line = lines.poll(10, TimeUnit.SECONDS);
            assertThat(line).as("a line within 10 s").isNotNull();
            return line;
        }

        /** {@return the next event's fields (comments skipped), as {@code field → value}, within ten seconds} */
        Map<String, String> nextEvent() throws InterruptedException {
            Map<String, String> fields = new java.util.LinkedHashMap<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (true) {
                assertThat(System.nanoTime() - deadline).as("an event within 10 s (heartbeats aside)").isNegative();
                String line = next();
                if (line.equals(END)) {
                    return fields;
                }
                if (line.isEmpty()) {
                    if (!fields.isEmpty()) {
                        return fields;
                    }
                    continue;
                }
                if (line.startsWith(":")) {
                    continue;
                }
                int colon = line.indexOf(':');
                fields.put(line.substring(0, colon), line.substring(colon + 1).strip());
            }
        }
    }

    static final String END = "\u0000end of stream";

    Events open(int port, String token, String lastEventId) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/supervisor/stream"))
                .header("Accept", "text/event-stream").GET();
        if (token != null) {
            r.header("Authorization", "Bearer " + token);
        }
        if (lastEventId != null) {
            r.header("Last-Event-ID", lastEventId);
        }
        HttpResponse<Stream<String>> response = client.sendAsync(r.build(), HttpResponse.BodyHandlers.ofLines())
                .get(10, TimeUnit.SECONDS);
        streams.add(response.body());
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        if (response.statusCode() == 200) {
            Thread reader = new Thread(() -> {
                try {
                    response.body().forEach(lines::add);
                } finally {
                    lines.add(END);
                }
            }, "sse-reader");
            reader.setDaemon(true);
            reader.start();
        }
        return new Events(response, lines);
    }

    // --- GET /v1/supervisor/changes -------------------------------------------------------------

    @Test
    void changesWhenReadWithoutWaitingThenPagesInOrderAndAnEmptyPageKeepsTheCursor() throws Exception {
        start();
        String sam = token(SAM, SAM_PIN);
        String ana = token(ANA, ANA_PIN); // a driver's login moves their batches: changes too
        Api.Reply first = api.get("/v1/supervisor/changes?limit=1", sam);
        assertThat(first.status()).isEqualTo(200);
        assertThat(first.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/json");
        assertThat(first.body().get("changes")).hasSize(1);
        JsonNode c = first.body().get("changes").get(0);
        assertThat(c.get("kind").asText()).isEqualTo("BATCH");
        assertThat(c.get("workspace_id").asText()).isEqualTo("ws_1");
        assertThat(c.get("cursor").asText()).isEqualTo(first.body().get("next").asText());
        assertThat(c.get("summary").get("op").asText()).isEqualTo("created");

        String head = head(sam);
        Api.Reply empty = api.get("/v1/supervisor/changes?after=" + head, sam);
        assertThat(empty.body().get("changes")).isEmpty();
        assertThat(empty.body().get("next").asText()).isEqualTo(head);

        assertThat(api.post("/v1/driver/events", ana, Map.of("events",
                List.of(event("e-1", "ROUTE_STARTED", clock.instant().minusSeconds(5))))).status()).isEqualTo(200);
        Api.Reply news = api.get("/v1/supervisor/changes?after=" + head, sam);
        // in commit order: the sync moves the batch, then appends the event, in one transaction
        assertThat(entities(news.body())).containsExactly("BATCH:b_1", "EVENT:e-1");
        // a member reads the workspace's feed too
        assertThat(entities(api.get("/v1/supervisor/changes?after=" + head, token(MIA, MIA_PIN)).body()))
                .containsExactly("BATCH:b_1", "EVENT:e-1");
    }

    @Test
    void changesWhenWaitingThenAnsweredByTheDriversSyncWithoutHoldingAThread() throws Exception {
        start();
        String sam = token(SAM, SAM_PIN);
        String ana = token(ANA, ANA_PIN);
        String head = head(sam);
        CompletableFuture<HttpResponse<String>> poll = client.sendAsync(api.request(
                "/v1/supervisor/changes?wait=20&after=" + head, sam).GET().build(), HttpResponse.BodyHandlers.ofString());
        awaitWaiters(host, 1);
        assertThat(poll).isNotDone();

        api.post("/v1/driver/events", ana, Map.of("events",
                List.of(event("e-1", "ROUTE_STARTED", clock.instant().minusSeconds(5)))));
        HttpResponse<String> answered = poll.get(10, TimeUnit.SECONDS);
        assertThat(answered.statusCode()).isEqualTo(200);
        JsonNode page = Api.JSON.readTree(answered.body());
        assertThat(entities(page)).containsExactly("BATCH:b_1", "EVENT:e-1");
        awaitWaiters(host, 0);

        // nothing new within the wait: an empty page, the same cursor
        String next = page.get("next").asText();
        HttpResponse<String> quiet = client.send(api.request("/v1/supervisor/changes?wait=1&after=" + next, sam)
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(quiet.statusCode()).isEqualTo(200);
        assertThat(Api.JSON.readTree(quiet.body()).get("changes")).isEmpty();
        assertThat(Api.JSON.readTree(quiet.body()).get("next").asText()).isEqualTo(next);
    }

    @Test
    void changesWhenInputIsBadOrTheCallerMayNotReadThenRefusedAndNothingWritten() throws Exception {
        start();
        String sam = token(SAM, SAM_PIN);
        String ana = token(ANA, ANA_PIN);
        String sue = token("sue", "135791");
        String suesCursor = head(sue);
        String before = db().dumpTables();

        for (String query : List.of("wait=31", "wait=-1", "wait=1.5", "wait=soon", "limit=0", "limit=1001",
                "limit=x", "after=not-a-cursor", "after=" + "A".repeat(300), "wait=1&wait=2")) {
            Api.Reply r = api.get("/v1/supervisor/changes?" + query, sam);
            assertThat(r.status()).as(query).isEqualTo(400);
            assertThat(r.body().get("error").asText()).as(query).isEqualTo("INVALID_REQUEST");
        }
        String forged = Base64.getUrlEncoder().withoutPadding()
                .encodeToString("f1:999999:ws_1".getBytes(StandardCharsets.UTF_8));
        for (String cursor : List.of(suesCursor, forged)) {
            Api.Reply r = api.get("/v1/supervisor/changes?wait=5&after=" + cursor, sam);
            assertThat(r.status()).as(cursor).isEqualTo(404);
        }
        assertThat(api.get("/v1/supervisor/changes", ana).status()).isEqualTo(403);
        assertThat(api.get("/v1/supervisor/changes", null).status()).isEqualTo(401);
        assertThat(api.get("/v1/supervisor/changes", "made-up-token").status()).isEqualTo(401);
        assertThat(open(host.port(), ana, null).response().statusCode()).isEqualTo(403);
        assertThat(open(host.port(), null, null).response().statusCode()).isEqualTo(401);
        assertThat(open(host.port(), sam, suesCursor).response().statusCode()).isEqualTo(404);
        assertThat(open(host.port(), sam, "f1-nonsense").response().statusCode()).isEqualTo(400);
        assertThat(api.method("POST", "/v1/supervisor/stream", sam).status()).isEqualTo(405);
        assertThat(host.changeWaiters()).isZero();
        assertThat(db().dumpTables()).as("refused reads write nothing").isEqualTo(before);
    }

    // --- GET /v1/supervisor/stream --------------------------------------------------------------

    @Test
    void streamWhenTheDriverSyncsThenTheChangeArrivesWithAnIdToResumeFromAndHeartbeatsKeepComing() throws Exception {
        start();
        String sam = token(SAM, SAM_PIN);
        String ana = token(ANA, ANA_PIN);
        Events events = open(host.port(), sam, null);
        assertThat(events.response().statusCode()).isEqualTo(200);
        assertThat(events.response().headers().firstValue("Content-Type").orElseThrow()).startsWith("text/event-stream");
        assertThat(events.response().headers().firstValue("Cache-Control").orElseThrow()).isEqualTo("no-store");
        assertThat(events.nextEvent()).containsEntry("retry", String.valueOf(ChangesApi.RETRY_MS));
        assertThat(events.next()).as("a heartbeat before any change").isEqualTo(": ping");

        api.post("/v1/driver/events", ana, Map.of("events",
                List.of(event("e-1", "ROUTE_STARTED", clock.instant().minusSeconds(5)))));
        Map<String, String> first = events.nextEvent();
        assertThat(first).containsEntry("event", "change").containsKey("id");
        assertThat(Api.JSON.readTree(first.get("data")).get("entity_id").asText()).isEqualTo("b_1");
        Map<String, String> second = events.nextEvent();
        assertThat(Api.JSON.readTree(second.get("data")).get("entity_id").asText()).isEqualTo("e-1");

        // a browser that lost the stream after the first change resumes after it
        Events resumed = open(host.port(), sam, first.get("id"));
        resumed.nextEvent();
        Map<String, String> again = resumed.nextEvent();
        assertThat(again).containsEntry("id", second.get("id"));
        assertThat(Api.JSON.readTree(again.get("data")).get("kind").asText()).isEqualTo("EVENT");
    }

    @Test
    void streamWhenSeveralConsolesWatchOneWorkspaceThenEachGetsEveryChangeOnceInOrderAndOneFarBehindTooFromTheStore()
            throws Exception {
        start();
        String sam = token(SAM, SAM_PIN);
        String mia = token(MIA, MIA_PIN);
        String ana = token(ANA, ANA_PIN);
        JsonNode oldest = api.get("/v1/supervisor/changes?limit=2", sam).body().get("changes");
        List<Events> watching = List.of(open(host.port(), sam, null), open(host.port(), mia, null),
                open(host.port(), sam, oldest.get(0).get("cursor").asText()));
        for (Events e : watching) {
            assertThat(e.nextEvent()).containsKey("retry");
        }
        // the one that resumed from the feed's first change gets the second first, read from the store
        Map<String, String> behind = watching.get(2).nextEvent();
        assertThat(behind).containsEntry("id", oldest.get(1).get("cursor").asText());

        Map<String, Object> arrival = new java.util.LinkedHashMap<>(event("e-2", "ARRIVED_AT_STOP",
                clock.instant().minusSeconds(5)));
        arrival.put("stop_index", 0);
        arrival.put("lat", 30.30);
        arrival.put("lng", -97.74);
        for (Map<String, Object> e : List.of(event("e-1", "ROUTE_STARTED", clock.instant().minusSeconds(9)), arrival)) {
            Api.Reply r = api.post("/v1/driver/events", ana, Map.of("events", List.of(e)));
            assertThat(r.body().at("/results/0/outcome").asText()).as("%s", r).isEqualTo("ACCEPTED");
        }
        List<List<String>> seen = new ArrayList<>();
        for (Events e : watching) {
            List<String> got = new ArrayList<>();
            String last;
            do {
                JsonNode data = Api.JSON.readTree(e.nextEvent().get("data"));
                last = data.get("kind").asText() + ":" + data.get("entity_id").asText() + "@"
                        + data.get("cursor").asText();
                got.add(last);
            } while (!last.startsWith("EVENT:e-2@"));
            assertThat(got).as("each change once").doesNotHaveDuplicates();
            assertThat(got.stream().filter(c -> c.startsWith("EVENT:e-")).map(c -> c.substring(0, c.indexOf('@'))))
                    .containsExactly("EVENT:e-1", "EVENT:e-2");
            seen.add(got);
        }
        assertThat(seen.get(1)).as("two consoles, the same changes in the same order").isEqualTo(seen.get(0));
        assertThat(seen.get(2)).as("the one far behind ends with the same changes").endsWith(
                seen.get(0).toArray(String[]::new));
    }

    @Test
    void streamWhenTheTokenEndsThenAnEndEventAndTheStreamCloses() throws Exception {
        start();
        String sam = token(SAM, SAM_PIN);
        Events events = open(host.port(), sam, null);
        events.nextEvent();
        assertThat(api.post("/v1/auth/logout", sam, Map.of()).status()).isBetween(200, 204);
        Map<String, String> end = events.nextEvent();
        assertThat(end).containsEntry("event", "end");
        assertThat(end.get("data")).contains("SESSION_ENDED");
        String line;
        do {
            line = events.next();
        } while (!line.equals(END));
        awaitWaiters(host, 0);
    }

    @Test
    void streamWhenASessionOpensMoreThanItsCapThen429AndClosingOneFreesItsSlot() throws Exception {
        start();
        String sam = token(SAM, SAM_PIN);
        Events one = open(host.port(), sam, null);
        Events two = open(host.port(), sam, null);
        one.nextEvent();
        two.nextEvent();
        assertThat(open(host.port(), sam, null).response().statusCode()).isEqualTo(429);
        assertThat(api.get("/v1/supervisor/changes?wait=5", sam).status()).isEqualTo(429);
        // another session of the workspace is not held back by sam's
        Events mia = open(host.port(), token(MIA, MIA_PIN), null);
        assertThat(mia.response().statusCode()).isEqualTo(200);
        one.response().body().close();
        // the host sees the client gone at its next write (a heartbeat)
        awaitWaiters(host, 2);
        assertThat(open(host.port(), sam, null).response().statusCode()).isEqualTo(200);
    }

    static void awaitWaiters(HttpHost on, int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (on.changeWaiters() != n) {
            assertThat(System.nanoTime() - deadline).as("%d waiters within 10 s, have %d", n, on.changeWaiters())
                    .isNegative();
            Thread.sleep(20);
        }
    }
}
