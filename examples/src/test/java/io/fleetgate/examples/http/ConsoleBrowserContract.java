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
 * The supervisor console (/console/) in headless Chromium against a real host: the board shows a
 * driver's change without a reload, and a supervisor reviews a queue item and overrides a batch
 * through the UI. Until the host has the change stream (GET /v1/supervisor/stream, issue #18 item
 * 4) the console polls; {@link #consoleShowsAChangeWithinTwoSecondsByPolling} is the test the push
 * version replaces. Run by one thin subclass per database.
 */
abstract class ConsoleBrowserContract {
    @TempDir
    Path dir;

    private TestDatabase db;
    HttpHost host;
    Api api;
    Browser browser;

    abstract TestDatabase newDatabase();

    @BeforeEach
    void start() throws Exception {
        db = newDatabase();
        host = WebApps.start(db, dir);
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

    /** Logs the driver in (their batch becomes ACTIVE) and returns the login answer. */
    JsonNode driverLogin() {
        Api.Reply r = api.post("/v1/auth/login", null, Map.of("username", WebApps.DRIVER, "pin", WebApps.DRIVER_PIN,
                "device_id", "wen-phone"));
        assertThat(r.status()).as("%s", r).isEqualTo(200);
        return r.body();
    }

    /** Sends one event as the driver's phone would, signed (the workspace requires it). */
    JsonNode send(JsonNode login, DriverEventType type, String stopId) {
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

    @Test
    void consoleShowsAChangeWithinTwoSecondsByPolling() {
        JsonNode login = driverLogin();
        logInToTheConsole();
        browser.await(ExpectedConditions.attributeToBe(statusOf("d_w"), "data-status", "ACTIVE"));
        browser.await(ExpectedConditions.attributeToBe(By.tagName("body"), "data-live", "polling"));
        browser.script("window.fleetgateNotReloaded = true");

        send(login, DriverEventType.ROUTE_STARTED, null);
        browser.await(Duration.ofSeconds(2), ExpectedConditions.attributeToBe(statusOf("d_w"), "data-status", "EN_ROUTE"));

        assertThat(browser.script("return window.fleetgateNotReloaded === true")).as("no reload").isEqualTo(true);
        assertThat(browser.find("#announce").getText()).contains("d_w is now EN_ROUTE");
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
        String itemId = browser.find("#queue li[data-item]").getAttribute("data-item");
        browser.find("#note-" + itemId).sendKeys("driver confirmed by phone");
        browser.find("#queue li[data-item] button[type=submit]").click();
        browser.await(ExpectedConditions.invisibilityOfElementLocated(item));

        // the console's own token: a second login of the supervisor would end the console's session
        String supervisor = (String) browser.script(
                "return JSON.parse(sessionStorage.getItem('fleetgate.console.session')).token");
        assertThat(api.get("/v1/supervisor/review-queue", supervisor).body().get("events")).isEmpty();

        browser.find("tr[data-driver=d_w] button").click();
        browser.await(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#events li[data-event=ARRIVED_AT_STOP]")));
        assertThat(browser.driver().findElements(By.cssSelector("#events li"))).extracting(e -> e.getAttribute("data-event"))
                .containsSubsequence("ROUTE_STARTED", "ARRIVED_AT_STOP");
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
        String token = (String) browser.script("return JSON.parse(sessionStorage.getItem('fleetgate.console.session')).token");
        assertThat(token).isNotBlank();
        assertThat(browser.driver().getCurrentUrl()).doesNotContain(token);
        assertThat((String) browser.script("return JSON.stringify(Object.assign({}, localStorage))")).doesNotContain(token);
    }
}
