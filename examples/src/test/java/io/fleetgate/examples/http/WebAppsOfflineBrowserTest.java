package io.fleetgate.examples.http;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.ExpectedConditions;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The pieces of the web apps that do not depend on the database (so on SQLite only), in headless
 * Chromium: the driver app's service worker serves the app shell when the host is gone, and the
 * console's SSE parser (console/sse.js, what reads GET /v1/supervisor/stream) follows the
 * event-stream rules however the bytes are split.
 */
class WebAppsOfflineBrowserTest {
    @TempDir
    Path dir;

    private HttpHost host;
    private Api api;
    private Browser browser;

    @BeforeEach
    void start() throws Exception {
        host = WebApps.start(new SqliteTestDatabase(dir.resolve("web.db")), dir);
        api = new Api(host.port());
        browser = Browser.start();
    }

    @AfterEach
    void stop() {
        try {
            browser.close();
        } finally {
            host.close();
        }
    }

    @Test
    void theDriverAppOpensFromTheServiceWorkersCacheWhenTheHostIsGone() {
        browser.open(api.base() + "/driver/");
        Object scope = browser.async("""
                const done = arguments[arguments.length - 1];
                navigator.serviceWorker.ready.then(async (r) => {
                  const cache = await caches.open('fleetgate-driver-v1');
                  done({scope: r.scope, cached: (await cache.keys()).length});
                }).catch((e) => done({error: String(e)}));
                """);
        assertThat(scope).isEqualTo(Map.of("scope", api.base() + "/driver/", "cached", 9L));
        browser.open(api.base() + "/driver/");   // now controlled by the worker
        browser.await(ExpectedConditions.jsReturnsValue("return navigator.serviceWorker.controller ? true : null"));
        host.close();   // idempotent: closed again after the test

        browser.driver().navigate().refresh();
        browser.await(ExpectedConditions.visibilityOfElementLocated(By.id("username")));
        assertThat(browser.find("h1").getText()).isEqualTo("fleetgate driver");
        assertThat(browser.script("return document.querySelector('link[rel=manifest]').href"))
                .isEqualTo(api.base() + "/driver/manifest.webmanifest");
    }

    @Test
    void theConsolesStreamParserFollowsTheEventStreamRulesWhateverTheChunks() {
        browser.open(api.base() + "/console/");
        String stream = ": ping\n\nid: 7\nevent: change\ndata: {\"cursor\":\"7\"}\n\n"
                + "id: 8\r\nevent: change\r\ndata: line one\r\ndata: line two\r\n\r\n"
                + "data:no space\rid: 9\r\r"
                + ": ping\n\n"
                + "event: change\ndata: {\"cursor\":\"10\"}\nid: 10\n\n"
                + "data: no blank line yet";
        for (int chunk : List.of(1, 2, 3, 5, 1000)) {
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> events = (List<Map<String, Object>>) browser.async("""
                    const [text, size] = arguments;
                    const done = arguments[arguments.length - 1];
                    import('/console/sse.js').then(({SseParser}) => {
                      const out = [];
                      const parser = new SseParser((e) => out.push(e));
                      for (let i = 0; i < text.length; i += size) {
                        parser.push(text.slice(i, i + size));
                      }
                      done(out);
                    }).catch((e) => done([{error: String(e)}]));
                    """, stream, chunk);
            assertThat(events).as("chunks of %d", chunk).containsExactly(
                    Map.of("id", "7", "event", "change", "data", "{\"cursor\":\"7\"}"),
                    Map.of("id", "8", "event", "change", "data", "line one\nline two"),
                    Map.of("id", "9", "event", "message", "data", "no space"),
                    Map.of("id", "10", "event", "change", "data", "{\"cursor\":\"10\"}"));
        }
    }
}
