package io.fleetgate.examples.http;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The driver web app (/driver/) in headless Chromium against a real host: a driver logs in and
 * completes a stop through the UI; events recorded offline are kept in IndexedDB and synced once,
 * in recorded order, when the network comes back, and a resend is a duplicate. The workspace
 * requires signed events, so every accepted event is a signature made by the page (WebCrypto)
 * that verified on the server. Run by one thin subclass per database.
 */
abstract class DriverAppBrowserContract {
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

    String supervisor() {
        Api.Reply r = api.post("/v1/auth/login", null, Map.of("username", WebApps.SUPERVISOR, "pin",
                WebApps.SUPERVISOR_PIN, "device_id", "sol-laptop"));
        assertThat(r.status()).as("%s", r).isEqualTo(200);
        return r.body().get("token").asText();
    }

    /** The batch's accepted events as the server lists them, oldest first. */
    List<JsonNode> serverEvents(String token) {
        Api.Reply r = api.get("/v1/driver/events?batch_id=" + WebApps.BATCH + "&limit=1000", token);
        assertThat(r.status()).as("%s", r).isEqualTo(200);
        List<JsonNode> out = new ArrayList<>();
        r.body().get("events").forEach(out::add);
        return out;
    }

    List<JsonNode> reviewQueue(String token) {
        Api.Reply r = api.get("/v1/supervisor/review-queue", token);
        assertThat(r.status()).as("%s", r).isEqualTo(200);
        List<JsonNode> out = new ArrayList<>();
        r.body().get("events").forEach(out::add);
        return out;
    }

    static List<String> types(List<JsonNode> events) {
        return events.stream().map(e -> e.get("event_type").asText()).filter(t -> !t.equals("DRIVER_LOGGED_IN")).toList();
    }

    /**
     * Opens the app, lets it try a sync before anyone has logged in, then logs in and opens the
     * batch. The app tries a sync every 3 s and on the browser's {@code online} event, also on the
     * login screen; a driver typing their PIN takes longer than 3 s, so on a phone the first try
     * always comes before the login. Here it is the {@code online} event, fired once the login form
     * shows (the app listens by then), so every test meets that order whatever the machine's speed;
     * the syncs after the login must not depend on it.
     */
    void logInAndOpenTheBatch() {
        browser.open(api.base() + "/driver/");
        browser.placeAt(api.base(), 30.27, -97.74);
        browser.await(ExpectedConditions.visibilityOfElementLocated(org.openqa.selenium.By.id("username")));
        browser.script("window.dispatchEvent(new Event('online'))");
        browser.find("#username").sendKeys(WebApps.DRIVER);
        browser.find("#pin").sendKeys(WebApps.DRIVER_PIN);
        browser.find("#login-form button[type=submit]").click();
        browser.await(ExpectedConditions.visibilityOfElementLocated(org.openqa.selenium.By.id("batch-id")));
        browser.find("#batch-id").sendKeys(WebApps.BATCH);
        browser.find("#pick-form button[type=submit]").click();
        awaitStatus("ACTIVE");
    }

    void awaitStatus(String status) {
        browser.await(ExpectedConditions.textToBe(org.openqa.selenium.By.id("status"), status));
    }

    void awaitSynced() {
        browser.await(ExpectedConditions.attributeToBe(org.openqa.selenium.By.tagName("body"), "data-waiting", "0"));
    }

    /**
     * Clicks the element once it is clickable; a button the app redrew between finding and clicking
     * it (a sync answer re-renders the screen) is found again and clicked then.
     */
    void click(String css) {
        browser.await(d -> {
            WebElement button = ExpectedConditions.elementToBeClickable(org.openqa.selenium.By.cssSelector(css)).apply(d);
            if (button == null) {
                return null;
            }
            button.click();
            return true;
        });
    }

    void sign() {
        WebElement pad = browser.await(ExpectedConditions.visibilityOfElementLocated(
                org.openqa.selenium.By.cssSelector("canvas.signature")));
        new Actions(browser.driver()).moveToElement(pad, -100, 0).clickAndHold().moveByOffset(60, 20)
                .moveByOffset(60, -30).moveByOffset(60, 25).release().perform();
        click("button[data-capture=SIGNATURE]");
        browser.await(ExpectedConditions.textToBePresentInElementLocated(
                org.openqa.selenium.By.cssSelector("fieldset[data-proof=SIGNATURE] legend"), "SIGNATURE: 1 of 1"));
    }

