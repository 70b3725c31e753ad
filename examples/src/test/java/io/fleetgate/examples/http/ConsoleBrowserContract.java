package io.fleetgate.examples.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetgate.execution.DriverEventRequest;
import io.fleetgate.execution.DriverEventType;
import io.fleetgate.execution.EventEncoding;
import io.fleetgate.session.EventSignatures;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.ExpectedConditions;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The supervisor console (/console/) in headless Chromium against a real host: the console is on
 * the change stream (GET /v1/supervisor/stream) and shows a driver's change within 2 s without a
 * reload and without polling; when its token ends the stream ends and the console shows the login
 * form; a supervisor reviews a queue item and overrides a batch through the UI. Run by one thin
 * subclass per database (the PostgreSQL one adds a second host on the same database).
 */
abstract class ConsoleBrowserContract {
    @TempDir
    Path dir;

    /** Longer than the console's polling period (1 s) times two, had it fallen back to polling. */
    static final Duration QUIET = Duration.ofMillis(3000);

    private TestDatabase db;
    HttpHost host;
    Api api;
    Browser browser;

    abstract TestDatabase newDatabase();

    @BeforeEach
    void start() throws Exception {
        db = newDatabase();
        host = WebApps.startLive(db, dir);
        api = new Api(host.port());
        browser = Browser.start();
    }

    @AfterEach
    void stop() {
        try {
            if (browser != null) {
                browser.close();
            }
        } finally {
            try {
                if (host != null) {
                    host.close();
                }
            } finally {
                db.drop();
            }
        }
    }

    TestDatabase db() {
        return db;
    }

    /** Logs the driver in (their batch becomes ACTIVE) and returns the login answer. */
    JsonNode driverLogin() {
        return driverLogin(api);
    }

    /** Logs the driver in through a host (their batch becomes ACTIVE) and returns the login answer. */
    static JsonNode driverLogin(Api api) {
        Api.Reply r = api.post("/v1/auth/login", null, Map.of("username", WebApps.DRIVER, "pin", WebApps.DRIVER_PIN,
                "device_id", "wen-phone"));
        assertThat(r.status()).as("%s", r).isEqualTo(200);
        return r.body();
    }

    /** Sends one event as the driver's phone would, signed (the workspace requires it). */
    JsonNode send(JsonNode login, DriverEventType type, String stopId) {
        return send(api, login, type, stopId);
    }

    /** Sends one signed event through a host, as the driver's phone would. */
    static JsonNode send(Api api, JsonNode login, DriverEventType type, String stopId) {
        Instant at = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        String id = UUID.randomUUID().toString();
        DriverEventRequest e = new DriverEventRequest(id, WebApps.BATCH, type, at, login.get("session_id").asText(),
                null, null, null, null, Map.of(), null, null, null, stopId);
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("event_id", id);
        event.put("batch_id", WebApps.BATCH);
        event.put("event_type", type.name());
        event.put("recorded_at", at.toString());
        event.put("payload", Map.of());
        if (stopId != null) {
            event.put("stop_id", stopId);
        }
        event.put("session_id", login.get("session_id").asText());
        event.put("signature", EventSignatures.sign(login.get("signing_key").asText(), EventEncoding.canonical(e)));
        Api.Reply r = api.post("/v1/driver/events", login.get("token").asText(), Map.of("events", List.of(event)));
        assertThat(r.body().at("/results/0/outcome").asText()).as("%s", r).isEqualTo("ACCEPTED");
        return r.body().at("/results/0");
    }

