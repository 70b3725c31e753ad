package io.fleetgate.examples.http;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console and the driver app as files (docs/console.md): every listed file is served with
 * its content type and the security headers, and nothing else is: traversal attempts, encoded
 * slashes, files that exist on the class path but are not listed, and other methods. Writes
 * nothing. Run by one thin subclass per database.
 */
abstract class StaticFilesContract {
    @TempDir
    Path dir;

    private TestDatabase db;
    private HttpHost host;
    private Api api;
    private final HttpClient client = HttpClient.newHttpClient();

    abstract TestDatabase newDatabase();

    @BeforeEach
    void start() throws IOException {
        db = newDatabase();
        host = HttpApiContract.startWithFixtures(db.options(), dir, Clock.systemUTC());
        api = new Api(host.port());
    }

    @AfterEach
    void stop() {
        try {
            if (host != null) {
                host.close();
            }
        } finally {
            db.drop();
        }
    }

    private HttpResponse<byte[]> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(api.base() + path)).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    private static byte[] resource(String file) throws IOException {
        try (InputStream in = StaticFiles.class.getResourceAsStream(StaticFiles.ROOT + file)) {
            assertThat(in).as(file).isNotNull();
            return in.readAllBytes();
        }
    }

    @Test
    void everyListedFileIsServedWithItsTypeAndTheSecurityHeaders() throws Exception {
        Map<String, String> types = Map.of(
                "/console/", "text/html; charset=utf-8",
                "/console/console.js", "text/javascript; charset=utf-8",
                "/console/console.css", "text/css; charset=utf-8",
                "/driver/", "text/html; charset=utf-8",
                "/driver/manifest.webmanifest", "application/manifest+json; charset=utf-8",
                "/driver/icon.svg", "image/svg+xml",
                "/driver/icon-192.png", "image/png",
                "/driver/sw.js", "text/javascript; charset=utf-8");
        for (Map.Entry<String, String> f : StaticFiles.FILES.entrySet()) {
            HttpResponse<byte[]> r = get(f.getKey());
            assertThat(r.statusCode()).as(f.getKey()).isEqualTo(200);
            assertThat(r.body()).as(f.getKey()).isEqualTo(resource(f.getValue()));
            assertThat(r.headers().firstValue("Content-Security-Policy")).as(f.getKey()).hasValue("default-src 'self'");
            assertThat(r.headers().firstValue("X-Content-Type-Options")).as(f.getKey()).hasValue("nosniff");
            assertThat(r.headers().firstValue("Referrer-Policy")).as(f.getKey()).hasValue("no-referrer");
            assertThat(r.headers().firstValue("Cache-Control")).as(f.getKey()).hasValue("no-cache");
            assertThat(r.headers().firstValue("Content-Type")).as(f.getKey()).isPresent();
            if (types.containsKey(f.getKey())) {
                assertThat(r.headers().firstValue("Content-Type")).as(f.getKey()).hasValue(types.get(f.getKey()));
            }
        }
        assertThat(StaticFiles.FILES).containsKeys(types.keySet().toArray(String[]::new));
    }

    @Test
    void theAppsWithoutTheirSlashRedirectToIt() throws Exception {
        for (String app : List.of("/console", "/driver")) {
            HttpResponse<byte[]> r = get(app);
            assertThat(r.statusCode()).as(app).isEqualTo(308);
            assertThat(r.headers().firstValue("Location")).as(app).hasValue(app + "/");
        }
    }

    @Test
    void pagesHoldNoInlineScriptOrStyleAndLoadNothingFromElsewhere() throws Exception {
        for (String page : List.of("/console/", "/driver/")) {
            String html = new String(get(page).body(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(html).as(page).doesNotContainPattern("<script(?![^>]*\\bsrc=)");
            assertThat(html).as(page).doesNotContain("style=", "<style", "http://", "https://", "//fonts", "onclick");
        }
    }

    @Test
    void traversalEncodedSlashesAndUnlistedFilesAre404() throws Exception {
        List<String> targets = List.of(
                "/console/../pom.xml",
                "/console/../../../../etc/passwd",
                "/console/%2e%2e/%2e%2e/etc/passwd",
                "/console/..%2f..%2fetc%2fpasswd",
                "/console/%2e%2e%2fHttpHost.class",
                "/driver/..%5c..%5cetc%5cpasswd",
                "/console//console.js",
                "/console/./console.js/",
                "/console/index.html",
                "/console/console.js%00",
                "/console/console.js;x",
                "/driver/icon.svg/",
                "/console/../io/fleetgate/examples/http/HttpHost.class",
                "/io/fleetgate/examples/http/web/console/index.html",
                "/web/console/console.js",
                "/console/sse.js.map",
                "/driver/DRIVER.CSS");
        for (String target : targets) {
            String answer = api.getRaw(target, null);
            String status = answer.isEmpty() ? "" : answer.substring(0, answer.indexOf("\r\n"));
            // Jetty may itself refuse an ambiguous target (400); what matters is that no file is served
            assertThat(status).as(target).matches("HTTP/1\\.1 (404|400) .*");
            assertThat(answer).as(target).doesNotContain("root:", "<html", "import ", "cafebabe");
            assertThat(answer.toLowerCase()).as(target).contains("content-type: application/json");
        }
    }

    @Test
    void onlyGetIsAllowed() throws Exception {
        for (String method : List.of("POST", "PUT", "DELETE")) {
            HttpResponse<byte[]> r = client.send(HttpRequest.newBuilder(URI.create(api.base() + "/console/"))
                    .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(r.statusCode()).as(method).isEqualTo(405);
            assertThat(r.headers().firstValue("Allow")).as(method).hasValue("GET");
        }
    }

    @Test
    void servingTheFilesWritesNothing() throws Exception {
        String before = db.dumpTables();
        for (String path : StaticFiles.FILES.keySet()) {
            get(path);
        }
        api.getRaw("/console/../pom.xml", null);
        assertThat(db.dumpTables()).isEqualTo(before);
    }
}
