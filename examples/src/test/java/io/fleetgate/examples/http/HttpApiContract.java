package io.fleetgate.examples.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetgate.FleetgateSettings;
import io.fleetgate.execution.DriverEventRequest;
import io.fleetgate.execution.DriverEventType;
import io.fleetgate.execution.EventEncoding;
import io.fleetgate.session.EventSignatures;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The HTTP contract (docs/http-api.md) end to end: a real {@link HttpHost} on a free port with a
 * fresh database per test and the demo fixtures (plus a second workspace), driven through
 * {@link java.net.http.HttpClient}. Run by one thin subclass per database. After every test, no
 * response may have been a 5xx (the store-outage test allows its 503s only).
 */
abstract class HttpApiContract {
    static final Path DEMO = Path.of("fixtures/demo.json");
    static final String ANA = "ana";
    static final String ANA_PIN = "482193";
    static final String SAM = "sam";
    static final String SAM_PIN = "991175";
    static final String MIA = "mia";
    static final String MIA_PIN = "730264";
    static final String SIGNING_SECRET = "c2lnbmluZy1zZWNyZXQtZm9yLXRoZS1odHRwLXRlc3RzLTMyYg==";

    /** A second workspace, a second driver of ws_1 with no batch, and a second batch of ana's. */
    static final String EXTRA_FIXTURES = """
            {"workspaces": [{"id": "ws_2", "name": "South depot"}],
             "users": [
               {"id": "d_2", "username": "bob", "pin": "246810", "role": "DRIVER", "workspace_id": "ws_2"},
               {"id": "s_2", "username": "sue", "pin": "135791", "role": "SUPERVISOR", "workspace_id": "ws_2"},
               {"id": "d_3", "username": "dan", "pin": "864209", "role": "DRIVER", "workspace_id": "ws_1"}],
             "batches": [
               {"id": "b_2", "workspace_id": "ws_2", "driver_id": "d_2",
                "stops": [{"lat": 30.3, "lng": -97.7, "radius_m": 100}]},
               {"id": "b_3", "workspace_id": "ws_1", "driver_id": "d_1",
                "stops": [{"lat": 30.27, "lng": -97.74, "radius_m": 100}]},
               {"id": "b_5", "workspace_id": "ws_1", "driver_id": "d_1",
                "stops": [{"id": "door-a", "lat": 30.27, "lng": -97.74, "radius_m": 100,
                           "proof": [{"kind": "SIGNATURE"}, {"kind": "CODE"}],
                           "code_hash": "c0de000000000000000000000000000000000000000000000000000000000001"},
                          {"id": "door-b", "lat": 30.28, "lng": -97.74, "radius_m": 100,
                           "window": {"earliest": "2020-01-01T00:00:00Z", "latest": "2020-01-01T01:00:00Z"}}]}]}
            """;

    /**
     * The limits of the end-to-end suites: the defaults, but a rate-limit bucket no suite empties.
     * The server clock stands still in them, so no bucket ever refills; the rate limit has its own
     * tests ({@link HostLimitsContract}).
     */
    static final HttpLimits LIMITS = HttpLimits.DEFAULTS.withRate(HttpLimits.DEFAULTS.ratePerSecond(), 1_000_000);

    @TempDir
    Path dir;

    final MovableClock clock = new MovableClock(Instant.now().truncatedTo(ChronoUnit.MILLIS));
    HttpHost host;
    Api api;
    boolean storeBroken;

    private TestDatabase db;

    /** @return a new, empty database of this suite's kind for one test */
    abstract TestDatabase newDatabase();

    private TestDatabase db() {
        if (db == null) {
            db = newDatabase();
        }
        return db;
    }

    /** @return options for the test's database (port 0, no fixtures); the same database each call */
    ServeOptions database() {
        return db().options();
    }

    /** @return every row of every table of the test's database, as text, in a stable order */
    String dumpTables() throws Exception {
        return db().dumpTables();
    }

