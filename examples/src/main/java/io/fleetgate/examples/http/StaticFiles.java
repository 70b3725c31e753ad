package io.fleetgate.examples.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The supervisor console ({@code /console/}) and the driver web app ({@code /driver/}): a fixed
 * allow-list of files, read from the class path once, at start, into memory.
 *
 * <p>Serving files is an attack surface, so nothing of a request's path ever reaches the class
 * path or the file system: each file is one literal route of the {@link Router}, and a path that
 * is not on the list (a {@code ..} segment, an encoded slash, a file that exists in the jar but is
 * not listed) matches no route and is {@code 404 NOT_FOUND} like any unknown path. Every answer
 * carries its exact {@code Content-Type}, {@code Content-Security-Policy: default-src 'self'}
 * (no inline script or style, nothing from elsewhere), {@code X-Content-Type-Options: nosniff},
 * {@code Referrer-Policy: no-referrer} and {@code Cache-Control: no-cache} (the browser keeps a
 * copy but asks again, so a new host version is seen at once; the driver app's service worker
 * keeps its own copy for offline use). {@code /console} and {@code /driver} without the slash
 * redirect to it. Immutable and thread-safe.
 */
final class StaticFiles {
    /** Where the files are, on the class path. */
    static final String ROOT = "/io/fleetgate/examples/http/web/";

    /** The headers every static answer carries, besides {@code Content-Type}. */
    static final Map<String, String> SECURITY_HEADERS = Map.of(
            "Content-Security-Policy", "default-src 'self'",
            "X-Content-Type-Options", "nosniff",
            "Referrer-Policy", "no-referrer",
            "Cache-Control", "no-cache");

    /** URL path → file under {@link #ROOT}; the only files served. */
    static final Map<String, String> FILES = files();

    private StaticFiles() {
    }

    private static Map<String, String> files() {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("/console/", "console/index.html");
        for (String f : List.of("console.css", "console.js", "sse.js")) {
            files.put("/console/" + f, "console/" + f);
        }
        files.put("/driver/", "driver/index.html");
        for (String f : List.of("driver.css", "app.js", "encoding.js", "queue.js", "state.js", "sw.js",
                "manifest.webmanifest", "icon.svg", "icon-192.png")) {
            files.put("/driver/" + f, "driver/" + f);
        }
        return Map.copyOf(files);
    }

    /**
     * @param file a file name
     * @return its media type (UTF-8 for text)
     * @throws IllegalArgumentException for an extension not served
     */
    static String contentType(String file) {
        String ext = file.substring(file.lastIndexOf('.') + 1);
        return switch (ext) {
            case "html" -> "text/html; charset=utf-8";
            case "css" -> "text/css; charset=utf-8";
            case "js" -> "text/javascript; charset=utf-8";
            case "webmanifest" -> "application/manifest+json; charset=utf-8";
            case "svg" -> "image/svg+xml";
            case "png" -> "image/png";
            default -> throw new IllegalArgumentException("no content type for " + file);
        };
    }

    /**
     * Adds a route per listed file, and the two redirects.
     *
     * @param router the router
     * @throws UncheckedIOException  if a listed file cannot be read
     * @throws IllegalStateException if a listed file is missing from the class path
     */
    static void register(Router router) {
        for (Map.Entry<String, String> e : FILES.entrySet()) {
            Response answer = new Response(200, new Response.Text(contentType(e.getValue()), read(e.getValue())),
                    SECURITY_HEADERS);
            router.add("GET", e.getKey(), call -> answer);
        }
        for (String app : List.of("/console", "/driver")) {
            Map<String, String> headers = new LinkedHashMap<>(SECURITY_HEADERS);
            headers.put("Location", app + "/");
            Response redirect = new Response(308, null, headers);
            router.add("GET", app, call -> redirect);
        }
    }

    private static byte[] read(String file) {
        try (InputStream in = StaticFiles.class.getResourceAsStream(ROOT + file)) {
            if (in == null) {
                throw new IllegalStateException("missing from the class path: " + ROOT + file);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + ROOT + file, e);
        }
    }
}
