package io.fleetgate.examples.http;

import com.fasterxml.jackson.databind.JsonNode;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;

/**
 * One supervisor's {@code GET /v1/supervisor/stream}, read without a thread of its own (the JDK
 * client hands it lines): for each {@code event: change} whose {@code kind} is {@code EVENT}, the
 * {@link System#nanoTime()} its {@code data:} line arrived, by {@code entity_id}. For the push
 * benchmarks ({@link PushBench}). Thread-safe.
 */
final class SseClient implements Flow.Subscriber<String> {
    private final CompletableFuture<Integer> status = new CompletableFuture<>();
    private final Map<String, Long> received = new ConcurrentHashMap<>();
    private volatile Flow.Subscription subscription;
    private volatile boolean closing;
    private volatile boolean ended;
    private volatile long lastAt;
    /** Only the client's delivering thread touches these (lines are delivered in order). */
    private String event;
    private String data;
    private long dataAt;

    private SseClient() {
    }

    /**
     * Opens a stream.
     *
     * @param client      the HTTP client
     * @param base        {@code http://127.0.0.1:PORT}
     * @param token       a supervisor's bearer token
     * @param lastEventId where to resume, or {@code null} for "from now"
     * @return the stream, its status still to come ({@link #awaitStatus})
     */
    static SseClient open(HttpClient client, String base, String token, String lastEventId) {
        SseClient s = new SseClient();
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(base + "/v1/supervisor/stream"))
                .header("Accept", "text/event-stream").header("Authorization", "Bearer " + token).GET();
        if (lastEventId != null) {
            r.header("Last-Event-ID", lastEventId);
        }
        client.sendAsync(r.build(), info -> {
            s.status.complete(info.statusCode());
            return HttpResponse.BodySubscribers.fromLineSubscriber(s);
        }).whenComplete((response, error) -> {
            if (error != null) {
                s.status.completeExceptionally(error);
            }
            s.ended = true;
        });
        return s;
    }

    /**
     * @param seconds how long to wait
     * @return the response's status
     * @throws Exception if none came in time or the request failed
     */
    int awaitStatus(double seconds) throws Exception {
        return status.get((long) (seconds * 1000), TimeUnit.MILLISECONDS);
    }

    /** @return event id → nanoTime its change arrived (the first time) */
    Map<String, Long> received() {
        return received;
    }

    /** @return the nanoTime of the last change received, 0 for none */
    long lastAt() {
        return lastAt;
    }

    /** @return whether the stream ended (the host closed it, or it failed) other than by {@link #close()} */
    boolean dropped() {
        return ended && !closing;
    }

    /** Closes the stream (cancels the body: the connection is closed). */
    void close() {
        closing = true;
        Flow.Subscription s = subscription;
        if (s != null) {
            s.cancel();
        }
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        if (closing) {
            s.cancel();
            return;
        }
        s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(String line) {
        if (line.startsWith("data:")) {
            dataAt = System.nanoTime();
            data = line.substring(5).strip();
        } else if (line.startsWith("event:")) {
            event = line.substring(6).strip();
        } else if (line.isEmpty()) {
            if ("change".equals(event) && data != null) {
                JsonNode change = JsonIo.parseObject(data.getBytes(StandardCharsets.UTF_8));
                if ("EVENT".equals(change.path("kind").asText())) {
                    received.putIfAbsent(change.path("entity_id").asText(), dataAt);
                    lastAt = dataAt;
                }
            }
            event = null;
            data = null;
        }
    }

    @Override
    public void onError(Throwable error) {
        ended = true;
    }

    @Override
    public void onComplete() {
        ended = true;
    }
}