    static Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put(FleetgateSettings.PIN_HASH_ITERATIONS, "1000");
        env.put(FleetgateSettings.SESSION_IDLE_TIMEOUT_MIN, "1440");
        env.put(FleetgateSettings.SIGNING_SECRET, SIGNING_SECRET);
        return env;
    }

    HttpHost startHost(Path fixtures) {
        return startHost(database(), fixtures, clock);
    }

    /**
     * @param db       the database
     * @param fixtures loaded at start, or {@code null}
     * @param clock    the server clock
     * @return a host on a free port with the test settings ({@link #env()}) and no position
     *         sweeper, so that nothing but the requests of a test writes
     */
    static HttpHost startHost(ServeOptions db, Path fixtures, Clock clock) {
        return startHost(db, fixtures, clock, Duration.ZERO);
    }

    /**
     * @param db       the database
     * @param fixtures loaded at start, or {@code null}
     * @param clock    the server clock
     * @param sweep    the time between two position sweeps; zero for none
     * @return a host on a free port with the test settings ({@link #env()})
     */
    static HttpHost startHost(ServeOptions db, Path fixtures, Clock clock, Duration sweep) {
        ServeOptions options = new ServeOptions(0, db.dbUrl(), db.dbUser(), db.dbPassword(), fixtures, db.dbOwnerUser(),
                db.dbOwnerPassword()).withLimits(LIMITS).withPositionSweep(sweep).withPgPooler(db.pgPooler(), db.pgListenUrl());
        return HttpHost.start(options, HttpHost.settings(env(), System.err), clock);
    }

    /**
     * Starts a host with the demo fixtures and {@link #EXTRA_FIXTURES} (written to {@code dir}).
     *
     * @param db    the database
     * @param dir   a folder for the extra fixtures file
     * @param clock the server clock
     * @return the running host
     * @throws IOException if the fixtures file cannot be written
     */
    static HttpHost startWithFixtures(ServeOptions db, Path dir, Clock clock) throws IOException {
        return startWithFixtures(db, dir, clock, Duration.ZERO);
    }

    /**
     * Starts a host with the demo fixtures and {@link #EXTRA_FIXTURES} (written to {@code dir}).
     *
     * @param db    the database
     * @param dir   a folder for the extra fixtures file
     * @param clock the server clock
     * @param sweep the time between two position sweeps; zero for none
     * @return the running host
     * @throws IOException if the fixtures file cannot be written
     */
    static HttpHost startWithFixtures(ServeOptions db, Path dir, Clock clock, Duration sweep) throws IOException {
        HttpHost started = startHost(db, DEMO, clock, sweep);
        Path extra = dir.resolve("extra.json");
        Files.writeString(extra, EXTRA_FIXTURES);
        Fixtures.load(extra, started.services());
        return started;
    }

    @BeforeEach
    void start() throws IOException {
        host = startWithFixtures(database(), dir, clock);
        api = new Api(host.port());
    }

    @AfterEach
    void stop() {
        try {
            if (host != null) {
                host.close();
            }
            List<Integer> serverErrors = api == null ? List.of() : api.seen().stream().map(Api.Reply::status)
                    .filter(s -> s >= 500 && !(storeBroken && s == 503)).toList();
            assertThat(serverErrors).as("5xx responses (all: %s)", api.seen()).isEmpty();
        } finally {
            if (db != null) {
                db.drop();
            }
        }
    }

    // --- helpers ---------------------------------------------------------------------------------

    Api.Reply login(String username, String pin, String device) {
        return api.post("/v1/auth/login", null, Map.of("username", username, "pin", pin, "device_id", device));
    }

    String token(String username, String pin) {
        Api.Reply r = login(username, pin, username + "-phone");
        assertThat(r.status()).as("login %s: %s", username, r).isEqualTo(200);
        return r.body().get("token").asText();
    }

    String ana() {
        return token(ANA, ANA_PIN);
    }

    String sam() {
        return token(SAM, SAM_PIN);
    }

    String mia() {
        return token(MIA, MIA_PIN);
    }

    static Map<String, Object> activation(double lat, double lng) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("merchant_id", "m_123");
        m.put("charger_id", "ch_456");
        m.put("lat", lat);
        m.put("lng", lng);
        return m;
    }

    static Map<String, Object> event(String id, String type, Instant at) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("event_id", id);
        m.put("batch_id", "b_1");
        m.put("event_type", type);
        m.put("recorded_at", at.toString());
        return m;
    }

    static Map<String, Object> with(Map<String, Object> m, Object... pairs) {
        Map<String, Object> out = new LinkedHashMap<>(m);
        for (int i = 0; i < pairs.length; i += 2) {
            out.put((String) pairs[i], pairs[i + 1]);
        }
        return out;
    }

    Api.Reply sync(String token, Object... events) {
        return api.post("/v1/driver/events", token, Map.of("events", List.of(events)));
    }

    Instant ago(int minutes) {
        return clock.instant().minus(Duration.ofMinutes(minutes));
    }

    static void assertError(Api.Reply r, int status, String code) {
        assertThat(r.status()).as("%s", r).isEqualTo(status);
        assertThat(r.error()).as("%s", r).isEqualTo(code);
        assertThat(r.body().get("message").asText()).isNotBlank();
        assertThat(r.body().toString()).doesNotContain("Exception").doesNotContain("\tat ");
    }

    // --- auth ------------------------------------------------------------------------------------

    @Test
    void loginWhenPinRightThenTokenSessionRoleExpiryAndSigningKey() {
        Api.Reply r = login(ANA, ANA_PIN, "phone-1");

        assertThat(r.status()).isEqualTo(200);
        JsonNode b = r.body();
        assertThat(b.get("token").asText()).isNotBlank();
        assertThat(b.get("session_id").asText()).isNotBlank();
        assertThat(b.get("user_id").asText()).isEqualTo("d_1");
        assertThat(b.get("role").asText()).isEqualTo("DRIVER");
        assertThat(Instant.parse(b.get("expires_at").asText())).isAfter(clock.instant());
        assertThat(java.util.Base64.getDecoder().decode(b.get("signing_key").asText())).hasSize(32);
        assertThat(login(SAM, SAM_PIN, "tablet").body().get("role").asText()).isEqualTo("SUPERVISOR");
        assertThat(login(MIA, MIA_PIN, "laptop").body().get("role").asText()).isEqualTo("MEMBER");
    }

    @Test
    void loginWhenPinWrongOrUserUnknownThen401() {
        assertError(login(ANA, "000000", "phone-1"), 401, "UNAUTHENTICATED");
        assertError(login("nobody", "123456", "phone-1"), 401, "UNAUTHENTICATED");
    }

    @Test
    void loginWhenFiveWrongPinsThen429WithRetryAfter() {
        for (int i = 0; i < 5; i++) {
            assertError(login(ANA, "000000", "phone-1"), 401, "UNAUTHENTICATED");
        }

        Api.Reply locked = login(ANA, ANA_PIN, "phone-1");

        assertError(locked, 429, "TOO_MANY_ATTEMPTS");
        long retryAfter = Long.parseLong(locked.headers().firstValue("Retry-After").orElseThrow());
        assertThat(retryAfter).isBetween(1L, 15 * 60L);
        assertThat(locked.body().get("retry_after_s").asLong()).isEqualTo(retryAfter);
    }

    @Test
    void loginWhenBodyMalformedOrFieldMissingOrMistypedThen400() {
        assertError(api.post("/v1/auth/login", null, "{\"username\": \"ana\","), 400, "INVALID_REQUEST");
        assertError(api.post("/v1/auth/login", null, "[1, 2]"), 400, "INVALID_REQUEST");
        assertError(api.post("/v1/auth/login", null, ""), 400, "INVALID_REQUEST");
        assertError(api.post("/v1/auth/login", null, Map.of("username", "ana", "pin", ANA_PIN)), 400,
                "INVALID_REQUEST");
        Api.Reply mistyped = api.post("/v1/auth/login", null,
                Map.of("username", "ana", "pin", 482193, "device_id", "p"));
        assertError(mistyped, 400, "INVALID_REQUEST");
        assertThat(mistyped.body().get("field").asText()).isEqualTo("pin");
        assertError(api.post("/v1/auth/login", null, "{\"username\": \"ana\", \"username\": \"sam\"}"), 400,
                "INVALID_REQUEST");
    }

    @Test
    void callWhenTokenMissingOrUnknownThen401() {
        assertError(api.get("/v1/exclusive/active", null), 401, "UNAUTHENTICATED");
        assertError(api.get("/v1/exclusive/active", "not-a-token"), 401, "UNAUTHENTICATED");
        Api.Reply basic = api.send(api.request("/v1/exclusive/active", null).header("Authorization", "Basic YTpi"));
        assertError(basic, 401, "UNAUTHENTICATED");
        assertThat(basic.headers().firstValue("WWW-Authenticate")).contains("Bearer");
        assertError(api.post("/v1/supervisor/override", null, Map.of()), 401, "UNAUTHENTICATED");
        assertError(api.post("/v1/auth/refresh", null, Map.of()), 401, "UNAUTHENTICATED");
        assertError(api.post("/v1/auth/logout", "nope", Map.of()), 401, "UNAUTHENTICATED");
    }

    @Test
    void callWhenSessionPastItsMaximumAgeThen401() {
        String token = ana();
        clock.advance(Duration.ofHours(12).plusMinutes(1));

        assertError(api.get("/v1/exclusive/active", token), 401, "UNAUTHENTICATED");
        assertError(api.post("/v1/auth/refresh", token, Map.of()), 401, "UNAUTHENTICATED");
    }

    @Test
    void refreshWhenCalledThenNewTokenForTheSameSessionAndTheOldOneRefused() {
        Api.Reply first = login(ANA, ANA_PIN, "phone-1");
        String old = first.body().get("token").asText();

        Api.Reply refreshed = api.post("/v1/auth/refresh", old, Map.of());

        assertThat(refreshed.status()).isEqualTo(200);
        assertThat(refreshed.body().get("session_id").asText()).isEqualTo(first.body().get("session_id").asText());
        assertThat(refreshed.body().get("signing_key").asText()).isEqualTo(first.body().get("signing_key").asText());
        assertThat(refreshed.body().get("role").asText()).isEqualTo("DRIVER");
        String fresh = refreshed.body().get("token").asText();
        assertThat(fresh).isNotEqualTo(old);
        assertError(api.get("/v1/exclusive/active", old), 401, "UNAUTHENTICATED");
        assertThat(api.get("/v1/exclusive/active", fresh).status()).isEqualTo(200);
    }

    @Test
    void logoutWhenCalledThen204AndTheTokenRefused() {
        String token = ana();

        Api.Reply out = api.post("/v1/auth/logout", token, Map.of());

        assertThat(out.status()).isEqualTo(204);
        assertError(api.get("/v1/exclusive/active", token), 401, "UNAUTHENTICATED");
    }

    @Test
    void loginWhenSameDeviceAgainThenNewTokenAndOldOneRefused() {
        String first = token(ANA, ANA_PIN);
        String second = token(ANA, ANA_PIN);

        assertError(api.get("/v1/exclusive/active", first), 401, "UNAUTHENTICATED");
        assertThat(api.get("/v1/exclusive/active", second).status()).isEqualTo(200);
    }

    @Test
    void loginWhenNewDeviceOffRouteThenPreviousTokenRefused() {
        String phone = login(ANA, ANA_PIN, "phone-1").body().get("token").asText();

        Api.Reply tablet = login(ANA, ANA_PIN, "tablet-1");

        assertThat(tablet.status()).isEqualTo(200);
        assertError(api.get("/v1/exclusive/active", phone), 401, "UNAUTHENTICATED");
    }

    @Test
    void loginWhenNewDeviceOnRouteThen409UntilSupervisorInvalidates() {
        String phone = login(ANA, ANA_PIN, "phone-1").body().get("token").asText();
        assertThat(sync(phone, event("e-start", "ROUTE_STARTED", ago(1))).body().at("/results/0/outcome").asText())
                .isEqualTo("ACCEPTED");

        assertError(login(ANA, ANA_PIN, "phone-2"), 409, "SESSION_BLOCKED");

        Api.Reply ended = api.post("/v1/supervisor/sessions/invalidate", sam(), Map.of("driver_id", "d_1"));
        assertThat(ended.status()).isEqualTo(200);
        assertThat(ended.body().get("invalidated").asBoolean()).isTrue();
        assertError(api.get("/v1/driver/batches/b_1", phone), 401, "UNAUTHENTICATED");
        assertThat(login(ANA, ANA_PIN, "phone-2").status()).isEqualTo(200);
    }

    // --- exclusive sessions ---------------------------------------------------------------------

    @Test
    void activateWhenInsideRadiusThen201WithTheSessionObject() {
        Api.Reply r = api.post("/v1/exclusive/activate", ana(),
                with(activation(30.2672, -97.7431), "accuracy_m", 12, "intent_session_id", "intent-1"));

        assertThat(r.status()).as("%s", r).isEqualTo(201);
        JsonNode s = r.body().get("exclusive_session");
        assertThat(s.get("id").asText()).isNotBlank();
        assertThat(s.get("driver_id").asText()).isEqualTo("d_1");
        assertThat(s.get("merchant_id").asText()).isEqualTo("m_123");
        assertThat(s.get("merchant_place_id").asText()).isEqualTo("gp_m_123");
        assertThat(s.get("charger_id").asText()).isEqualTo("ch_456");
        assertThat(s.get("charger_place_id").asText()).isEqualTo("gp_ch_456");
        assertThat(s.get("intent_session_id").asText()).isEqualTo("intent-1");
        assertThat(s.get("status").asText()).isEqualTo("ACTIVE");
        Instant activated = Instant.parse(s.get("activated_at").asText());
        assertThat(Instant.parse(s.get("expires_at").asText())).isEqualTo(activated.plus(Duration.ofMinutes(60)));
        assertThat(s.get("completed_at").isNull()).isTrue();
        assertThat(s.get("remaining_seconds").asLong()).isEqualTo(3600);
        assertThat(s.get("activation_lat").asDouble()).isEqualTo(30.2672);
        assertThat(s.get("activation_lng").asDouble()).isEqualTo(-97.7431);
        assertThat(s.get("activation_accuracy_m").asDouble()).isEqualTo(12);
        assertThat(s.get("activation_distance_to_charger_m").asDouble()).isLessThan(1);
    }

    @Test
    void activateWhenFieldsMissingOrInvalidThen400() {
        String ana = ana();
        Map<String, Object> ok = activation(30.2672, -97.7431);
        Map<String, Object> noMerchant = new LinkedHashMap<>(ok);
        noMerchant.remove("merchant_id");
        Map<String, Object> noCharger = new LinkedHashMap<>(ok);
        noCharger.remove("charger_id");
        Map<String, Object> noLat = new LinkedHashMap<>(ok);
        noLat.remove("lat");

        assertError(api.post("/v1/exclusive/activate", ana, noMerchant), 400, "INVALID_REQUEST");
        assertError(api.post("/v1/exclusive/activate", ana, noCharger), 400, "INVALID_REQUEST");
        assertError(api.post("/v1/exclusive/activate", ana, noLat), 400, "INVALID_REQUEST");
        assertError(api.post("/v1/exclusive/activate", ana, with(ok, "lat", 91)), 400, "INVALID_REQUEST");
        assertError(api.post("/v1/exclusive/activate", ana, with(ok, "lng", -180.5)), 400, "INVALID_REQUEST");
        assertError(api.post("/v1/exclusive/activate", ana, with(ok, "lat", "30.2672")), 400, "INVALID_REQUEST");
        assertError(api.post("/v1/exclusive/activate", ana, with(ok, "charger_id", 456)), 400, "INVALID_REQUEST");
        assertError(api.post("/v1/exclusive/activate", ana,
                "{\"merchant_id\":\"m_123\",\"charger_id\":\"ch_456\",\"lat\":NaN,\"lng\":0}"), 400, "INVALID_REQUEST");
        assertError(api.post("/v1/exclusive/activate", ana,
                "{\"merchant_id\":\"m_123\",\"charger_id\":\"ch_456\",\"lat\":1e400,\"lng\":0}"), 400, "INVALID_REQUEST");
        assertError(api.post("/v1/exclusive/activate", ana, with(ok, "accuracy_m", -1)), 400, "INVALID_REQUEST");
        assertError(api.post("/v1/exclusive/activate", ana, "not json"), 400, "INVALID_REQUEST");
    }

    @Test
    void activateWhenChargerOrMerchantUnknownThen404() {
        String ana = ana();

        assertError(api.post("/v1/exclusive/activate", ana, with(activation(30.2672, -97.7431), "charger_id", "ch_x")),
                404, "NOT_FOUND");
        assertError(api.post("/v1/exclusive/activate", ana, with(activation(30.2672, -97.7431), "merchant_id", "m_x")),
                404, "NOT_FOUND");
    }

    @Test
    void activateWhenAccuracyTooLowThen403WithAccuracyAndCap() {
        Api.Reply r = api.post("/v1/exclusive/activate", ana(), with(activation(30.2672, -97.7431), "accuracy_m", 250));

        assertError(r, 403, "ACCURACY_TOO_LOW");
        assertThat(r.body().get("accuracy_m").asDouble()).isEqualTo(250);
        assertThat(r.body().get("max_accuracy_m").asDouble()).isEqualTo(100);
    }

    @Test
    void activateWhenOutsideRadiusThen403WithDistanceAndRadius() {
        Api.Reply r = api.post("/v1/exclusive/activate", ana(), activation(30.2692, -97.7431));

        assertError(r, 403, "OUTSIDE_RADIUS");
        assertThat(r.body().get("distance_m").asDouble()).isBetween(215.0, 230.0);
        assertThat(r.body().get("radius_m").asDouble()).isEqualTo(150);
    }

    @Test
    void activateWhenNotADriverThen403Forbidden() {
        assertError(api.post("/v1/exclusive/activate", sam(), activation(30.2672, -97.7431)), 403, "FORBIDDEN");
        assertError(api.post("/v1/exclusive/activate", mia(), activation(30.2672, -97.7431)), 403, "FORBIDDEN");
    }

    @Test
    void activateWhenAlreadyActiveThen409WithTheExistingSession() {
        String ana = ana();
        String id = api.post("/v1/exclusive/activate", ana, activation(30.2672, -97.7431))
                .body().at("/exclusive_session/id").asText();

        Api.Reply again = api.post("/v1/exclusive/activate", ana, activation(30.2672, -97.7431));

        assertError(again, 409, "ACTIVE_SESSION_EXISTS");
        assertThat(again.body().at("/exclusive_session/id").asText()).isEqualTo(id);
        assertThat(again.body().at("/exclusive_session/status").asText()).isEqualTo("ACTIVE");
        assertThat(again.body().at("/exclusive_session/remaining_seconds").asLong()).isPositive();
    }

    @Test
    void completeAndCancelWhenActiveThen200AndThen409NotActive() {
        String ana = ana();
        String first = api.post("/v1/exclusive/activate", ana, activation(30.2672, -97.7431))
                .body().at("/exclusive_session/id").asText();

        Api.Reply done = api.post("/v1/exclusive/complete", ana, Map.of("exclusive_session_id", first));
        assertThat(done.status()).isEqualTo(200);
        assertThat(done.body().at("/exclusive_session/status").asText()).isEqualTo("COMPLETED");
        assertThat(done.body().at("/exclusive_session/completed_at").asText()).isNotBlank();
        assertThat(done.body().at("/exclusive_session/remaining_seconds").asLong()).isZero();
        assertError(api.post("/v1/exclusive/complete", ana, Map.of("exclusive_session_id", first)), 409, "NOT_ACTIVE");

        String second = api.post("/v1/exclusive/activate", ana, activation(30.2672, -97.7431))
                .body().at("/exclusive_session/id").asText();
        Api.Reply canceled = api.post("/v1/exclusive/cancel", ana, Map.of("exclusive_session_id", second));
        assertThat(canceled.status()).isEqualTo(200);
        assertThat(canceled.body().at("/exclusive_session/status").asText()).isEqualTo("CANCELED");
        assertError(api.post("/v1/exclusive/cancel", ana, Map.of("exclusive_session_id", second)), 409, "NOT_ACTIVE");
    }

    @Test
    void completeWhenUnknownOrAnotherDriversThen404() {
        String ana = ana();
        String id = api.post("/v1/exclusive/activate", ana, activation(30.2672, -97.7431))
                .body().at("/exclusive_session/id").asText();

        assertError(api.post("/v1/exclusive/complete", ana, Map.of("exclusive_session_id", "nope")), 404, "NOT_FOUND");
        assertError(api.post("/v1/exclusive/cancel", token("dan", "864209"), Map.of("exclusive_session_id", id)),
                404, "NOT_FOUND");
        assertError(api.post("/v1/exclusive/complete", ana, Map.of()), 400, "INVALID_REQUEST");
    }

    @Test
    void activeWhenPolledThenSessionOrNullAndExpiredOnlyWhenAsked() {
        String ana = ana();
        assertThat(api.get("/v1/exclusive/active", ana).body().get("exclusive_session").isNull()).isTrue();
        String id = api.post("/v1/exclusive/activate", ana, activation(30.2672, -97.7431))
                .body().at("/exclusive_session/id").asText();
        clock.advance(Duration.ofMinutes(10));

        Api.Reply active = api.get("/v1/exclusive/active", ana);
        assertThat(active.body().at("/exclusive_session/id").asText()).isEqualTo(id);
        assertThat(active.body().at("/exclusive_session/remaining_seconds").asLong()).isEqualTo(50 * 60);

        clock.advance(Duration.ofMinutes(51));
        assertThat(api.get("/v1/exclusive/active", ana).body().get("exclusive_session").isNull()).isTrue();
        Api.Reply expired = api.get("/v1/exclusive/active?include_expired=true", ana);
        assertThat(expired.body().at("/exclusive_session/status").asText()).isEqualTo("EXPIRED");
        assertThat(expired.body().at("/exclusive_session/remaining_seconds").asLong()).isZero();
        assertThat(api.get("/v1/exclusive/active?include_expired=false", ana).body().get("exclusive_session").isNull())
                .isTrue();
        assertError(api.get("/v1/exclusive/active?include_expired=yes", ana), 400, "INVALID_REQUEST");
    }

    @Test
    void completeWhenPastExpiryThen409NotActiveAndMarkedExpired() {
        String ana = ana();
        String id = api.post("/v1/exclusive/activate", ana, activation(30.2672, -97.7431))
                .body().at("/exclusive_session/id").asText();
        clock.advance(Duration.ofMinutes(61));

        Api.Reply r = api.post("/v1/exclusive/complete", ana, Map.of("exclusive_session_id", id));

        assertError(r, 409, "NOT_ACTIVE");
        assertThat(r.body().get("status").asText()).isEqualTo("EXPIRED");
    }

    // --- driver events --------------------------------------------------------------------------

    @Test
    void syncWhenMixedEventsThenOneResultEachInOrder() {
        Api.Reply login = login(ANA, ANA_PIN, "phone-1");
        String ana = login.body().get("token").asText();
        String sessionId = login.body().get("session_id").asText();
        String key = login.body().get("signing_key").asText();
        Instant proofAt = ago(2);
        String signature = EventSignatures.sign(key, EventEncoding.canonical(
                DriverEventRequest.of("e-proof", "b_1", DriverEventType.PROOF_CAPTURED, proofAt)
                        .at(30.27, -97.74, 5.0).stop(0)));

        Api.Reply r = sync(ana,
                event("e-start", "ROUTE_STARTED", ago(10)),
                event("e-start", "ROUTE_STARTED", ago(10)),
                event("e-start", "ROUTE_STARTED", ago(9)),
                event("e-odd", "TELEPORTED", ago(8)),
                with(event("e-when", "DELAY_REPORTED", ago(8)), "recorded_at", "yesterday"),
                with(event("e-arrive", "ARRIVED_AT_STOP", ago(5)), "stop_index", 0, "lat", 30.30, "lng", -97.74),
                with(event("e-skip", "ARRIVED_AT_STOP", ago(4)), "stop_index", 1, "lat", 30.2801, "lng", -97.7392),
                with(event("e-forged", "PROOF_CAPTURED", ago(3)), "stop_index", 0, "signature",
                        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", "session_id", sessionId),
                with(event("e-proof", "PROOF_CAPTURED", proofAt), "stop_index", 0, "lat", 30.27, "lng", -97.74,
                        "accuracy_m", 5.0, "signature", signature, "session_id", sessionId),
                event("e-future", "DELAY_REPORTED", clock.instant().plus(Duration.ofHours(1))),
                42,
                with(event("e-typed", "DELAY_REPORTED", ago(1)), "lat", "north"));

        assertThat(r.status()).as("%s", r).isEqualTo(200);
        JsonNode results = r.body().get("results");
        assertThat(results).hasSize(12);
        List<String> summary = new ArrayList<>();
        for (JsonNode x : results) {
            summary.add(x.get("event_id").asText() + " " + x.get("outcome").asText()
                    + (x.has("error") ? " " + x.get("error").asText() : "")
                    + (x.has("driver_status") ? " " + x.get("driver_status").asText() : ""));
        }
        assertThat(summary).containsExactly(
                "e-start ACCEPTED EN_ROUTE",
                "e-start DUPLICATE EN_ROUTE",
                "e-start REJECTED EVENT_ID_CONFLICT",
                "e-odd REJECTED INVALID_REQUEST",
                "e-when REJECTED INVALID_REQUEST",
                "e-arrive ACCEPTED AT_STOP",
                "e-skip REJECTED INVALID_TRANSITION",
                "e-forged REJECTED BAD_SIGNATURE",
                "e-proof ACCEPTED AT_STOP",
                "e-future REJECTED INVALID_REQUEST",
                "null REJECTED INVALID_REQUEST",
                "e-typed REJECTED INVALID_REQUEST");
        assertThat(results.get(5).get("flagged_for_review").asBoolean()).isTrue();
        assertThat(results.get(0).get("flagged_for_review").asBoolean()).isFalse();
        for (JsonNode x : results) {
            if (x.get("outcome").asText().equals("REJECTED")) {
                assertThat(x.get("message").asText()).isNotBlank();
            }
        }
    }

    /**
     * Issue #19 (V16): on PostgreSQL the log is partitioned by month. With the host's clock 95 days
     * ahead of the database's, an event falls in a month that has no partition yet (one is made on
     * the first insert); 915 days ahead, in one outside the window partitions are made for (it goes
     * to the DEFAULT partition). Both are accepted; the same id resent with another recorded_at,
     * in another month, is refused as a taken id, as it always was. Never a 5xx.
     */
    @Test
    void syncWhenEventsFallInMonthsWithoutAPartitionThenAcceptedAndAResentIdStillRefused() {
        clock.advance(Duration.ofDays(95));
        String ana = ana();
        Api.Reply started = sync(ana, event("e-start", "ROUTE_STARTED", ago(1)));
        assertThat(started.status()).as("%s", started).isEqualTo(200);
        assertThat(started.body().at("/results/0/outcome").asText()).as("%s", started).isEqualTo("ACCEPTED");

        clock.advance(Duration.ofDays(820));
        String later = ana();
        Api.Reply delayed = sync(later, event("e-delay", "DELAY_REPORTED", ago(1)),
                event("e-start", "ROUTE_STARTED", ago(1)));
        assertThat(delayed.status()).as("%s", delayed).isEqualTo(200);
        List<String> summary = new ArrayList<>();
        for (JsonNode x : delayed.body().get("results")) {
            summary.add(x.get("event_id").asText() + " " + x.get("outcome").asText()
                    + (x.has("error") ? " " + x.get("error").asText() : ""));
        }
        assertThat(summary).containsExactly("e-delay ACCEPTED", "e-start REJECTED EVENT_ID_CONFLICT");
    }

    @Test
    void syncWhenBatchUnknownOrNotAssignedThenThatEventRejectedNotFoundAndOthersApplied() {
        Api.Reply r = sync(ana(), with(event("e-where", "DELAY_REPORTED", ago(8)), "batch_id", "b_nope"),
                with(event("e-too", "PROOF_CAPTURED", ago(7)), "batch_id", "b_2"),
                event("e-go", "ROUTE_STARTED", ago(6)));

        assertThat(r.body().at("/results/0/outcome").asText()).isEqualTo("REJECTED");
        assertThat(r.body().at("/results/0/error").asText()).isEqualTo("NOT_FOUND");
        assertThat(r.body().at("/results/1/error").asText()).isEqualTo("NOT_FOUND");
        assertThat(r.body().at("/results/2/outcome").asText()).isEqualTo("ACCEPTED");
    }

    @Test
    void syncWhenNotAssignedOrNotADriverThenEachEventRefused() {
        Api.Reply dan = sync(token("dan", "864209"), event("e-dan", "ROUTE_STARTED", ago(1)));
        Api.Reply mia = sync(mia(), event("e-mia", "ROUTE_STARTED", ago(1)));
        Api.Reply sam = sync(sam(), event("e-sam", "ROUTE_STARTED", ago(1)));

        assertThat(dan.body().at("/results/0/error").asText()).isEqualTo("NOT_FOUND");
        assertThat(mia.body().at("/results/0/error").asText()).isEqualTo("FORBIDDEN");
        assertThat(sam.body().at("/results/0/error").asText()).isEqualTo("FORBIDDEN");
    }

    @Test
    void syncWhenBodyIsNotAnEventsArrayOrTooLongThen400() {
        String ana = ana();

        assertError(api.post("/v1/driver/events", ana, Map.of()), 400, "INVALID_REQUEST");
        assertError(api.post("/v1/driver/events", ana, Map.of("events", "all of them")), 400, "INVALID_REQUEST");
        assertError(api.post("/v1/driver/events", ana, "[]"), 400, "INVALID_REQUEST");
        assertError(api.post("/v1/driver/events", ana, "{\"events\": [}"), 400, "INVALID_REQUEST");
        List<Object> many = new ArrayList<>();
        for (int i = 0; i < 1001; i++) {
            many.add(event("e-" + i, "PROOF_CAPTURED", ago(1)));
        }
        assertError(api.post("/v1/driver/events", ana, Map.of("events", many)), 400, "INVALID_REQUEST");
        assertThat(api.post("/v1/driver/events", ana, Map.of("events", List.of())).body().get("results")).isEmpty();
    }

    @Test
    void batchWhenVisibleThenBatchObjectElse404() {
        String ana = ana();

        Api.Reply r = api.get("/v1/driver/batches/b_1", ana);

        assertThat(r.status()).isEqualTo(200);
        JsonNode b = r.body().get("batch");
        assertThat(b.get("id").asText()).isEqualTo("b_1");
        assertThat(b.get("workspace_id").asText()).isEqualTo("ws_1");
        assertThat(b.get("driver_id").asText()).isEqualTo("d_1");
        assertThat(b.get("driver_status").asText()).isEqualTo("ACTIVE");
        assertThat(b.get("current_stop_index").isNull()).isTrue();
        assertThat(b.get("actual_start_time").isNull()).isTrue();
        assertThat(b.get("actual_end_time").isNull()).isTrue();
        assertThat(b.get("stops")).hasSize(2);
        assertThat(b.at("/stops/0/radius_m").asDouble()).isEqualTo(100);
        assertThat(b.at("/stops/0/polygon").isNull()).isTrue();
        assertThat(b.get("corridor").isNull()).isTrue();
        assertThat(api.get("/v1/driver/batches/b_1", sam()).status()).isEqualTo(200);
        assertThat(api.get("/v1/driver/batches/b_1", mia()).status()).isEqualTo(200);
        assertError(api.get("/v1/driver/batches/b_2", ana), 404, "NOT_FOUND");
        assertError(api.get("/v1/driver/batches/b_2", sam()), 404, "NOT_FOUND");
        assertError(api.get("/v1/driver/batches/b_nope", ana), 404, "NOT_FOUND");
        assertError(api.get("/v1/driver/batches/b_1", token("dan", "864209")), 404, "NOT_FOUND");
    }

    @Test
    void eventsWhenPagedThenOldestFirstWithCursor() {
        String ana = ana();
        sync(ana, event("e-1", "ROUTE_STARTED", ago(10)),
                with(event("e-2", "ARRIVED_AT_STOP", ago(9)), "stop_index", 0, "lat", 30.27, "lng", -97.74),
                with(event("e-3", "DEPARTED_STOP", ago(8)), "lat", 30.27, "lng", -97.74));

        List<String> ids = new ArrayList<>();
        String after = null;
        int pages = 0;
        do {
            String path = "/v1/driver/events?batch_id=b_1&limit=1"
                    + (after == null ? "" : "&after=" + URLEncoder.encode(after, StandardCharsets.UTF_8));
            Api.Reply page = api.get(path, ana);
            assertThat(page.status()).as("%s", page).isEqualTo(200);
            page.body().get("events").forEach(e -> ids.add(e.get("event_id").asText()));
            after = page.body().get("next").isNull() ? null : page.body().get("next").asText();
            pages++;
        } while (after != null && pages < 10);

        assertThat(ids).startsWith("e-1", "e-2", "e-3").hasSize(4);
        JsonNode first = api.get("/v1/driver/events?batch_id=b_1", mia()).body().get("events").get(0);
        assertThat(first.get("event_id").asText()).isEqualTo("e-1");
        assertThat(first.get("driver_id").asText()).isEqualTo("d_1");
        assertThat(first.get("batch_id").asText()).isEqualTo("b_1");
        assertThat(first.get("session_id").asText()).isNotBlank();
        assertThat(first.get("event_type").asText()).isEqualTo("ROUTE_STARTED");
        assertThat(first.get("driver_status").asText()).isEqualTo("EN_ROUTE");
        assertThat(Instant.parse(first.get("recorded_at").asText())).isEqualTo(ago(10));
        assertThat(first.get("synced_at").asText()).isNotBlank();
        assertThat(first.has("lat") && first.has("lng") && first.has("accuracy_m") && first.has("stop_index")).isTrue();
        assertThat(first.get("payload").isObject()).isTrue();
        assertThat(first.get("flagged_for_review").asBoolean()).isFalse();
        assertThat(first.get("flag_reasons").isArray()).isTrue();
        assertThat(api.get("/v1/driver/events?batch_id=b_1", sam()).body().get("events")).hasSize(4);
    }

    @Test
    void eventsWhenQueryInvalidThen400Or404() {
        String ana = ana();

        assertError(api.get("/v1/driver/events?batch_id=b_1&limit=abc", ana), 400, "INVALID_REQUEST");
        assertError(api.get("/v1/driver/events?batch_id=b_1&limit=0", ana), 400, "INVALID_REQUEST");
        assertError(api.get("/v1/driver/events?batch_id=b_1&limit=1001", ana), 400, "INVALID_REQUEST");
        assertError(api.get("/v1/driver/events?batch_id=b_1&after=garbage!", ana), 400, "INVALID_REQUEST");
        assertError(api.get("/v1/driver/events", ana), 400, "INVALID_REQUEST");
        assertError(api.get("/v1/driver/events?batch_id=b_2", ana), 404, "NOT_FOUND");
        assertError(api.get("/v1/driver/events?batch_id=b_1&batch_id=b_2", ana), 400, "INVALID_REQUEST");
    }

    // --- supervisor ------------------------------------------------------------------------------

    @Test
    void overrideWhenSupervisorThen200BatchAndRecordedAsEvent() {
        ana();
        String sam = sam();

        Api.Reply r = api.post("/v1/supervisor/override", sam,
                Map.of("batch_id", "b_1", "target_status", "SUSPENDED", "reason", "vehicle check"));

        assertThat(r.status()).as("%s", r).isEqualTo(200);
        assertThat(r.body().at("/batch/driver_status").asText()).isEqualTo("SUSPENDED");
        JsonNode events = api.get("/v1/driver/events?batch_id=b_1", sam).body().get("events");
        assertThat(events.findValuesAsText("event_type")).contains("SUPERVISOR_OVERRIDE");
    }

    @Test
    void overrideWhenNotAllowedThen403Or404Or400() {
        String ana = ana();
        String sam = sam();

        assertError(api.post("/v1/supervisor/override", ana,
                Map.of("batch_id", "b_1", "target_status", "COMPLETED", "reason", "done")), 403, "FORBIDDEN");
        assertError(api.post("/v1/supervisor/override", mia(),
                Map.of("batch_id", "b_1", "target_status", "COMPLETED", "reason", "done")), 403, "FORBIDDEN");
        assertError(api.post("/v1/supervisor/override", sam,
                Map.of("batch_id", "b_2", "target_status", "SUSPENDED", "reason", "theirs")), 404, "NOT_FOUND");
        assertError(api.post("/v1/supervisor/override", sam,
                Map.of("batch_id", "b_1", "target_status", "ON_HOLIDAY", "reason", "x")), 400, "INVALID_REQUEST");
        assertError(api.post("/v1/supervisor/override", sam,
                Map.of("batch_id", "b_1", "target_status", "SUSPENDED")), 400, "INVALID_REQUEST");
    }

    @Test
    void overrideWhenDriverAlreadyOnAnotherRouteThen409InvalidTransition() {
        String ana = ana();
        sync(ana, event("e-start", "ROUTE_STARTED", ago(1)));

        Api.Reply r = api.post("/v1/supervisor/override", sam(),
                Map.of("batch_id", "b_3", "target_status", "EN_ROUTE", "reason", "second van"));

        assertError(r, 409, "INVALID_TRANSITION");
    }

    // --- stops --------------------------------------------------------------------------------------

    static final String SIGNATURE_SHA = "5".repeat(64);
    static final String CODE_SHA = "c0de000000000000000000000000000000000000000000000000000000000001";

    Map<String, Object> at(String id, String type, Instant when) {
        return with(event(id, type, when), "batch_id", "b_5");
    }

    @Test
    void stopsWhenFixturesGiveIdsWindowsAndProofThenTheBatchShowsThemButNeverTheCodeHash() {
        String ana = ana();
        Api.Reply r = api.get("/v1/driver/batches/b_5", ana);

        assertThat(r.status()).as("%s", r).isEqualTo(200);
        JsonNode b = r.body().get("batch");
        assertThat(b.at("/stops/0/id").asText()).isEqualTo("door-a");
        assertThat(b.at("/stops/0/proof/0/kind").asText()).isEqualTo("SIGNATURE");
        assertThat(b.at("/stops/0/proof/1/kind").asText()).isEqualTo("CODE");
        assertThat(b.at("/stops/0/status").asText()).isEqualTo("PENDING");
        assertThat(b.at("/stops/1/window/latest").asText()).isEqualTo("2020-01-01T01:00:00Z");
        assertThat(b.at("/stops/1/late").asBoolean()).isTrue(); // its window passed long ago
        assertThat(b.get("next_stop_id").asText()).isEqualTo("door-a");
        assertThat(b.get("lateness_s").asLong()).isPositive();
        assertThat(r.body().toString()).doesNotContain("c0de0000").doesNotContain("code_hash");
        // a batch from fixtures without stop ids gets stop-<index>
        assertThat(api.get("/v1/driver/batches/b_1", ana).body().at("/batch/stops/0/id").asText()).isEqualTo("stop-0");
    }

    @Test
    void stopsWhenDrivenByIdThenProofGuardsTheDepartureAndTheOutcomeIsRecorded() {
        String ana = ana();
        Map<String, Object> proof = Map.of("kind", "SIGNATURE", "hash", SIGNATURE_SHA, "ref", "sig/1.png");
        Api.Reply r = sync(ana,
                at("s-1", "ROUTE_STARTED", ago(10)),
                with(at("s-2", "ARRIVED_AT_STOP", ago(9)), "stop_id", "door-a", "lat", 30.27, "lng", -97.74),
                at("s-3", "DEPARTED_STOP", ago(8)),
                with(at("s-4", "PROOF_CAPTURED", ago(7)), "stop_id", "door-a", "payload", Map.of("proof", proof)),
                with(at("s-5", "PROOF_CAPTURED", ago(7)), "payload",
                        Map.of("proof", Map.of("kind", "CODE", "hash", CODE_SHA))),
                with(at("s-6", "DEPARTED_STOP", ago(6)), "payload",
                        Map.of("outcome", Map.of("status", "COMPLETED"))),
                with(at("s-7", "ARRIVED_AT_STOP", ago(5)), "stop_id", "door-zz"),
                at("s-8", "ROUTE_COMPLETED", ago(4)));

        assertThat(r.status()).as("%s", r).isEqualTo(200);
        JsonNode results = r.body().get("results");
        assertThat(results.findValuesAsText("outcome")).containsExactly("ACCEPTED", "ACCEPTED", "REJECTED",
                "ACCEPTED", "ACCEPTED", "ACCEPTED", "REJECTED", "REJECTED");
        assertThat(results.get(2).get("error").asText()).isEqualTo("PROOF_REQUIRED");
        assertThat(results.get(2).get("message").asText()).contains("SIGNATURE: 0 of 1").contains("CODE: 0 of 1");
        assertThat(results.get(6).get("error").asText()).isEqualTo("INVALID_REQUEST");
        assertThat(results.get(7).get("error").asText()).isEqualTo("STOPS_OPEN");
        assertThat(results.get(7).get("message").asText()).contains("door-b");

        JsonNode b = api.get("/v1/driver/batches/b_5", ana).body().get("batch");
        assertThat(b.at("/stops/0/status").asText()).isEqualTo("COMPLETED");
        assertThat(b.at("/stops/0/proof_captured/SIGNATURE").asInt()).isEqualTo(1);
        assertThat(b.at("/stops/0/proof_captured/CODE").asInt()).isEqualTo(1);
        JsonNode events = api.get("/v1/driver/events?batch_id=b_5", ana).body().get("events");
        assertThat(events.findValuesAsText("stop_id")).contains("door-a");
        // the refusals are in the review queue with their reasons
        JsonNode queue = api.get("/v1/supervisor/review-queue", sam()).body().get("events");
        assertThat(queue.findValuesAsText("client_event_id")).contains("s-3", "s-7", "s-8");
    }

    @Test
    void planWhenSupervisorChangesTheStopsThen200AuditedAndTheBoardShowsTheCounts() {
        String ana = ana();
        String sam = sam();
        sync(ana, at("p-1", "ROUTE_STARTED", ago(10)),
                with(at("p-2", "ARRIVED_AT_STOP", ago(9)), "stop_id", "door-b", "lat", 30.28, "lng", -97.74),
                with(at("p-3", "DEPARTED_STOP", ago(8)), "payload",
                        Map.of("outcome", Map.of("status", "FAILED", "reason", "ACCESS_DENIED"))));
        long version = api.get("/v1/driver/batches/b_5", ana).body().at("/batch/version").asLong();

        Api.Reply added = api.post("/v1/supervisor/plan", sam, Map.of("batch_id", "b_5", "reason", "new parcel",
                "expected_version", version, "change", Map.of("op", "ADD_STOP", "position", 0,
                        "stop", Map.of("id", "door-c", "lat", 30.29, "lng", -97.74, "radius_m", 50))));
        assertThat(added.status()).as("%s", added).isEqualTo(200);
        assertThat(added.body().at("/batch/stops/0/id").asText()).isEqualTo("door-c");
        Api.Reply skipped = api.post("/v1/supervisor/plan", sam, Map.of("batch_id", "b_5", "reason", "closed",
                "change", Map.of("op", "SKIP_STOP", "stop_id", "door-c")));
        assertThat(skipped.status()).as("%s", skipped).isEqualTo(200);
        assertThat(skipped.body().at("/batch/stops/0/status").asText()).isEqualTo("SKIPPED");

        JsonNode events = api.get("/v1/driver/events?batch_id=b_5", sam).body().get("events");
        assertThat(events.findValuesAsText("event_type")).filteredOn(t -> !t.equals("DRIVER_LOGGED_IN"))
                .containsExactly("ROUTE_STARTED", "ARRIVED_AT_STOP", "DEPARTED_STOP", "SUPERVISOR_OVERRIDE",
                        "SUPERVISOR_OVERRIDE");
        JsonNode row = null;
        for (JsonNode d : api.get("/v1/supervisor/drivers", sam).body().get("drivers")) {
            row = d.get("driver_id").asText().equals("d_1") ? d : row;
        }
        assertThat(row.get("batch_id").asText()).isEqualTo("b_5");
        assertThat(row.get("next_stop_id").asText()).isEqualTo("door-a");
        assertThat(row.get("stops_failed").asInt()).isEqualTo(1);
        assertThat(row.get("stops_done").asInt()).isZero();
    }

    @Test
    void planWhenRefusedThen400Or403Or404Or409AndNothingWritten() {
        String ana = ana();
        String sam = sam();
        sync(ana, at("q-1", "ROUTE_STARTED", ago(10)));
        int before = api.get("/v1/driver/events?batch_id=b_5", sam).body().get("events").size();
        Map<String, Object> skip = Map.of("op", "SKIP_STOP", "stop_id", "door-a");

        assertError(api.post("/v1/supervisor/plan", sam, Map.of("batch_id", "b_5", "change", skip)), 400,
                "INVALID_REQUEST");
        assertError(api.post("/v1/supervisor/plan", sam, Map.of("batch_id", "b_5", "reason", "x")), 400,
                "INVALID_REQUEST");
        assertError(api.post("/v1/supervisor/plan", sam, Map.of("batch_id", "b_5", "reason", "x",
                "change", Map.of("op", "TELEPORT"))), 400, "INVALID_REQUEST");
        assertError(api.post("/v1/supervisor/plan", sam, Map.of("batch_id", "b_5", "reason", "x",
                "change", Map.of("op", "REMOVE_STOP", "stop_id", "door-zz"))), 400, "INVALID_REQUEST");
        assertError(api.post("/v1/supervisor/plan", sam, Map.of("batch_id", "b_5", "reason", "x",
                "change", Map.of("op", "ADD_STOP", "stop", Map.of("id", "door-a", "lat", 1, "lng", 1, "radius_m", 5)))),
                400, "INVALID_REQUEST");
        assertError(api.post("/v1/supervisor/plan", sam, Map.of("batch_id", "b_5", "reason", "x",
                "change", Map.of("op", "ADD_STOP", "stop", Map.of("id", "door-w", "lat", 1, "lng", 1, "radius_m", 5,
                        "window", Map.of("earliest", "2026-12-07T10:00:00Z", "latest", "2026-12-07T09:00:00Z"))))),
                400, "INVALID_REQUEST");
        assertError(api.post("/v1/supervisor/plan", sam, Map.of("batch_id", "b_5", "reason", "x",
                "change", Map.of("op", "ADD_STOP", "stop", Map.of("id", "door-p", "lat", 1, "lng", 1, "radius_m", 5,
                        "proof", List.of(Map.of("kind", "DNA")))))), 400, "INVALID_REQUEST");
        assertError(api.post("/v1/supervisor/plan", sam, Map.of("batch_id", "b_5", "reason", "x",
                "expected_version", 0, "change", skip)), 400, "INVALID_REQUEST");
        Api.Reply proofless = api.post("/v1/supervisor/plan", sam, Map.of("batch_id", "b_5", "reason", "x",
                "change", Map.of("op", "SET_OUTCOME", "stop_id", "door-a", "outcome", Map.of("status", "COMPLETED"))));
        assertError(proofless, 409, "PROOF_REQUIRED");
        assertThat(proofless.body().get("stop_id").asText()).isEqualTo("door-a");
        assertThat(proofless.body().get("missing").toString()).contains("SIGNATURE: 0 of 1");
        assertError(api.post("/v1/supervisor/plan", ana, Map.of("batch_id", "b_5", "reason", "x", "change", skip)),
                403, "FORBIDDEN");
        assertError(api.post("/v1/supervisor/plan", token("sue", "135791"),
                Map.of("batch_id", "b_5", "reason", "x", "change", skip)), 404, "NOT_FOUND");
        assertThat(api.get("/v1/driver/events?batch_id=b_5", sam).body().get("events").size()).isEqualTo(before);
        assertThat(api.get("/v1/supervisor/review-queue", sam).body().get("events").size()).isZero();
    }

    @Test
    void invalidateWhenNotSupervisorOrOtherWorkspaceThenRefused() {
        ana();

        assertError(api.post("/v1/supervisor/sessions/invalidate", ana(), Map.of("driver_id", "d_1")), 403, "FORBIDDEN");
        assertError(api.post("/v1/supervisor/sessions/invalidate", token("sue", "135791"), Map.of("driver_id", "d_1")),
                404, "NOT_FOUND");
        assertError(api.post("/v1/supervisor/sessions/invalidate", sam(), Map.of()), 400, "INVALID_REQUEST");
        Api.Reply none = api.post("/v1/supervisor/sessions/invalidate", sam(), Map.of("driver_id", "d_3"));
        assertThat(none.status()).isEqualTo(200);
        assertThat(none.body().get("invalidated").asBoolean()).isFalse();
    }

    @Test
    void reviewQueueWhenFlaggedAndQuarantinedThenBothListedAndReviewRemovesOne() {
        String ana = ana();
        sync(ana, event("e-start", "ROUTE_STARTED", ago(10)),
                with(event("e-far", "ARRIVED_AT_STOP", ago(5)), "stop_index", 0, "lat", 30.30, "lng", -97.74),
                with(event("e-bad", "ARRIVED_AT_STOP", ago(4)), "stop_index", 1));
        String sam = sam();

        Api.Reply queue = api.get("/v1/supervisor/review-queue", sam);

        assertThat(queue.status()).as("%s", queue).isEqualTo(200);
        Map<String, JsonNode> byClientId = new HashMap<>();
        queue.body().get("events").forEach(e -> byClientId.put(e.get("client_event_id").asText(), e));
        assertThat(byClientId).containsOnlyKeys("e-far", "e-bad");
        JsonNode far = byClientId.get("e-far");
        assertThat(far.get("quarantined").asBoolean()).isFalse();
        assertThat(far.get("event_id").asText()).isEqualTo("e-far");
        assertThat(far.get("flagged_for_review").asBoolean()).isTrue();
        assertThat(far.get("reasons").get(0).asText()).startsWith("OUTSIDE_GEOFENCE");
        JsonNode bad = byClientId.get("e-bad");
        assertThat(bad.get("quarantined").asBoolean()).isTrue();
        assertThat(bad.get("event_id").asText()).isNotEqualTo("e-bad");
        assertThat(bad.get("event_type").asText()).isEqualTo("ARRIVED_AT_STOP");
        assertThat(bad.get("batch_id").asText()).isEqualTo("b_1");
        assertThat(bad.get("reasons").get(0).asText()).startsWith("INVALID_TRANSITION");
        assertThat(queue.body().get("next").isNull()).isTrue();
        assertThat(api.get("/v1/supervisor/review-queue?limit=1", sam).body().get("next").isNull()).isFalse();
        assertThat(api.get("/v1/supervisor/review-queue", mia()).body().get("events")).hasSize(2);
        assertThat(api.get("/v1/supervisor/review-queue", token("sue", "135791")).body().get("events")).isEmpty();

        Api.Reply reviewed = api.post("/v1/supervisor/review", sam,
                Map.of("event_id", bad.get("event_id").asText(), "note", "phone clock was off"));

        assertThat(reviewed.status()).as("%s", reviewed).isEqualTo(200);
        assertThat(reviewed.body().at("/review/event_id").asText()).isEqualTo(bad.get("event_id").asText());
        assertThat(reviewed.body().at("/review/quarantined").asBoolean()).isTrue();
        assertThat(api.get("/v1/supervisor/review-queue", sam).body().findValuesAsText("client_event_id"))
                .containsExactly("e-far");
        assertError(api.post("/v1/supervisor/review", sam,
                Map.of("event_id", bad.get("event_id").asText(), "note", "again")), 400, "INVALID_REQUEST");
        assertError(api.post("/v1/supervisor/review", sam, Map.of("event_id", "e-nope", "note", "x")), 404, "NOT_FOUND");
        assertError(api.post("/v1/supervisor/review", mia(), Map.of("event_id", "e-far", "note", "x")), 403, "FORBIDDEN");
        assertError(api.post("/v1/supervisor/review", token("sue", "135791"), Map.of("event_id", "e-far", "note", "x")),
                404, "NOT_FOUND");
        assertError(api.get("/v1/supervisor/review-queue", ana), 403, "FORBIDDEN");
        assertError(api.get("/v1/supervisor/review-queue?limit=x", sam), 400, "INVALID_REQUEST");
    }

    @Test
    void reviewWhenSenderNamedThenOnlyThatSendersEventIsTheItemAndTheRecordSaysWhich() {
        String ana = ana();
        sync(ana, event("e-start", "ROUTE_STARTED", ago(10)),
                with(event("e-far", "ARRIVED_AT_STOP", ago(5)), "stop_index", 0, "lat", 30.30, "lng", -97.74));
        String sam = sam();
        JsonNode far = api.get("/v1/supervisor/review-queue", sam).body().get("events").get(0);
        assertThat(far.get("sender_id").asText()).isEqualTo("d_1");

        assertError(api.post("/v1/supervisor/review", sam, Map.of("event_id", "e-far", "sender_id", "d_3", "note", "x")),
                404, "NOT_FOUND");
        assertError(api.post("/v1/supervisor/review", sam, Map.of("event_id", "e-far", "sender_id", 7, "note", "x")),
                400, "INVALID_REQUEST");
        Api.Reply reviewed = api.post("/v1/supervisor/review", sam,
                Map.of("event_id", "e-far", "sender_id", "d_1", "note", "agreed detour"));

        assertThat(reviewed.status()).as("%s", reviewed).isEqualTo(200);
        assertThat(reviewed.body().at("/review/item_kind").asText()).isEqualTo("EVENT");
        assertThat(reviewed.body().at("/review/sender_id").asText()).isEqualTo("d_1");
        assertThat(api.get("/v1/supervisor/review-queue", sam).body().get("events")).isEmpty();
    }

    @Test
    void driversWhenSupervisorOrMemberThenStatusBoard() {
        String ana = ana();
        sync(ana, event("e-start", "ROUTE_STARTED", ago(1)));

        Api.Reply r = api.get("/v1/supervisor/drivers", sam());

        assertThat(r.status()).isEqualTo(200);
        Map<String, JsonNode> rows = new HashMap<>();
        r.body().get("drivers").forEach(d -> rows.put(d.get("driver_id").asText(), d));
        assertThat(rows).containsOnlyKeys("d_1", "d_3");
        assertThat(rows.get("d_1").get("batch_id").asText()).isEqualTo("b_1");
        assertThat(rows.get("d_1").get("driver_status").asText()).isEqualTo("EN_ROUTE");
        assertThat(rows.get("d_1").get("last_active_at").asText()).isNotBlank();
        assertThat(rows.get("d_3").get("batch_id").isNull()).isTrue();
        assertThat(rows.get("d_3").get("last_active_at").isNull()).isTrue();
        // the position stream's fields (docs/positions.md): no fix yet, just started
        assertThat(rows.get("d_1").get("quiet").asBoolean()).isFalse();
        assertThat(rows.get("d_1").get("last_fix_at").isNull()).isTrue();
        assertThat(rows.get("d_1").get("last_fix_age_s").isNull()).isTrue();
        assertThat(r.body().get("next").isNull()).as("every driver on one page: no next").isTrue();
        assertThat(api.get("/v1/supervisor/drivers", mia()).status()).isEqualTo(200);
        assertError(api.get("/v1/supervisor/drivers", ana), 403, "FORBIDDEN");
    }

    @Test
    void driversWhenPagedThenLimitAndAfterWalkTheBoardByDriverId() {
        Api.Reply first = api.get("/v1/supervisor/drivers?limit=1", sam());
        assertThat(first.status()).isEqualTo(200);
        assertThat(first.body().get("drivers").findValuesAsText("driver_id")).containsExactly("d_1");
        assertThat(first.body().get("next").asText()).isEqualTo("d_1");

        Api.Reply second = api.get("/v1/supervisor/drivers?limit=1&after=" + first.body().get("next").asText(), sam());
        assertThat(second.body().get("drivers").findValuesAsText("driver_id")).containsExactly("d_3");
        assertThat(second.body().get("next").isNull()).isTrue();

        assertError(api.get("/v1/supervisor/drivers?limit=0", sam()), 400, "INVALID_REQUEST");
        assertError(api.get("/v1/supervisor/drivers?limit=1001", sam()), 400, "INVALID_REQUEST");
        assertError(api.get("/v1/supervisor/drivers?limit=ten", sam()), 400, "INVALID_REQUEST");
        assertError(api.get("/v1/supervisor/drivers?after=%09", sam()), 400, "INVALID_REQUEST");
    }

    @Test
    void requestWhenInputIsOddThenA4xxNever5xx() throws IOException {
        String ana = ana();
        String sam = sam();
        String at = ago(1).toString();
        String deep = "{\"a\":".repeat(20) + "1" + "}".repeat(20);
        List<Api.Reply> replies = new ArrayList<>();

        replies.add(api.post("/v1/auth/login", null, "{\"username\":\"\\ud800\",\"pin\":\"123456\",\"device_id\":\"d\"}"));
        replies.add(api.post("/v1/auth/login", null, Map.of("username", "x".repeat(65), "pin", "123456", "device_id", "d")));
        replies.add(api.post("/v1/auth/login", null, Map.of("username", "ana", "pin", ANA_PIN, "device_id", "d".repeat(65))));
        replies.add(api.post("/v1/driver/events", ana, "{\"events\":[{\"event_id\":\"e\\udc00\",\"batch_id\":\"b_1\","
                + "\"event_type\":\"PROOF_CAPTURED\",\"recorded_at\":\"" + at + "\"}]}"));
        replies.add(sync(ana, with(event("e-year", "PROOF_CAPTURED", ago(1)), "recorded_at", "+999999999-12-31T23:59:59Z")));
        replies.add(sync(ana, with(event("e-past", "PROOF_CAPTURED", ago(1)), "recorded_at", "-999999999-01-01T00:00:00Z")));
        replies.add(api.post("/v1/driver/events", ana, "{\"events\":[{\"event_id\":\"e-deep\",\"batch_id\":\"b_1\","
                + "\"event_type\":\"PROOF_CAPTURED\",\"recorded_at\":\"" + at + "\",\"payload\":" + deep + "}]}"));
        replies.add(sync(ana, with(event("e-big", "PROOF_CAPTURED", ago(1)), "stop_index", 99_999_999_999L)));
        replies.add(sync(ana, with(event("e-huge", "PROOF_CAPTURED", ago(1)), "lat", 1e308, "lng", 1e308)));
        replies.add(sync(ana, with(event("e-nul", "PROOF_CAPTURED", ago(1)), "payload", Map.of("note", "a\u0000b"))));
        replies.add(sync(ana, with(event("x".repeat(65), "PROOF_CAPTURED", ago(1)))));
        replies.add(sync(ana, with(event("e-stop", "PROOF_CAPTURED", ago(1)), "stop_index", 99)));
        replies.add(sync(ana, with(event("e-pay", "PROOF_CAPTURED", ago(1)), "payload", "text")));
        replies.add(api.post("/v1/driver/events", ana, "{\"events\":[{\"event_id\":\"e-num\",\"batch_id\":\"b_1\","
                + "\"event_type\":\"PROOF_CAPTURED\",\"recorded_at\":\"" + at + "\",\"payload\":{\"n\":1e999999}}]}"));
        replies.add(api.post("/v1/supervisor/review", sam, Map.of("event_id", "e-x", "note", "n".repeat(5000))));
        replies.add(api.post("/v1/supervisor/review", sam, Map.of("event_id", "e-x", "note", "a\u0000")));
        replies.add(api.post("/v1/supervisor/override", sam,
                Map.of("batch_id", "b_1", "target_status", "SUSPENDED", "reason", "r".repeat(600))));
        replies.add(api.post("/v1/exclusive/activate", ana, with(activation(30.2672, -97.7431),
                "intent_session_id", "i".repeat(65))));
        replies.add(api.post("/v1/exclusive/activate", ana, with(activation(30.2672, -97.7431),
                "merchant_place_id", "gp_other")));
        replies.add(api.get("/v1/driver/batches/%F0%9F%98%80", ana));
        replies.add(api.get("/v1/driver/batches/" + "b".repeat(100), ana));
        // the JDK server refuses a target java.net.URI cannot parse itself (a plain 400), before any handler
        assertThat(api.getRaw("/v1/driver/batches/%ZZ", ana)).startsWith("HTTP/1.1 400");
        assertThat(api.getRaw("/v1/driver/events?batch_id=%ZZ", ana)).startsWith("HTTP/1.1 400");
        assertThat(api.getRaw("/v1/driver/events?batch_id=b%201&limit=%31", ana)).startsWith("HTTP/1.1 404");
        replies.add(api.get("/v1/driver/events?batch_id=b_1&limit=99999999999", ana));
        replies.add(api.get("/v1/supervisor/review-queue?after=" + "A".repeat(40), sam));
        replies.add(api.post("/v1/supervisor/sessions/invalidate", sam, Map.of("driver_id", List.of("d_1"))));

        for (Api.Reply r : replies) {
            assertThat(r.status()).as("%s", r).isLessThan(500);
            if (r.status() >= 400) {
                assertThat(r.error()).as("%s", r).isNotBlank();
            }
        }
    }

    // --- transport ---------------------------------------------------------------------------------

    @Test
    void requestWhenPathUnknownThen404AndWhenMethodWrongThen405() {
        assertError(api.get("/v1/nope", null), 404, "NOT_FOUND");
        assertError(api.get("/", null), 404, "NOT_FOUND");
        assertError(api.get("/v1/driver/batches/", ana()), 404, "NOT_FOUND");
        assertError(api.get("/v1/driver/batches/b_1/extra", ana()), 404, "NOT_FOUND");

        Api.Reply wrong = api.get("/v1/auth/login", null);
        assertError(wrong, 405, "METHOD_NOT_ALLOWED");
        assertThat(wrong.headers().firstValue("Allow")).contains("POST");
        assertError(api.method("DELETE", "/v1/driver/events", null), 405, "METHOD_NOT_ALLOWED");
        assertThat(api.method("DELETE", "/v1/driver/events", null).headers().firstValue("Allow").orElseThrow())
                .contains("GET").contains("POST");
    }

    @Test
    void requestWhenBodyOverOneMebibyteThen413() throws Exception {
        String ana = ana();
        byte[] big = new byte[12 << 20]; // more than socket buffers absorb, less than Router.DRAIN_LIMIT
        java.util.Arrays.fill(big, (byte) ' ');

        // The host takes in (and throws away) the rest of the body before answering, so a client that
        // sends it all before reading still gets the answer instead of a reset connection.
        String declared = api.postRaw("/v1/driver/events", ana, big, false);
        assertThat(declared).startsWith("HTTP/1.1 413").contains("\"error\":\"PAYLOAD_TOO_LARGE\"");
        assertThat(api.bodyDelivered()).as("declared body taken in").isTrue();
        String streamed = api.postRaw("/v1/driver/events", ana, big, true);
        assertThat(streamed).startsWith("HTTP/1.1 413").contains("\"error\":\"PAYLOAD_TOO_LARGE\"");
        assertThat(api.bodyDelivered()).as("chunked body taken in").isTrue();
        String login = api.postRaw("/v1/auth/login", null, big, true);
        assertThat(login).startsWith("HTTP/1.1 413");

        byte[] justUnder = new byte[1 << 20];
        java.util.Arrays.fill(justUnder, (byte) ' ');
        justUnder[0] = '{';
        justUnder[justUnder.length - 1] = '}';
        assertError(api.send(api.request("/v1/driver/events", ana)
                .POST(HttpRequest.BodyPublishers.ofByteArray(justUnder))), 400, "INVALID_REQUEST");
    }

    @Test
    void requestWhenStoreUnreachableThen503StoreUnavailable() {
        String ana = ana();
        storeBroken = true;
        host.store().close();

        assertError(login(SAM, SAM_PIN, "tablet"), 503, "STORE_UNAVAILABLE");
        assertError(api.get("/v1/exclusive/active", ana), 503, "STORE_UNAVAILABLE");
        assertError(sync(ana, event("e-1", "ROUTE_STARTED", ago(1))), 503, "STORE_UNAVAILABLE");
    }

    @Test
    void requestWhenAnsweredThenOneLogLinePerRequest() throws Exception {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            api.get("/v1/nope", null);
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (!captured.toString(StandardCharsets.UTF_8).contains("\"path\":\"/v1/nope\"")
                    && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
        } finally {
            System.setErr(original);
        }
        String line = captured.toString(StandardCharsets.UTF_8).lines()
                .filter(l -> l.contains("\"path\":\"/v1/nope\"")).findFirst().orElseThrow();
        JsonNode json = Api.JSON.readTree(line);
        assertThat(json.get("logger").asText()).isEqualTo("io.fleetgate.examples.http");
        assertThat(json.get("level").asText()).isEqualTo("INFO");
        assertThat(json.get("event").asText()).isEqualTo("http_request");
        assertThat(json.get("method").asText()).isEqualTo("GET");
        assertThat(json.get("status").asInt()).isEqualTo(404);
        assertThat(json.get("duration_ms").isNumber()).isTrue();
    }

    // --- fixtures ----------------------------------------------------------------------------------

    @Test
    void fixturesWhenLoadedAgainThenNothingChanges() throws Exception {
        String ana = ana();
        sync(ana, event("e-start", "ROUTE_STARTED", ago(1)));
        host.close();
        String before = dumpTables();

        host = startHost(DEMO);
        Fixtures.load(dir.resolve("extra.json"), host.services());
        api = new Api(host.port());

        assertThat(dumpTables()).isEqualTo(before);
        assertThat(api.get("/v1/driver/batches/b_1", ana).body().at("/batch/driver_status").asText())
                .isEqualTo("EN_ROUTE");
    }

    @Test
    void fixturesWhenABatchIdNamesADifferentBatchThenStartRefused() throws IOException {
        host.close();
        Path changed = dir.resolve("changed.json");
        Files.writeString(changed, Files.readString(DEMO).replace("\"driver_id\": \"d_1\"", "\"driver_id\": \"s_1\""));

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> startHost(changed))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("batches[0]");
        host = startHost(DEMO);
    }
}