    void logInToTheConsole() {
        browser.open(api.base() + "/console/");
        browser.await(ExpectedConditions.visibilityOfElementLocated(By.id("username")));
        browser.find("#username").sendKeys(WebApps.SUPERVISOR);
        browser.find("#pin").sendKeys(WebApps.SUPERVISOR_PIN);
        browser.find("#login-form button[type=submit]").click();
        browser.await(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("tr[data-driver=d_w]")));
    }

    By statusOf(String driver) {
        return By.cssSelector("tr[data-driver=" + driver + "] td[data-status]");
    }

    /** Waits until the console is on the stream, and marks the page to see a reload. */
    void onTheStream() {
        browser.await(ExpectedConditions.attributeToBe(By.tagName("body"), "data-live", "stream"));
        browser.script("window.fleetgateNotReloaded = true");
    }

    /** The page was not reloaded, and it announced the driver's new status. */
    void shownWithoutAReload() {
        assertThat(browser.script("return window.fleetgateNotReloaded === true")).as("no reload").isEqualTo(true);
        assertThat(browser.find("#announce").getText()).contains("d_w is now EN_ROUTE");
    }

    /**
     * Once the reads a change caused are done, the console reads the board no more while nothing
     * changes: it is not polling (it would read it at least twice in {@link #QUIET}).
     */
    void notPolling(HttpHost on) throws InterruptedException {
        Thread.sleep(1000);
        long before = WebApps.requests(on, "/v1/supervisor/drivers");
        assertThat(before).as("the board was read (at the start and after the change)").isGreaterThanOrEqualTo(2);
        Thread.sleep(QUIET.toMillis());
        assertThat(WebApps.requests(on, "/v1/supervisor/drivers")).as("board reads while nothing changed")
                .isEqualTo(before);
    }

    String consoleToken() {
        return (String) browser.script("return JSON.parse(sessionStorage.getItem('fleetgate.console.session')).token");
    }

    @Test
    void consoleShowsAChangeWithinTwoSecondsByTheStreamWithoutAReloadOrPolling() throws InterruptedException {
        JsonNode login = driverLogin();
        logInToTheConsole();
        browser.await(ExpectedConditions.attributeToBe(statusOf("d_w"), "data-status", "ACTIVE"));
        onTheStream();

        send(login, DriverEventType.ROUTE_STARTED, null);
        browser.await(Duration.ofSeconds(2), ExpectedConditions.attributeToBe(statusOf("d_w"), "data-status", "EN_ROUTE"));

        shownWithoutAReload();
        notPolling(host);
        assertThat(WebApps.requests(host, "/v1/supervisor/stream", 200)).as("one stream, still open").isEqualTo(1);
    }

    @Test
    void consoleWhenItsTokenEndsThenTheStreamEndsAndTheLoginFormShowsWithoutAReload() {
        logInToTheConsole();
        onTheStream();
        String token = consoleToken();
        assertThat(WebApps.requests(host, "/v1/supervisor/stream", 401)).isZero();

        // logging out writes nothing the feed carries: only the stream's heartbeat sees the token end
        assertThat(api.post("/v1/auth/logout", token, Map.of()).status()).isBetween(200, 204);
        browser.await(ExpectedConditions.visibilityOfElementLocated(By.id("username")));

        assertThat(browser.find("#message").getText()).contains("Your session has ended");
        assertThat(browser.find("#app").isDisplayed()).isFalse();
        assertThat(browser.script("return sessionStorage.getItem('fleetgate.console.session')")).isNull();
        assertThat(browser.script("return document.body.dataset.live === undefined")).as("not live").isEqualTo(true);
        assertThat(browser.script("return window.fleetgateNotReloaded === true")).as("no reload").isEqualTo(true);
        // the stream ended (event: end, then closed) and its reconnection was refused; nothing else was
        assertThat(WebApps.requests(host, "/v1/supervisor/stream", 401)).as("the reconnection").isEqualTo(1);
        assertThat(WebApps.requests(host, "/v1/supervisor/drivers", 401)).isZero();
    }

    @Test
    void supervisorReviewsAnItemAndOverridesABatchFromTheConsole() {
        JsonNode login = driverLogin();
        send(login, DriverEventType.ROUTE_STARTED, null);
        JsonNode arrival = send(login, DriverEventType.ARRIVED_AT_STOP, "gate");
        assertThat(arrival.get("flagged_for_review").asBoolean()).as("an arrival without a location").isTrue();
        logInToTheConsole();

        By item = By.cssSelector("#queue li[data-item]");
        browser.await(ExpectedConditions.visibilityOfElementLocated(item));
        String itemId = browser.attribute("#queue li[data-item]", "data-item");
        browser.find("#note-" + itemId).sendKeys("driver confirmed by phone");
        browser.find("#queue li[data-item] button[type=submit]").click();
        browser.await(ExpectedConditions.invisibilityOfElementLocated(item));

        // the console's own token: a second login of the supervisor would end the console's session
        String supervisor = consoleToken();
        assertThat(api.get("/v1/supervisor/review-queue", supervisor).body().get("events")).isEmpty();

        browser.find("tr[data-driver=d_w] button").click();
        browser.await(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#events li[data-event=ARRIVED_AT_STOP]")));
        assertThat(browser.attributes("#events li", "data-event")).containsSubsequence("ROUTE_STARTED", "ARRIVED_AT_STOP");
        new org.openqa.selenium.support.ui.Select(browser.find("#override-status")).selectByVisibleText("SUSPENDED");
        browser.find("#override-reason").sendKeys("van inspection");
        browser.find("#override-form button[type=submit]").click();
        browser.await(ExpectedConditions.attributeToBe(statusOf("d_w"), "data-status", "SUSPENDED"));
        assertThat(api.get("/v1/driver/batches/" + WebApps.BATCH, supervisor).body().at("/batch/driver_status").asText())
                .isEqualTo("SUSPENDED");
    }

    @Test
    void theConsoleKeepsItsTokenInSessionStorageOnly() {
        logInToTheConsole();
        String token = consoleToken();
        assertThat(token).isNotBlank();
        assertThat(browser.driver().getCurrentUrl()).doesNotContain(token);
        assertThat((String) browser.script("return JSON.stringify(Object.assign({}, localStorage))")).doesNotContain(token);
    }
}