    @Test
    void driverLogsInAndCompletesAStop() {
        logInAndOpenTheBatch();
        assertThat(browser.attributes("button[data-event]", "data-event")).containsExactly("ROUTE_STARTED");

        click("button[data-event=ROUTE_STARTED]");
        awaitStatus("EN_ROUTE");
        String navigation = browser.attribute("#navigate", "href");
        assertThat(navigation).contains("30.27").contains("-97.74");

        click("button[data-event=ARRIVED_AT_STOP]");
        awaitStatus("AT_STOP");
        awaitSynced();
        assertThat(browser.script("return document.querySelector('button[data-event=DEPARTED_STOP]').disabled"))
                .as("complete before the signature").isEqualTo(true);
        sign();
        click("button[data-event=DEPARTED_STOP]");
        awaitStatus("EN_ROUTE");
        awaitSynced();
        browser.await(ExpectedConditions.attributeToBe(org.openqa.selenium.By.cssSelector("li[data-stop=gate]"),
                "data-stop-status", "COMPLETED"));

        String token = supervisor();
        Api.Reply batch = api.get("/v1/driver/batches/" + WebApps.BATCH, token);
        assertThat(batch.body().at("/batch/driver_status").asText()).isEqualTo("EN_ROUTE");
        assertThat(batch.body().at("/batch/stops/0/status").asText()).isEqualTo("COMPLETED");
        assertThat(batch.body().at("/batch/stops/0/proof_captured/SIGNATURE").asInt()).isEqualTo(1);
        assertThat(batch.body().at("/batch/next_stop_id").asText()).isEqualTo("dock");
        List<JsonNode> events = serverEvents(token);
        assertThat(types(events)).containsExactly("ROUTE_STARTED", "ARRIVED_AT_STOP", "PROOF_CAPTURED", "DEPARTED_STOP");
        JsonNode arrival = events.stream().filter(e -> e.get("event_type").asText().equals("ARRIVED_AT_STOP")).findFirst()
                .orElseThrow();
        assertThat(arrival.get("stop_id").asText()).isEqualTo("gate");
        assertThat(arrival.get("lat").asDouble()).isEqualTo(30.27);
        // the arrival was flagged ARRIVAL_UNCONFIRMED when it came with one fix; the app's next
        // fix (taken with the proof) confirmed it, which closed the item. Every event was signed by
        // the page (the workspace requires it) and none was refused: the queue is empty
        assertThat(reviewQueue(token)).isEmpty();
    }

    @Test
    void eventsRecordedOfflineSyncOnceInOrderWhenTheNetworkComesBack() {
        logInAndOpenTheBatch();
        click("button[data-event=ROUTE_STARTED]");
        awaitStatus("EN_ROUTE");
        awaitSynced();
        String token = supervisor();
        assertThat(types(serverEvents(token))).containsExactly("ROUTE_STARTED");

        // the service worker controls the page, so it can be reloaded offline
        browser.await(ExpectedConditions.jsReturnsValue("return navigator.serviceWorker.controller ? true : null"));
        browser.offline(true);
        click("button[data-event=ARRIVED_AT_STOP]");
        awaitStatus("AT_STOP");
        sign();
        click("button[data-event=DEPARTED_STOP]");
        awaitStatus("EN_ROUTE");
        browser.await(ExpectedConditions.attributeToBe(org.openqa.selenium.By.tagName("body"), "data-waiting", "3"));
        // the UI moved on offline: navigation to the next stop; and so it is after a reload, still
        // offline: the app from the service worker, the outbox from IndexedDB
        assertThat(browser.attribute("#navigate", "href")).contains("30.28");
        browser.driver().navigate().refresh();
        awaitStatus("EN_ROUTE");
        browser.await(ExpectedConditions.attributeToBe(org.openqa.selenium.By.tagName("body"), "data-waiting", "3"));
        assertThat(browser.attribute("#navigate", "href")).contains("30.28");
        assertThat(browser.attribute("li[data-stop=gate]", "data-stop-status")).isEqualTo("COMPLETED");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> queued = (List<Map<String, Object>>) browser.async(
                "const done = arguments[arguments.length - 1];"
                        + "import('/driver/queue.js').then(q => q.all()).then(all => done(all.map(x => x.event)));");
        assertThat(queued).extracting(e -> e.get("event_type"))
                .containsExactly("ARRIVED_AT_STOP", "PROOF_CAPTURED", "DEPARTED_STOP");
        assertThat(types(serverEvents(token))).as("nothing reached the server while offline").containsExactly("ROUTE_STARTED");

        browser.offline(false);
        awaitSynced();
        List<JsonNode> events = serverEvents(token);
        assertThat(types(events)).containsExactly("ROUTE_STARTED", "ARRIVED_AT_STOP", "PROOF_CAPTURED", "DEPARTED_STOP");
        List<String> ids = events.stream().filter(e -> !e.get("event_type").asText().equals("DRIVER_LOGGED_IN")
                && !e.get("event_type").asText().equals("ROUTE_STARTED")).map(e -> e.get("event_id").asText()).toList();
        assertThat(ids).containsExactlyElementsOf(queued.stream().map(e -> (String) e.get("event_id")).toList());

        // sending the same events again (a lost answer) is a duplicate each, never a second event
        String driverToken = (String) browser.script(
                "return JSON.parse(sessionStorage.getItem('fleetgate.driver.session')).token");
        Api.Reply again = api.post("/v1/driver/events", driverToken, Map.of("events", queued));
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.body().get("results")).extracting(r -> r.get("outcome").asText())
                .containsExactly("DUPLICATE", "DUPLICATE", "DUPLICATE");
        assertThat(serverEvents(token)).hasSameSizeAs(events);
        assertThat(reviewQueue(token)).isEmpty();
    }

    @Test
    void theTokenIsKeptInSessionStorageOnlyAndNeverInTheUrl() {
        logInAndOpenTheBatch();
        String url = browser.driver().getCurrentUrl();
        String token = (String) browser.script(
                "return JSON.parse(sessionStorage.getItem('fleetgate.driver.session')).token");
        assertThat(token).isNotBlank();
        assertThat(url).doesNotContain(token);
        Object local = browser.script("return JSON.stringify(Object.assign({}, localStorage))");
        assertThat((String) local).doesNotContain(token);
    }
}
