package io.fleetgate.examples.torture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A JSON client for one or more {@code serve} instances sharing a database, on the JDK's
 * {@link HttpClient}. A call never throws for what the network or the host does: a refused or
 * reset connection is an {@link Answer} with status {@link #TRANSPORT}, a request not answered
 * within {@link #TIMEOUT} one with status {@link #HANG}. Thread-safe.
 */
final class Client {
    /** Status of an answer when the connection failed (refused, reset, closed). */
    static final int TRANSPORT = -1;
    /** Status of an answer that did not come within {@link #TIMEOUT}. */
    static final int HANG = -2;
    /** Longer than the store's 10 s connection timeout: a request still unanswered then hangs. */
    static final Duration TIMEOUT = Duration.ofSeconds(20);

    static final ObjectMapper JSON = new ObjectMapper();

    private final List<String> bases;
    private final HttpClient http;

    /** @param bases the hosts' base URLs, e.g. {@code http://127.0.0.1:8080} */
    Client(List<String> bases) {
        if (bases.isEmpty()) {
            throw new IllegalArgumentException("--base needs at least one URL");
        }
        this.bases = List.copyOf(bases);
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** @return how many hosts there are */
    int hosts() {
        return bases.size();
    }

    /**
     * One answer: the status ({@link #TRANSPORT} or {@link #HANG} when there was none), the JSON
     * body (missing when none), for failures what went wrong, and how long it took.
     */
    record Answer(int status, JsonNode body, String failure, long millis) {
        /** @return the {@code error} code of an error body, or "" */
        String error() {
            return body.path("error").asText("");
        }

        /** @return {@link #describe()} and, for an error body, its message */
        String explain() {
            String message = body.path("message").asText("");
            return message.isEmpty() ? describe() : describe() + " (" + message + ")";
        }

        /** @return e.g. "201", "409 ACTIVE_SESSION_EXISTS", "transport (Connection refused)" */
        String describe() {
            if (status == TRANSPORT) {
                return "transport (" + failure + ")";
            }
            if (status == HANG) {
                return "no answer within " + TIMEOUT.toSeconds() + " s";
            }
            return error().isEmpty() ? Integer.toString(status) : status + " " + error();
        }

        boolean ok() {
            return status >= 200 && status < 300;
        }
    }

    /**
     * @param host  which host (taken modulo the number of hosts)
     * @param token bearer token, or {@code null}
     * @param path  e.g. {@code /v1/exclusive/activate}
     * @param body  the JSON body (a map or a node)
     * @return the answer
     */
    Answer post(int host, String token, String path, Object body) {
        try {
            return send(host, token, path, HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)), true);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot encode " + body, e);
        }
    }

    /** A GET; see {@link #post}. */
    Answer get(int host, String token, String path) {
        return send(host, token, path, null, false);
    }

    private Answer send(int host, String token, String path, HttpRequest.BodyPublisher body, boolean post) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(bases.get(Math.floorMod(host, bases.size())) + path))
                .timeout(TIMEOUT);
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (post) {
            request.header("Content-Type", "application/json").POST(body);
        } else {
            request.GET();
        }
        long started = System.nanoTime();
        try {
            HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            byte[] bytes = response.body();
            JsonNode node = bytes.length == 0 ? MissingNode.getInstance() : JSON.readTree(bytes);
            return new Answer(response.statusCode(), node, null, since(started));
        } catch (HttpTimeoutException e) {
            return new Answer(HANG, MissingNode.getInstance(), e.getMessage(), since(started));
        } catch (IOException e) {
            return new Answer(TRANSPORT, MissingNode.getInstance(), e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()), since(started));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer(TRANSPORT, MissingNode.getInstance(), "interrupted", since(started));
        }
    }

    private static long since(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1_000_000;
    }

    /**
     * Logs a user in.
     *
     * @return the login answer (200 with {@code token} and {@code session_id} when it worked)
     */
    Answer login(int host, String username, String pin, String device) {
        return post(host, null, "/v1/auth/login", Map.of("username", username, "pin", pin, "device_id", device));
    }

    /**
     * Logs a user in, waiting for the host to answer (up to {@code seconds}), for set-up.
     *
     * @return the token
     * @throws IllegalStateException if the login does not succeed
     */
    String token(int host, String username, String pin, String device, int seconds) {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        Answer a = login(host, username, pin, device);
        while (!a.ok() && (a.status() == TRANSPORT || a.status() == 503) && System.nanoTime() < deadline) {
            pause(250);
            a = login(host, username, pin, device);
        }
        if (a.status() != 200) {
            throw new IllegalStateException("login of " + username + " failed: " + a.describe());
        }
        return a.body().path("token").asText();
    }

    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
