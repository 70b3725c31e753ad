package io.fleetgate.examples.http;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The host against strangers on the network (issue #14, point 4): hundreds of silent or slow
 * connections do not keep a normal request from its answer and are closed by the server once
 * their deadline passes (header, whole body); a connection over the cap is closed while one
 * already open is served; the per-token rate limit answers 429 with {@code Retry-After} once a
 * bucket is empty and serves again after it refills (the test moves the server clock); nothing a
 * client sends reaches the log unescaped. Timeouts are set short here through the options; the
 * tests never assert how long anything took. Run by one thin subclass per database.
 */
abstract class HostLimitsContract {
    /** Slow connections of each kind (silent, slow headers, slow body). */
    static final int SLOW = 100;

    @TempDir
    Path dir;

    private final MovableClock clock = new MovableClock(Instant.now().truncatedTo(ChronoUnit.MILLIS));
    private final List<Socket> sockets = new ArrayList<>();
    private TestDatabase db;
    private HttpHost host;
    private Api api;

    /** @return a new, empty database of this suite's kind */
    abstract TestDatabase newDatabase();

    private void start(HttpLimits limits) {
        start(limits, HttpApiContract.DEMO, Map.of());
    }

    private void start(HttpLimits limits, Path fixtures, Map<String, String> settings) {
        db = newDatabase();
        ServeOptions o = db.options();
        Map<String, String> env = new java.util.HashMap<>(HttpApiContract.env());
        env.putAll(settings);
        host = HttpHost.start(new ServeOptions(0, o.dbUrl(), o.dbUser(), o.dbPassword(), fixtures, o.dbOwnerUser(),
                        o.dbOwnerPassword(), limits).withPgPooler(o.pgPooler(), o.pgListenUrl()),
                HttpHost.settings(env, new PrintStream(OutputStream.nullOutputStream())), clock);
        api = new Api(host.port());
    }

    @AfterEach
    void stop() throws IOException {
        for (Socket s : sockets) {
            s.close();
        }
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

    private String login(String username, String pin) {
        Api.Reply r = api.post("/v1/auth/login", null, Map.of("username", username, "pin", pin, "device_id", "phone"));
        assertThat(r.status()).as("%s", r).isEqualTo(200);
        return r.body().get("token").asText();
    }

    private Socket connect() throws IOException {
        Socket s = new Socket("127.0.0.1", host.port());
        s.setSoTimeout(30_000); // a guard against a hung test, not an assertion
        sockets.add(s);
        return s;
    }

    /** @return whether the server closed the connection: a read ends (EOF or reset) with no answer */
    private static boolean closedByServer(Socket s) {
        try {
            InputStream in = s.getInputStream();
            byte[] buf = new byte[1024];
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            for (int n; (n = in.read(buf)) > 0; ) {
                got.write(buf, 0, n);
            }
            return !got.toString(StandardCharsets.ISO_8859_1).startsWith("HTTP/1.1 2");
        } catch (SocketException reset) {
            return true;
        } catch (IOException timedOut) {
            return false;
        }
    }

    // --- slow and silent clients -------------------------------------------------------------------

    @Test
    void slowClientsWhenHundredsOpenThenANormalRequestIsAnsweredAndTheyAreClosedAfterTheirDeadline()
            throws Exception {
        start(HttpApiContract.LIMITS.withTimeouts(Duration.ofSeconds(4), Duration.ofSeconds(4), Duration.ofSeconds(4)));
        String ana = login(HttpApiContract.ANA, HttpApiContract.ANA_PIN);
        // headers that never end: a request line, then a header value a byte at a time
        byte[] slowHead = "GET /v1/exclusive/active HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "
                .getBytes(StandardCharsets.US_ASCII);
        byte[] bodyHead = ("POST /v1/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Content-Length: 1000\r\n\r\n{").getBytes(StandardCharsets.US_ASCII);

        List<Socket> silent = new ArrayList<>();
        List<Socket> slowHeaders = new ArrayList<>();
        List<Socket> slowBody = new ArrayList<>();
        for (int i = 0; i < SLOW; i++) {
            silent.add(connect());
            slowHeaders.add(connect());
            Socket b = connect();
            b.getOutputStream().write(bodyHead);
            slowBody.add(b);
        }
        // one byte per connection every 100 ms: never idle long enough for a per-read timeout
        ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();
        int[] sent = new int[1];
        trickle.scheduleWithFixedDelay(() -> {
            int i = sent[0]++;
            for (Socket s : slowHeaders) {
                write(s, new byte[] {i < slowHead.length ? slowHead[i] : (byte) 'a'});
            }
            for (Socket s : slowBody) {
                write(s, new byte[] {' '});
            }
        }, 0, 100, TimeUnit.MILLISECONDS);
        try {
            // accepted, not open: on a slow machine the first may reach their deadline before the last connects
            await("the slow connections are accepted", () -> host.guard().acceptedConnections() >= 3 * SLOW + 1);

            Api.Reply normal = api.get("/v1/exclusive/active", ana);
            Api.Reply login = api.post("/v1/auth/login", null,
                    Map.of("username", HttpApiContract.SAM, "pin", HttpApiContract.SAM_PIN, "device_id", "tablet"));

            assertThat(normal.status()).as("%s", normal).isEqualTo(200);
            assertThat(login.status()).as("%s", login).isEqualTo(200);
            for (List<Socket> kind : List.of(silent, slowHeaders, slowBody)) {
                for (Socket s : kind) {
                    assertThat(closedByServer(s)).as("a slow connection is closed by the server").isTrue();
                }
            }
        } finally {
            trickle.shutdownNow();
        }
        assertThat(host.guard().timedOutConnections()).isGreaterThanOrEqualTo(3 * SLOW);
        assertThat(api.get("/v1/exclusive/active", ana).status()).isEqualTo(200);
    }

    /** Writes to a slow connection; once the server has closed it, there is nothing more to send. */
    private static void write(Socket s, byte[] bytes) {
        if (s.isOutputShutdown()) {
            return;
        }
        try {
            OutputStream out = s.getOutputStream();
            out.write(bytes);
            out.flush();
        } catch (IOException closedByServer) {
            try {
                s.shutdownOutput();
            } catch (IOException alreadyGone) {
                throw new java.io.UncheckedIOException(alreadyGone);
            }
        }
    }

    /** Waits (at most 30 s, a guard against a hung test) until the condition holds. */
    private static void await(String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() - deadline).as("still waiting: %s", what).isNegative();
            Thread.sleep(5);
        }
    }

    @Test
    void keepAliveWhenIdlePastTheIdleTimeoutThenClosedAndWhenBusyThenServedOnTheSameConnection() throws Exception {
        start(HttpApiContract.LIMITS.withTimeouts(Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(1)));
        String ana = login(HttpApiContract.ANA, HttpApiContract.ANA_PIN);
        Socket s = connect();

        assertThat(exchange(s, ana)).startsWith("HTTP/1.1 200");
        assertThat(exchange(s, ana)).as("kept alive").startsWith("HTTP/1.1 200");
        assertThat(closedByServer(s)).as("idle past the idle timeout").isTrue();
    }

    /** Sends one keep-alive GET on the socket and reads its answer (by Content-Length). */
    private static String exchange(Socket s, String token) throws IOException {
        s.getOutputStream().write(("GET /v1/exclusive/active HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                + token + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        InputStream in = s.getInputStream();
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        int length = -1;
        int headEnd = -1;
        while (headEnd < 0 || got.size() < headEnd + length) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            got.write(b);
            String text = got.toString(StandardCharsets.ISO_8859_1);
            if (headEnd < 0 && text.endsWith("\r\n\r\n")) {
                headEnd = text.length();
                for (String line : text.split("\r\n")) {
                    if (line.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                        length = Integer.parseInt(line.substring(15).trim());
                    }
                }
                length = Math.max(length, 0);
            }
        }
        return got.toString(StandardCharsets.UTF_8);
    }

    // --- the login lane ----------------------------------------------------------------------------

    @Test
    void loginsWhenTheyFillTheHashingLaneThenOtherRequestsKeepTheirThreadAndOneMoreLoginIsRefusedAtOnce()
            throws Exception {
        // One request thread; a hashing lane of one slot and two waiting places; hashes slow enough
        // (1.5M iterations, no fixtures to enrol) that no login can finish while the others are asked.
        start(new HttpLimits(Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(30), 100, 1, 0, 1,
                Duration.ofSeconds(15), 8),
                null, Map.of(io.fleetgate.FleetgateSettings.PIN_HASH_ITERATIONS, "1500000",
                        io.fleetgate.FleetgateSettings.LOGIN_HASH_CONCURRENCY, "1",
                        io.fleetgate.FleetgateSettings.LOGIN_HASH_QUEUE, "2"));
        java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
        List<java.util.concurrent.CompletableFuture<java.net.http.HttpResponse<String>>> logins = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            logins.add(client.sendAsync(loginRequest("nobody" + i), java.net.http.HttpResponse.BodyHandlers.ofString()));
        }
        await("three logins are being worked on", () -> host.guard().workingConnections() == 3);

        Api.Reply normal = api.get("/v1/exclusive/active", null);
        java.net.http.HttpResponse<String> fourth = client.send(loginRequest("nobody3"),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        boolean anyLoginDone = logins.stream().anyMatch(java.util.concurrent.CompletableFuture::isDone);

        assertThat(normal.status()).as("answered on the request thread, not behind the logins").isEqualTo(401);
        assertThat(fourth.statusCode()).as(fourth.body()).isEqualTo(429);
        assertThat(Api.JSON.readTree(fourth.body()).get("reason").asText()).isEqualTo("login_busy");
        assertThat(fourth.headers().firstValue("Retry-After")).contains("1");
        assertThat(anyLoginDone).as("both answers came while the three logins were still hashing or waiting")
                .isFalse();
        for (var login : logins) {
            assertThat(login.get(60, TimeUnit.SECONDS).statusCode()).isEqualTo(401);
        }
    }

    private java.net.http.HttpRequest loginRequest(String username) {
        return java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + host.port()
                        + "/v1/auth/login")).header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"username\": \"" + username
                        + "\", \"pin\": \"000000\", \"device_id\": \"phone\"}"))
                .build();
    }

    // --- the connection cap ------------------------------------------------------------------------

    @Test
    void connectionWhenOverTheCapThenClosedWhileAnOpenOneIsServed() throws Exception {
        start(HttpApiContract.LIMITS.withMaxConnections(3));
        String login = api.postRaw("/v1/auth/login", null, ("{\"username\":\"ana\",\"pin\":\"" + HttpApiContract.ANA_PIN
                + "\",\"device_id\":\"phone\"}").getBytes(StandardCharsets.UTF_8), false);
        String ana = Api.JSON.readTree(login.substring(login.indexOf("\r\n\r\n") + 4)).get("token").asText();
        await("the login's connection is closed", () -> host.guard().openConnections() == 0);
        Socket served = connect();
        assertThat(exchange(served, ana)).startsWith("HTTP/1.1 200");
        connect();
        connect();
        await("three connections are open", () -> host.guard().openConnections() == 3);

        Socket over = connect();

        assertThat(closedByServer(over)).as("the connection over the cap").isTrue();
        assertThat(host.guard().refusedConnections()).isEqualTo(1);
        assertThat(exchange(served, ana)).as("an open connection is still served").startsWith("HTTP/1.1 200");
    }

    // --- the rate limit ----------------------------------------------------------------------------

    @Test
    void rateLimitWhenBucketEmptyThen429WithRetryAfterWritesNothingAndAfterRefillServesAgain() throws Exception {
        start(HttpApiContract.LIMITS.withRate(1, 3));
        String ana = login(HttpApiContract.ANA, HttpApiContract.ANA_PIN);
        String sam = login(HttpApiContract.SAM, HttpApiContract.SAM_PIN);
        for (int i = 0; i < 3; i++) {
            assertThat(api.get("/v1/exclusive/active", ana).status()).isEqualTo(200);
        }
        String before = db.dumpTables();

        Api.Reply limited = api.post("/v1/driver/events", ana, Map.of("events",
                List.of(HttpApiContract.event("e-limited", "ROUTE_STARTED", clock.instant().minusSeconds(60)))));

        assertThat(limited.status()).as("%s", limited).isEqualTo(429);
        assertThat(limited.error()).isEqualTo("RATE_LIMITED");
        assertThat(limited.body().get("message").asText()).isNotBlank();
        assertThat(limited.headers().firstValue("Retry-After")).contains("1");
        assertThat(db.dumpTables()).as("a limited request writes nothing").isEqualTo(before);
        assertThat(api.get("/v1/supervisor/drivers", sam).status()).as("another token has its own bucket")
                .isEqualTo(200);

        clock.advance(Duration.ofSeconds(1));
        assertThat(api.get("/v1/exclusive/active", ana).status()).as("refilled").isEqualTo(200);
        assertThat(api.get("/v1/exclusive/active", ana).status()).as("one a second").isEqualTo(429);
    }

    @Test
    void rateLimitWhenLoginThenCountedPerAddressWhateverTokenIsSent() throws Exception {
        start(HttpApiContract.LIMITS.withRate(1, 3));
        login(HttpApiContract.ANA, HttpApiContract.ANA_PIN);
        login(HttpApiContract.SAM, HttpApiContract.SAM_PIN);
        assertThat(api.post("/v1/auth/login", "made-up-1", Map.of("username", "nobody", "pin", "000000",
                "device_id", "x")).status()).isEqualTo(401);

        Api.Reply fourth = api.post("/v1/auth/login", "made-up-2", Map.of("username", HttpApiContract.MIA,
                "pin", HttpApiContract.MIA_PIN, "device_id", "laptop"));

        assertThat(fourth.status()).as("%s", fourth).isEqualTo(429);
        assertThat(fourth.error()).isEqualTo("RATE_LIMITED");
        assertThat(fourth.headers().firstValue("Retry-After")).contains("1");
        clock.advance(Duration.ofSeconds(2));
        assertThat(api.post("/v1/auth/login", null, Map.of("username", HttpApiContract.MIA,
                "pin", HttpApiContract.MIA_PIN, "device_id", "laptop")).status()).isEqualTo(200);
    }

    // --- what Jetty refuses itself ------------------------------------------------------------------

    @Test
    void requestWhenJettyRefusesItThenTheContractEnvelope() throws Exception {
        start(HttpApiContract.LIMITS);

        String tooLarge = api.raw("GET", "/v1/exclusive/active", List.of("X-Padding: " + "p".repeat(20_000)), null,
                false);
        String badEscape = api.getRaw("/v1/driver/batches/%ZZ", null);
        String badHeader = api.raw("GET", "/v1/exclusive/active", List.of("Not a header line"), null, false);
        String nul = api.getRaw("/v1/driver/batches/%00", null);

        assertEnvelope(tooLarge, 431, "HEADERS_TOO_LARGE");
        assertEnvelope(badEscape, 400, "INVALID_REQUEST");
        assertEnvelope(badHeader, 400, "INVALID_REQUEST");
        assertEnvelope(nul, 404, "NOT_FOUND");
        assertThat(api.get("/v1/exclusive/active", null).status()).as("still serving").isEqualTo(401);
    }

    private static void assertEnvelope(String raw, int status, String code) throws IOException {
        assertThat(raw).startsWith("HTTP/1.1 " + status);
        int end = raw.indexOf("\r\n\r\n");
        assertThat(raw.substring(0, end).toLowerCase(java.util.Locale.ROOT))
                .contains("content-type: application/json");
        JsonNode body = Api.JSON.readTree(raw.substring(end + 4));
        assertThat(body.get("error").asText()).isEqualTo(code);
        assertThat(body.get("message").asText()).isNotBlank().doesNotContain("Exception");
    }

    // --- logs ----------------------------------------------------------------------------------------

    @Test
    void requestWhenPathHoldsControlAndSeparatorCharactersThenLoggedEscaped() throws Exception {
        start(HttpApiContract.LIMITS);
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        String answer;
        try {
            answer = api.getRaw("/v1/forged\u2028\u0085line\uffff\\u000a", null);
            await("the request's log line", () -> captured.toString(StandardCharsets.UTF_8).contains("forged"));
        } finally {
            System.setErr(original);
        }
        String log = captured.toString(StandardCharsets.UTF_8);

        assertThat(answer).startsWith("HTTP/1.1 404");
        String line = log.lines().filter(l -> l.contains("forged")).findFirst().orElseThrow();
        JsonNode json = Api.JSON.readTree(line);
        assertThat(json.get("event").asText()).isEqualTo("http_request");
        assertThat(json.get("path").asText()).isEqualTo("/v1/forged\\u2028\\u0085line\\uffff\\u005cu000a");
        assertThat(log).doesNotContain("\u2028").doesNotContain("\u0085").doesNotContain("\uffff");
    }
}
