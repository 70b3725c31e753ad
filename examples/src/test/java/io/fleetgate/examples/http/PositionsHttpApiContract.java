package io.fleetgate.examples.http;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.fleetgate.examples.http.HttpApiContract.assertError;
import static io.fleetgate.examples.http.HttpApiContract.event;
import static io.fleetgate.examples.http.HttpApiContract.with;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The position stream over HTTP (issue #17; docs/http-api.md, docs/positions.md) end to end: a
 * real {@link HttpHost} with the demo and extra fixtures of {@link HttpApiContract} plus
 * {@link #POSITION_FIXTURES} (a driver whose batch has a corridor and a polygon stop), a fresh
 * database per test, driven through {@link java.net.http.HttpClient}. The position sweeper is off
 * (nothing but a test's requests writes) except in the test about it. Run by one thin subclass
 * per database. After every test, no response may have been a 5xx.
 */
abstract class PositionsHttpApiContract {
    /** kim (d_6) of ws_1 and her batch b_c: a corridor along 30.27° N, a stop with a polygon. */
    static final String POSITION_FIXTURES = """
            {"users": [{"id": "d_6", "username": "kim", "pin": "975310", "role": "DRIVER", "workspace_id": "ws_1"}],
             "batches": [{"id": "b_c", "workspace_id": "ws_1", "driver_id": "d_6",
               "corridor": {"line": [[30.27, -97.76], [30.27, -97.72], [30.28, -97.70]], "width_m": 200},
               "stops": [{"id": "yard", "lat": 30.27, "lng": -97.74, "radius_m": 60,
                          "polygon": [[30.2695, -97.7405], [30.2695, -97.7395], [30.2705, -97.7395],
                                      [30.2705, -97.7405]]}]}]}
            """;

    /** A ring whose edges cross (a bow tie). */
    static final List<List<Double>> BOW_TIE = List.of(List.of(30.0, -97.0), List.of(30.001, -96.999),
            List.of(30.0, -96.999), List.of(30.001, -97.0));

    @TempDir
    Path dir;

    final MovableClock clock = new MovableClock(Instant.now().truncatedTo(ChronoUnit.MILLIS));
    HttpHost host;
    Api api;

    private TestDatabase db;

    /** @return a new, empty database of this suite's kind for one test */
    abstract TestDatabase newDatabase();

    private TestDatabase db() {
        if (db == null) {
            db = newDatabase();
        }
        return db;
    }

    HttpHost start(Duration sweep) throws IOException {
        HttpHost started = HttpApiContract.startWithFixtures(db().options(), dir, clock, sweep);
        Path positions = dir.resolve("positions.json");
        Files.writeString(positions, POSITION_FIXTURES);
        Fixtures.load(positions, started.services());
        return started;
    }

    @BeforeEach
    void start() throws IOException {
        host = start(Duration.ZERO);
        api = new Api(host.port());
    }

    @AfterEach
    void stop() {
        try {
            if (host != null) {
                host.close();
            }
            List<Integer> serverErrors = api == null ? List.of()
                    : api.seen().stream().map(Api.Reply::status).filter(s -> s >= 500).toList();
            assertThat(serverErrors).as("5xx responses (all: %s)", api.seen()).isEmpty();
        } finally {
            if (db != null) {
                db.drop();
            }
        }
    }

    // --- helpers ---------------------------------------------------------------------------------

    String token(String username, String pin) {
        Api.Reply r = api.post("/v1/auth/login", null, Map.of("username", username, "pin", pin,
                "device_id", username + "-phone"));
        assertThat(r.status()).as("login %s: %s", username, r).isEqualTo(200);
        return r.body().get("token").asText();
    }

    String ana() {
        return token(HttpApiContract.ANA, HttpApiContract.ANA_PIN);
    }

    String sam() {
        return token(HttpApiContract.SAM, HttpApiContract.SAM_PIN);
    }

    String mia() {
        return token(HttpApiContract.MIA, HttpApiContract.MIA_PIN);
    }

    String kim() {
        return token("kim", "975310");
    }

    Instant ago(Duration d) {
        return clock.instant().minus(d);
    }

    static Map<String, Object> fix(Instant at, double lat, double lng, Double accuracy) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("recorded_at", at.toString());
        m.put("lat", lat);
        m.put("lng", lng);
        if (accuracy != null) {
            m.put("accuracy_m", accuracy);
        }
        return m;
    }

    Api.Reply send(String token, String batchId, Object... fixes) {
        return api.post("/v1/driver/positions", token, Map.of("batch_id", batchId, "fixes", List.of(fixes)));
    }

    /** Sends and expects 200. */
    JsonNode sent(String token, String batchId, Object... fixes) {
        Api.Reply r = send(token, batchId, fixes);
        assertThat(r.status()).as("%s", r).isEqualTo(200);
        return r.body();
    }

    static String span(Instant from, Instant to) {
        return "from=" + URLEncoder.encode(from.toString(), StandardCharsets.UTF_8) + "&to="
                + URLEncoder.encode(to.toString(), StandardCharsets.UTF_8);
    }

    /** All of a driver's fixes of the last day and the next, read as sam. */
    JsonNode fixesOf(String driverId, String token) {
        Api.Reply r = api.get("/v1/supervisor/drivers/" + driverId + "/positions?"
                + span(ago(Duration.ofDays(1)), clock.instant().plus(Duration.ofDays(1))), token);
        assertThat(r.status()).as("%s", r).isEqualTo(200);
        return r.body().get("fixes");
    }

    List<JsonNode> queue(String token) {
        Api.Reply r = api.get("/v1/supervisor/review-queue?limit=1000", token);
        assertThat(r.status()).as("%s", r).isEqualTo(200);
        List<JsonNode> items = new ArrayList<>();
        r.body().get("events").forEach(items::add);
        return items;
    }

    List<JsonNode> alerts(String token, String kind) {
        return queue(token).stream().filter(i -> "alert".equals(i.path("kind").asText())
                && kind.equals(i.at("/alert/kind").asText())).toList();
    }

    Map<String, JsonNode> board(String token) {
        Api.Reply r = api.get("/v1/supervisor/drivers", token);
        assertThat(r.status()).as("%s", r).isEqualTo(200);
        Map<String, JsonNode> rows = new HashMap<>();
        r.body().get("drivers").forEach(d -> rows.put(d.get("driver_id").asText(), d));
        return rows;
    }

    String dumpTables() throws Exception {
        return db().dumpTables();
    }

    // --- sending fixes -----------------------------------------------------------------------------

    @Test
    void ingestWhenFixesSentThenReceiptAndEachFixReadBackWithItsMarks() {
        String ana = ana();
        Instant t = ago(Duration.ofMinutes(10));
        Map<String, Object> full = with(fix(t, 30.27, -97.74, 5.0), "speed_mps", 12.5, "heading_deg", 271.25);

        JsonNode receipt = sent(ana, "b_1", full,
                fix(t.plusSeconds(10), 30.2701, -97.7401, 500.0),
                fix(t.plusSeconds(20), 30.2702, -97.7402, null),
                fix(clock.instant().plus(Duration.ofHours(1)), 30.27, -97.74, 5.0));

        assertThat(receipt.get("accepted").asInt()).isEqualTo(4);
        assertThat(receipt.get("duplicates").asInt()).isZero();
        assertThat(receipt.get("conflicts")).isEmpty();
        assertThat(receipt.get("marked").asInt()).as("the inaccurate one and the future one").isEqualTo(2);
        assertThat(receipt.get("arrivals_confirmed").asInt()).isZero();

        Api.Reply own = api.get("/v1/driver/positions?" + span(ago(Duration.ofDays(1)),
                clock.instant().plus(Duration.ofDays(1))), ana);
        assertThat(own.status()).as("%s", own).isEqualTo(200);
        JsonNode fixes = own.body().get("fixes");
        assertThat(fixes).hasSize(4);
        assertThat(own.body().get("next").isNull()).isTrue();
        JsonNode first = fixes.get(0);
        assertThat(Instant.parse(first.get("recorded_at").asText())).isEqualTo(t);
        assertThat(first.get("lat").asDouble()).isEqualTo(30.27);
        assertThat(first.get("lng").asDouble()).isEqualTo(-97.74);
        assertThat(first.get("accuracy_m").asDouble()).isEqualTo(5.0);
        assertThat(first.get("speed_mps").asDouble()).isEqualTo(12.5);
        assertThat(first.get("heading_deg").asDouble()).isEqualTo(271.25);
        assertThat(first.get("marks")).isEmpty();
        assertThat(first.get("driver_id").asText()).isEqualTo("d_1");
        assertThat(first.get("batch_id").asText()).isEqualTo("b_1");
        assertThat(Instant.parse(first.get("received_at").asText())).isEqualTo(clock.instant());
        assertThat(fixes.get(1).get("marks").toString()).isEqualTo("[\"ACCURACY\"]");
        assertThat(fixes.get(2).get("accuracy_m").isNull()).isTrue();
        assertThat(fixes.get(2).get("speed_mps").isNull()).isTrue();
        assertThat(fixes.get(2).get("marks")).isEmpty();
        assertThat(fixes.get(3).get("marks").toString()).isEqualTo("[\"FUTURE\"]");
        // supervisors and members of the workspace read them; another workspace sees none
        assertThat(fixesOf("d_1", sam())).hasSize(4);
        assertThat(fixesOf("d_1", mia())).hasSize(4);
        assertThat(fixesOf("d_1", token("sue", "135791"))).isEmpty();
        assertThat(fixesOf("d_1", ana)).as("a driver reads their own by either route").hasSize(4);
    }

    @Test
    void readWhenPagedOrRefusedThenNextPageOr400Or403() {
        String ana = ana();
        Instant t = ago(Duration.ofMinutes(10));
        sent(ana, "b_1", fix(t, 30.27, -97.74, 5.0), fix(t.plusSeconds(5), 30.27, -97.74, 5.0),
                fix(t.plusSeconds(10), 30.27, -97.74, 5.0));
        String sam = sam();
        String base = "/v1/supervisor/drivers/d_1/positions?";

        Api.Reply page = api.get(base + span(t, clock.instant()) + "&limit=2", sam);
        assertThat(page.body().get("fixes")).hasSize(2);
        Instant next = Instant.parse(page.body().get("next").asText());
        assertThat(next).isEqualTo(t.plusSeconds(5).plus(1, ChronoUnit.MICROS));
        Api.Reply rest = api.get(base + span(next, clock.instant()) + "&limit=2", sam);
        assertThat(rest.body().get("fixes")).hasSize(1);
        assertThat(Instant.parse(rest.body().at("/fixes/0/recorded_at").asText())).isEqualTo(t.plusSeconds(10));
        assertThat(rest.body().get("next").isNull()).isTrue();

        Api.Reply noFrom = api.get(base + "to=" + clock.instant(), sam);
        assertError(noFrom, 400, "INVALID_REQUEST");
        assertThat(noFrom.body().get("field").asText()).isEqualTo("from");
        assertError(api.get(base + "from=" + t, sam), 400, "INVALID_REQUEST");
        assertError(api.get(base + span(clock.instant(), t), sam), 400, "INVALID_REQUEST");
        assertError(api.get(base + "from=yesterday&to=" + t, sam), 400, "INVALID_REQUEST");
        for (String limit : List.of("0", "10001", "abc", "1.5")) {
            Api.Reply bad = api.get(base + span(t, clock.instant()) + "&limit=" + limit, sam);
            assertError(bad, 400, "INVALID_REQUEST");
            assertThat(bad.body().get("field").asText()).isEqualTo("limit");
        }
        assertError(api.get("/v1/supervisor/drivers/d_1/positions?" + span(t, clock.instant()), kim()), 403,
                "FORBIDDEN");
        assertError(api.get("/v1/driver/positions?" + span(t, clock.instant()), sam), 403, "FORBIDDEN");
        assertError(api.get("/v1/driver/positions?" + span(t, clock.instant()), null), 401, "UNAUTHENTICATED");
        assertError(api.method("DELETE", "/v1/driver/positions", ana), 405, "METHOD_NOT_ALLOWED");
    }

    @Test
    void ingestWhenSentAgainThenDuplicatesAndConflictsKeepWhatIsStored() {
        String ana = ana();
        Instant t = ago(Duration.ofMinutes(10));
        Map<String, Object> a = fix(t, 30.27, -97.74, 5.0);
        Map<String, Object> b = fix(t.plusSeconds(5), 30.2701, -97.74, 5.0);
        sent(ana, "b_1", a, b);

        JsonNode again = sent(ana, "b_1", a, b);
        assertThat(again.get("accepted").asInt()).isZero();
        assertThat(again.get("duplicates").asInt()).isEqualTo(2);
        assertThat(again.get("conflicts")).isEmpty();

        JsonNode other = sent(ana, "b_1", with(a, "lat", 30.5), fix(t.plusSeconds(9), 30.27, -97.74, 5.0),
                fix(t.plusSeconds(9), 30.27, -97.74, 5.0), fix(t.plusSeconds(9), 30.28, -97.74, 5.0));
        assertThat(other.get("accepted").asInt()).isEqualTo(1);
        assertThat(other.get("duplicates").asInt()).as("the same fix twice in one call").isEqualTo(1);
        List<Instant> conflicts = new ArrayList<>();
        other.get("conflicts").forEach(c -> conflicts.add(Instant.parse(c.asText())));
        assertThat(conflicts).containsExactlyInAnyOrder(t, t.plusSeconds(9));

        JsonNode stored = fixesOf("d_1", sam());
        assertThat(stored).hasSize(3);
        assertThat(stored.get(0).get("lat").asDouble()).as("the stored fix is kept").isEqualTo(30.27);
        assertThat(stored.get(2).get("lat").asDouble()).isEqualTo(30.27);

        // recorded_at is kept to the microsecond: finer digits make no other fix
        Instant micro = t.plusSeconds(20).plusNanos(123_456_000);
        JsonNode nanos = sent(ana, "b_1", with(fix(micro, 30.27, -97.74, 5.0), "recorded_at",
                micro.toString().replace("Z", "789Z")));
        assertThat(nanos.get("accepted").asInt()).isEqualTo(1);
        assertThat(sent(ana, "b_1", fix(micro, 30.27, -97.74, 5.0)).get("duplicates").asInt()).isEqualTo(1);
        assertThat(Instant.parse(fixesOf("d_1", sam()).get(3).get("recorded_at").asText())).isEqualTo(micro);
    }

    @Test
    void ingestWhenAThousandFixesWithEveryFieldThenOneCallTakesThemWithinTheBodyCap() throws Exception {
        String ana = ana();
        List<Object> fixes = new ArrayList<>();
        Instant t = ago(Duration.ofMinutes(30)).plusNanos(123_456_000);
        for (int i = 0; i < 1000; i++) {
            fixes.add(with(fix(t.plusSeconds(i), 30.270123456789 + i * 1e-6, -97.740123456789, 4.567891234),
                    "speed_mps", 1.234567891, "heading_deg", 271.123456789));
        }
        String body = Api.JSON.writeValueAsString(Map.of("batch_id", "b_1", "fixes", fixes));
        assertThat(body.length()).as("1,000 fixes with every field").isBetween(100_000, JsonIo.MAX_BODY_BYTES / 4);

        Api.Reply r = api.post("/v1/driver/positions", ana, body);

        assertThat(r.status()).as("%s", r).isEqualTo(200);
        assertThat(r.body().get("accepted").asInt()).isEqualTo(1000);
        assertThat(fixesOf("d_1", sam())).hasSize(1000);
    }

    @Test
    void ingestWhenAnyFixMalformedThen400NamingTheFieldAndNothingWritten() throws Exception {
        String ana = ana();
        Instant t = ago(Duration.ofMinutes(10));
        Map<String, Object> ok = fix(t, 30.27, -97.74, 5.0);
        List<Object> many = new ArrayList<>();
        for (int i = 0; i < 1001; i++) {
            many.add(fix(t.plusSeconds(i), 30.27, -97.74, 5.0));
        }
        String before = dumpTables();

        Map<String, Object> cases = new LinkedHashMap<>();
        cases.put("fixes[1].lat", Map.of("batch_id", "b_1", "fixes", List.of(ok, with(ok, "lat", 91))));
        cases.put("fixes[1].lng", Map.of("batch_id", "b_1", "fixes", List.of(ok, with(ok, "lng", -180.5))));
        cases.put("fixes[0].lat", Map.of("batch_id", "b_1", "fixes", List.of(with(ok, "lat", "30.27"))));
        cases.put("fixes[2].lat", Map.of("batch_id", "b_1", "fixes", List.of(ok, ok, Map.of("recorded_at",
                t.toString(), "lng", -97.74))));
        cases.put("fixes[0].recorded_at", Map.of("batch_id", "b_1", "fixes", List.of(with(ok, "recorded_at",
                "yesterday"))));
        cases.put("fixes[1].recorded_at", Map.of("batch_id", "b_1", "fixes", List.of(ok, Map.of("lat", 30.27,
                "lng", -97.74))));
        cases.put("fixes[0].recorded_at ", Map.of("batch_id", "b_1", "fixes", List.of(with(ok, "recorded_at",
                "+10000-01-01T00:00:00Z"))));
        cases.put("fixes[0].accuracy_m", Map.of("batch_id", "b_1", "fixes", List.of(with(ok, "accuracy_m", -1))));
        cases.put("fixes[0].speed_mps", Map.of("batch_id", "b_1", "fixes", List.of(with(ok, "speed_mps", -0.5))));
        cases.put("fixes[0].heading_deg", Map.of("batch_id", "b_1", "fixes", List.of(with(ok, "heading_deg", 360))));
        cases.put("fixes[0].altitude_m", Map.of("batch_id", "b_1", "fixes", List.of(with(ok, "altitude_m", 3))));
        cases.put("fixes[1]", Map.of("batch_id", "b_1", "fixes", List.of(ok, "north")));
        cases.put("fixes", Map.of("batch_id", "b_1", "fixes", many));
        cases.put("fixes ", Map.of("batch_id", "b_1", "fixes", List.of()));
        cases.put("fixes  ", Map.of("batch_id", "b_1", "fixes", ok));
        cases.put("fixes   ", Map.of("batch_id", "b_1"));
        cases.put("batch_id", Map.of("fixes", List.of(ok)));
        cases.put("batch_id ", Map.of("batch_id", List.of("b_1"), "fixes", List.of(ok)));
        cases.put("device_id", Map.of("batch_id", "b_1", "device_id", "p", "fixes", List.of(ok)));

        for (Map.Entry<String, Object> c : cases.entrySet()) {
            Api.Reply r = api.post("/v1/driver/positions", ana, c.getValue());
            assertError(r, 400, "INVALID_REQUEST");
            assertThat(r.body().get("field").asText()).as("%s", r).isEqualTo(c.getKey().strip());
        }
        assertError(api.post("/v1/driver/positions", ana, "{\"batch_id\": \"b_1\", \"fixes\": [{\"recorded_at\": \""
                + t + "\", \"lat\": NaN, \"lng\": 0}]}"), 400, "INVALID_REQUEST");
        assertError(api.post("/v1/driver/positions", ana, "{\"batch_id\": \"b_1\", \"fixes\": [{\"recorded_at\": \""
                + t + "\", \"lat\": 1e400, \"lng\": 0}]}"), 400, "INVALID_REQUEST");

        assertThat(dumpTables()).as("nothing written").isEqualTo(before);
        assertThat(fixesOf("d_1", sam())).isEmpty();
    }

    @Test
    void ingestWhenTheCallerMayNotSendForTheBatchThen403Or404AndNothingWritten() throws Exception {
        String ana = ana();
        String sam = sam();
        String mia = mia();
        String dan = token("dan", "864209");
        String bob = token("bob", "246810");
        Map<String, Object> ok = fix(ago(Duration.ofMinutes(1)), 30.27, -97.74, 5.0);
        String before = dumpTables();

        assertError(send(sam, "b_1", ok), 403, "FORBIDDEN");
        assertError(send(mia, "b_1", ok), 403, "FORBIDDEN");
        assertError(send(ana, "b_2", ok), 404, "NOT_FOUND");
        assertError(send(dan, "b_1", ok), 404, "NOT_FOUND");
        assertError(send(bob, "b_1", ok), 404, "NOT_FOUND");
        assertError(send(ana, "b_nope", ok), 404, "NOT_FOUND");
        assertError(send(null, "b_1", ok), 401, "UNAUTHENTICATED");

        assertThat(dumpTables()).as("nothing written").isEqualTo(before);
    }

    // --- the board -------------------------------------------------------------------------------

    @Test
    void boardWhenFixesArriveThenLastFixAndItsAgeAndQuietWhenSilentOnRoute() {
        String ana = ana();
        HttpApiContract.assertError(api.get("/v1/supervisor/drivers", ana), 403, "FORBIDDEN");
        Api.Reply started = api.post("/v1/driver/events", ana, Map.of("events",
                List.of(event("q-start", "ROUTE_STARTED", ago(Duration.ofMinutes(1))))));
        assertThat(started.body().at("/results/0/outcome").asText()).as("%s", started).isEqualTo("ACCEPTED");
        String sam = sam();
        JsonNode row = board(sam).get("d_1");
        assertThat(row.get("quiet").asBoolean()).isFalse();
        assertThat(row.get("last_fix_at").isNull()).isTrue();
        assertThat(row.get("last_fix_age_s").isNull()).isTrue();

        Instant fixAt = ago(Duration.ofMinutes(2));
        sent(ana, "b_1", fix(fixAt, 30.27, -97.74, 5.0), fix(ago(Duration.ofMinutes(1)), 30.27, -97.74, 900.0));
        row = board(sam).get("d_1");
        assertThat(Instant.parse(row.get("last_fix_at").asText())).as("the latest plausible fix").isEqualTo(fixAt);
        assertThat(row.get("last_fix_age_s").asLong()).isEqualTo(120);
        assertThat(row.get("quiet").asBoolean()).isFalse();

        clock.advance(Duration.ofMinutes(11));
        row = board(sam).get("d_1");
        assertThat(row.get("quiet").asBoolean()).as("on route, silent for QUIET_AFTER_MIN").isTrue();
        assertThat(row.get("last_fix_age_s").asLong()).isEqualTo(13 * 60);
        assertThat(board(mia()).get("d_3").get("quiet").asBoolean()).as("no batch on route").isFalse();

        sent(ana, "b_1", fix(ago(Duration.ofSeconds(5)), 30.27, -97.74, 5.0));
        row = board(sam).get("d_1");
        assertThat(row.get("quiet").asBoolean()).isFalse();
        assertThat(row.get("last_fix_age_s").asLong()).isEqualTo(5);
    }

    // --- review items --------------------------------------------------------------------------------

    @Test
    void arrivalWhenNoFixesShowItThenUnconfirmedInTheQueueUntilFixesAroundItArrive() {
        String ana = ana();
        Instant arrived = ago(Duration.ofMinutes(5));
        Api.Reply synced = api.post("/v1/driver/events", ana, Map.of("events", List.of(
                event("a-start", "ROUTE_STARTED", ago(Duration.ofMinutes(10))),
                with(event("a-arrive", "ARRIVED_AT_STOP", arrived), "stop_index", 0, "lat", 30.27, "lng", -97.74,
                        "accuracy_m", 5.0))));
        assertThat(synced.body().at("/results/1/outcome").asText()).as("%s", synced).isEqualTo("ACCEPTED");
        assertThat(synced.body().at("/results/1/flagged_for_review").asBoolean()).isTrue();
        String sam = sam();
        JsonNode item = queue(sam).stream().filter(i -> i.get("event_id").asText().equals("a-arrive"))
                .findFirst().orElseThrow();
        assertThat(item.get("quarantined").asBoolean()).isFalse();
        assertThat(item.has("kind")).as("an event item keeps its shape").isFalse();
        assertThat(item.get("reasons")).hasSize(1);
        assertThat(item.get("reasons").get(0).asText()).startsWith("ARRIVAL_UNCONFIRMED: 0 of 2 fixes");

        // one fix certainly inside is not enough (ARRIVAL_CONFIRM_FIXES=2); a second, sent later, is
        JsonNode one = sent(ana, "b_1", fix(arrived.minusSeconds(20), 30.27, -97.74, 5.0));
        assertThat(one.get("arrivals_confirmed").asInt()).isZero();
        assertThat(queue(sam).stream().map(i -> i.get("event_id").asText())).contains("a-arrive");
        JsonNode two = sent(ana, "b_1", fix(arrived.plusSeconds(20), 30.2701, -97.7401, 5.0),
                fix(arrived.plus(Duration.ofHours(1)), 30.27, -97.74, 5.0));
        assertThat(two.get("arrivals_confirmed").asInt()).isEqualTo(1);

        assertThat(queue(sam).stream().map(i -> i.get("event_id").asText())).doesNotContain("a-arrive");
        JsonNode events = api.get("/v1/driver/events?batch_id=b_1", sam).body().get("events");
        JsonNode arrival = null;
        for (JsonNode e : events) {
            arrival = e.get("event_id").asText().equals("a-arrive") ? e : arrival;
        }
        assertThat(arrival.get("flagged_for_review").asBoolean()).as("the event itself never changes").isTrue();
        assertThat(sent(ana, "b_1", fix(arrived.plusSeconds(25), 30.27, -97.74, 5.0)).get("arrivals_confirmed")
                .asInt()).as("confirmed once").isZero();
    }

    @Test
    void corridorWhenFixesLeaveItThenOneOffCorridorItemPerExcursionMergedWhenALateFixBridgesTwo() {
        String kim = kim();
        String sam = sam();
        JsonNode batch = api.get("/v1/driver/batches/b_c", kim).body().get("batch");
        assertThat(batch.at("/corridor/width_m").asDouble()).isEqualTo(200);
        assertThat(batch.at("/corridor/line").toString()).isEqualTo("[[30.27,-97.76],[30.27,-97.72],[30.28,-97.7]]");
        assertThat(batch.at("/stops/0/polygon")).hasSize(4);
        Instant t = ago(Duration.ofMinutes(30));
        double in = 30.27;
        double out = 30.275; // about 550 m north of the line: outside a 200 m band

        sent(kim, "b_c", fix(t, in, -97.75, 5.0), fix(t.plusSeconds(30), in, -97.75, 5.0),
                fix(t.plusSeconds(60), out, -97.75, 5.0), fix(t.plusSeconds(90), out, -97.75, 5.0),
                fix(t.plusSeconds(120), out, -97.75, 5.0), fix(t.plusSeconds(150), in, -97.75, 5.0),
                fix(t.plusSeconds(180), in, -97.75, 5.0));

        List<JsonNode> alerts = alerts(sam, "OFF_CORRIDOR");
        assertThat(alerts).hasSize(1);
        JsonNode item = alerts.get(0);
        String firstId = item.get("event_id").asText();
        assertThat(item.get("quarantined").asBoolean()).isFalse();
        assertThat(item.get("flagged_for_review").asBoolean()).isTrue();
        assertThat(item.get("driver_id").asText()).isEqualTo("d_6");
        assertThat(item.get("batch_id").asText()).isEqualTo("b_c");
        assertThat(item.get("event_type").isNull()).isTrue();
        assertThat(item.get("reasons").get(0).asText()).startsWith("OFF_CORRIDOR: ");
        JsonNode alert = item.get("alert");
        assertThat(alert.get("id").asText()).isEqualTo(firstId);
        assertThat(alert.get("kind").asText()).isEqualTo("OFF_CORRIDOR");
        assertThat(alert.get("driver_id").asText()).isEqualTo("d_6");
        assertThat(alert.get("batch_id").asText()).isEqualTo("b_c");
        assertThat(Instant.parse(alert.get("first_at").asText())).isEqualTo(t.plusSeconds(60));
        assertThat(Instant.parse(alert.get("last_at").asText())).isEqualTo(t.plusSeconds(120));
        assertThat(alert.get("count").asInt()).isEqualTo(3);
        assertThat(alert.get("detail").asText()).contains("corridor");
        assertThat(alerts(sam, "IMPLAUSIBLE_SPEED")).as("550 m in 30 s is no jump").isEmpty();

        // a second excursion, more than EXCURSION_GAP_S (120 s) after the first: a second item (raised a
        // second later on the server's clock, so that "the earlier" is the same by any measure)
        clock.advance(Duration.ofSeconds(1));
        sent(kim, "b_c", fix(t.plusSeconds(330), out, -97.75, 5.0), fix(t.plusSeconds(360), out, -97.75, 5.0));
        assertThat(alerts(sam, "OFF_CORRIDOR")).hasSize(2);

        // a late fix within the gap of both: one excursion, the earlier item survives
        sent(kim, "b_c", fix(t.plusSeconds(230), out, -97.75, 5.0));
        alerts = alerts(sam, "OFF_CORRIDOR");
        assertThat(alerts).hasSize(1);
        alert = alerts.get(0).get("alert");
        assertThat(alert.get("id").asText()).isEqualTo(firstId);
        assertThat(alert.get("count").asInt()).isEqualTo(6);
        assertThat(Instant.parse(alert.get("first_at").asText())).isEqualTo(t.plusSeconds(60));
        assertThat(Instant.parse(alert.get("last_at").asText())).isEqualTo(t.plusSeconds(360));

        // a supervisor reviews it like any item
        Api.Reply reviewed = api.post("/v1/supervisor/review", sam, Map.of("event_id", firstId,
                "note", "detour around road works"));
        assertThat(reviewed.status()).as("%s", reviewed).isEqualTo(200);
        assertThat(reviewed.body().at("/review/event_id").asText()).isEqualTo(firstId);
        assertThat(reviewed.body().at("/review/quarantined").asBoolean()).isFalse();
        assertThat(alerts(sam, "OFF_CORRIDOR")).isEmpty();
    }

    @Test
    void sweepWhenADriverOnRouteFallsSilentThenOneQuietItemUntilThePhoneSpeaks() throws Exception {
        host.close();
        host = start(Duration.ofMillis(50));
        api = new Api(host.port());
        String ana = ana();
        Api.Reply started = api.post("/v1/driver/events", ana, Map.of("events",
                List.of(event("s-start", "ROUTE_STARTED", ago(Duration.ofMinutes(1))))));
        assertThat(started.body().at("/results/0/outcome").asText()).as("%s", started).isEqualTo("ACCEPTED");
        String sam = sam();
        awaitSweeps(2);
        assertThat(alerts(sam, "QUIET")).as("not silent yet").isEmpty();

        clock.advance(Duration.ofMinutes(11));
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (alerts(sam, "QUIET").isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        awaitSweeps(3);

        List<JsonNode> quiet = alerts(sam, "QUIET");
        assertThat(quiet).as("one item per silence, however many sweeps").hasSize(1);
        JsonNode alert = quiet.get(0).get("alert");
        assertThat(alert.get("driver_id").asText()).isEqualTo("d_1");
        assertThat(alert.get("batch_id").asText()).isEqualTo("b_1");
        assertThat(alert.get("count").asInt()).isEqualTo(1);
        assertThat(quiet.get(0).get("reasons").get(0).asText()).startsWith("QUIET: ");
        assertThat(board(sam).get("d_1").get("quiet").asBoolean()).isTrue();

        sent(ana, "b_1", fix(ago(Duration.ofSeconds(3)), 30.27, -97.74, 5.0));
        assertThat(alerts(sam, "QUIET")).as("closed when the phone speaks").isEmpty();
        awaitSweeps(3);
        assertThat(alerts(sam, "QUIET")).isEmpty();
        assertThat(board(sam).get("d_1").get("quiet").asBoolean()).isFalse();

        // a later silence is another item, and an event closes it as a fix does
        clock.advance(Duration.ofMinutes(11));
        deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (alerts(sam, "QUIET").isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        quiet = alerts(sam, "QUIET");
        assertThat(quiet).hasSize(1);
        assertThat(quiet.get(0).at("/alert/id").asText()).isNotEqualTo(alert.get("id").asText());
        Api.Reply delay = api.post("/v1/driver/events", ana, Map.of("events",
                List.of(event("s-delay", "DELAY_REPORTED", ago(Duration.ofSeconds(10))))));
        assertThat(delay.body().at("/results/0/outcome").asText()).as("%s", delay).isEqualTo("ACCEPTED");
        assertThat(alerts(sam, "QUIET")).as("closed when the phone sends an event").isEmpty();
    }

    private void awaitSweeps(int more) throws InterruptedException {
        long target = host.sweeper().sweeps() + more;
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (host.sweeper().sweeps() < target && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(host.sweeper().sweeps()).as("sweeps run").isGreaterThanOrEqualTo(target);
    }

    // --- batches: polygons and corridors -------------------------------------------------------------

    @Test
    void fixturesWhenPolygonOrCorridorMalformedThenTheBatchRefusedNamingTheFieldAndNothingWritten()
            throws Exception {
        String ana = ana();
        String before = dumpTables();
        Map<String, String> cases = new LinkedHashMap<>();
        String stop = "{\"id\": \"s\", \"lat\": 30.0005, \"lng\": -96.9995, \"radius_m\": 50";
        cases.put("polygon", stop + ", \"polygon\": " + Api.JSON.writeValueAsString(BOW_TIE) + "}");
        cases.put("polygon ", stop + ", \"polygon\": [[30.0, -97.0], [30.001, -97.0]]}");
        cases.put("corridor.width_m", stop + "}], \"corridor\": {\"line\": [[30.0, -97.0], [30.01, -97.0]], "
                + "\"width_m\": 0");
        cases.put("corridor.width_m ", stop + "}], \"corridor\": {\"line\": [[30.0, -97.0], [30.01, -97.0]], "
                + "\"width_m\": -5");
        cases.put("corridor.line", stop + "}], \"corridor\": {\"line\": [[30.0, -97.0]], \"width_m\": 100");
        cases.put("corridor.line ", stop + "}], \"corridor\": {\"line\": [[30.0, -97.0], [95.0, -97.0]], "
                + "\"width_m\": 100");
        cases.put("corridor.lanes", stop + "}], \"corridor\": {\"line\": [[30.0, -97.0], [30.01, -97.0]], "
                + "\"width_m\": 100, \"lanes\": 2");
        int n = 0;
        for (Map.Entry<String, String> c : cases.entrySet()) {
            Path file = dir.resolve("bad-" + (++n) + ".json");
            String json = "{\"batches\": [{\"id\": \"b_bad\", \"workspace_id\": \"ws_1\", \"driver_id\": \"d_1\", "
                    + "\"stops\": [" + c.getValue() + (c.getValue().contains("\"corridor\"") ? "}}]}" : "]}]}");
            Files.writeString(file, json);

            assertThatThrownBy(() -> Fixtures.load(file, host.services()))
                    .as("%s", json).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("batches[0]").hasMessageContaining(c.getKey().strip() + " ");
        }

        assertThat(dumpTables()).as("nothing written").isEqualTo(before);
        assertError(api.get("/v1/driver/batches/b_bad", ana), 404, "NOT_FOUND");
    }

    @Test
    void fixturesWhenCorridorAndPolygonLoadedAgainThenNothingChanges() throws Exception {
        String before = dumpTables();

        Fixtures.load(dir.resolve("positions.json"), host.services());

        assertThat(dumpTables()).isEqualTo(before);
        Path changed = dir.resolve("changed.json");
        Files.writeString(changed, POSITION_FIXTURES.replace("\"width_m\": 200", "\"width_m\": 300"));
        assertThatThrownBy(() -> Fixtures.load(changed, host.services()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("already names a different batch");
    }

    @Test
    void planWhenAnAddedStopHasAPolygonThenShownAndWhenItCrossesItselfThen400AndNothingWritten() throws Exception {
        String sam = sam();
        String before = dumpTables();

        Api.Reply crossed = api.post("/v1/supervisor/plan", sam, Map.of("batch_id", "b_c", "reason", "new gate",
                "change", Map.of("op", "ADD_STOP", "stop", Map.of("id", "gate", "lat", 30.0005, "lng", -96.9995,
                        "radius_m", 50, "polygon", BOW_TIE))));

        assertError(crossed, 400, "INVALID_REQUEST");
        assertThat(crossed.body().get("field").asText()).isEqualTo("polygon");
        assertThat(dumpTables()).as("nothing written").isEqualTo(before);

        List<List<Double>> square = List.of(List.of(30.0, -97.0), List.of(30.0, -96.999), List.of(30.001, -96.999),
                List.of(30.001, -97.0));
        Api.Reply added = api.post("/v1/supervisor/plan", sam, Map.of("batch_id", "b_c", "reason", "new gate",
                "change", Map.of("op", "ADD_STOP", "stop", Map.of("id", "gate", "lat", 30.0005, "lng", -96.9995,
                        "radius_m", 50, "polygon", square))));
        assertThat(added.status()).as("%s", added).isEqualTo(200);
        assertThat(added.body().at("/batch/stops/1/id").asText()).isEqualTo("gate");
        assertThat(added.body().at("/batch/stops/1/polygon").toString())
                .isEqualTo("[[30.0,-97.0],[30.0,-96.999],[30.001,-96.999],[30.001,-97.0]]");
        assertThat(added.body().at("/batch/corridor/width_m").asDouble()).isEqualTo(200);
    }
}
