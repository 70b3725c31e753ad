package io.fleetgate.examples.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A small JSON client for the host under test that remembers every status it saw, so a suite can
 * check that no response was a 5xx. Thread-safe.
 */
final class Api {
    static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One answer.
     *
     * @param status  the HTTP status
     * @param body    the JSON body, or a missing node when empty
     * @param headers the headers
     */
    record Reply(int status, JsonNode body, HttpHeaders headers) {
        String error() {
            return body.path("error").asText(null);
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final List<Reply> seen = new CopyOnWriteArrayList<>();

    Api(int port) {
        this.base = "http://127.0.0.1:" + port;
    }

    String base() {
        return base;
    }

    List<Reply> seen() {
        return seen;
    }

    Reply get(String path, String token) {
        return send(request(path, token).GET());
    }

    Reply post(String path, String token, String json) {
        return send(request(path, token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    Reply post(String path, String token, Object body) {
        try {
            return post(path, token, JSON.writeValueAsString(body));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Reply method(String method, String path, String token) {
        return send(request(path, token).method(method, HttpRequest.BodyPublishers.noBody()));
    }

    HttpRequest.Builder request(String path, String token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return b;
    }

    Reply send(HttpRequest.Builder request) {
        try {
            HttpResponse<byte[]> r = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            JsonNode body = r.body().length == 0 ? JSON.missingNode()
                    : JSON.readTree(new String(r.body(), StandardCharsets.UTF_8));
            Reply reply = new Reply(r.statusCode(), body, r.headers());
            seen.add(reply);
            return reply;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
