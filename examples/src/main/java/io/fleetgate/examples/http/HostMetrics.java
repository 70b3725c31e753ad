package io.fleetgate.examples.http;

import com.zaxxer.hikari.metrics.MetricsTrackerFactory;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import io.fleetgate.Decision;
import io.fleetgate.FleetgateListener;
import io.fleetgate.StoreCall;
import io.fleetgate.exclusive.ExclusiveSession;
import io.fleetgate.execution.Batch;
import io.fleetgate.execution.DriverEvent;
import io.fleetgate.execution.QuarantinedEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The host's metrics, in one Prometheus registry of its own (never Micrometer's global one):
 * fleetgate's decisions, store calls and committed changes (it is the {@link FleetgateListener}
 * the host's {@code Fleetgate} is built with), the HikariCP pools (through
 * {@link #poolMetrics()}), the JVM and each HTTP request; {@code GET /metrics} answers
 * {@link #scrape()}. Every metric is listed in {@code docs/http-api.md}.
 *
 * <p>Cardinality is bounded by construction: fleetgate's tags are enums and names the library
 * fixes ({@link Decision}, {@link StoreCall}); an HTTP request is tagged with its route's
 * template ({@code /v1/driver/batches/{id}}) or {@code unmatched}, a method from a fixed list
 * or {@code OTHER}, and its status. Nothing a client sends (a path, a header, a query) becomes a
 * tag. Thread-safe; {@link #close()} unbinds the GC listener.
 */
final class HostMetrics implements FleetgateListener, AutoCloseable {
    /** The content type of {@link #scrape()}: Prometheus text format 0.0.4. */
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    /** The methods a request is tagged with as sent; any other is {@code OTHER}. */
    static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");
    /** The route tag of a request no route matched. */
    static final String UNMATCHED = "unmatched";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final byte[] tokenHash;
    private final Map<Decision, Timer> decisions = new ConcurrentHashMap<>();
    private final Map<String, Timer> storeCalls = new ConcurrentHashMap<>();
    private final Map<String, Timer> requests = new ConcurrentHashMap<>();
    private final Counter exclusiveChanges;
    private final Counter batchChanges;
    private final Counter quarantinedChanges;

    /**
     * @param token the bearer token {@code /metrics} asks for ({@code HTTP_METRICS_TOKEN}); kept
     *              as its SHA-256 only
     */
    HostMetrics(String token) {
        this.tokenHash = sha256(token);
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        exclusiveChanges = changes("exclusive_session");
        batchChanges = changes("batch");
        quarantinedChanges = changes("quarantined_event");
    }

    private Counter changes(String kind) {
        return Counter.builder("fleetgate.changes").description("committed changes the host's calls made")
                .tag("kind", kind).register(registry);
    }

    /**
     * Reports the change streams and waiting long-polls open now.
     *
     * @param open how many ({@link ChangesApi#open()})
     */
    void changeWaiters(java.util.function.IntSupplier open) {
        io.micrometer.core.instrument.Gauge.builder("fleetgate.http.change.waiters", open::getAsInt)
                .description("change streams and waiting long-polls open on this host").register(registry);
    }

    /** @return the factory the store's HikariCP pools report through */
    MetricsTrackerFactory poolMetrics() {
        return new MicrometerMetricsTrackerFactory(registry);
    }

    /**
     * @param presented the bearer token a request carried, or {@code null}
     * @return whether it is the metrics token (compared in constant time, as hashes)
     */
    boolean admits(String presented) {
        return presented != null && MessageDigest.isEqual(tokenHash, sha256(presented));
    }

    /** @return every metric, in Prometheus text format 0.0.4 */
    String scrape() {
        return registry.scrape();
    }

    /**
     * Records one answered request.
     *
     * @param method the request's method, as sent (tagged only if in {@link #METHODS})
     * @param route  the matched route's template, or {@link #UNMATCHED}
     * @param status the status sent
     * @param nanos  how long it took
     */
    void request(String method, String route, int status, long nanos) {
        String m = METHODS.contains(method) ? method : "OTHER";
        requests.computeIfAbsent(m + ' ' + route + ' ' + status, key -> Timer.builder("http.server.requests")
                .description("HTTP requests answered, by route template, method and status")
                .tag("method", m).tag("route", route).tag("status", Integer.toString(status))
                .register(registry)).record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void decided(Decision decision) {
        // keyed without the duration: one timer per kind, outcome and error code
        Decision key = new Decision(decision.kind(), decision.outcome(), decision.error(), 0);
        decisions.computeIfAbsent(key, k -> Timer.builder("fleetgate.decisions")
                .description("decisions fleetgate's services made, by kind, outcome and error code")
                .tag("kind", k.kind().name().toLowerCase(java.util.Locale.ROOT))
                .tag("outcome", k.outcome().name().toLowerCase(java.util.Locale.ROOT))
                .tag("error_code", k.error() == null ? "none" : k.error().name())
                .register(registry)).record(decision.durationNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public boolean timesStoreCalls() {
        return true;
    }

    @Override
    public void storeCalled(StoreCall call) {
        String outcome = call.succeeded() ? "success" : "failure";
        storeCalls.computeIfAbsent(call.operation() + ' ' + outcome, k -> Timer.builder("fleetgate.store.calls")
                .description("calls of the store SPI, by operation and outcome")
                .tag("operation", call.operation()).tag("outcome", outcome)
                .register(registry)).record(call.durationNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public void exclusiveSessionChanged(ExclusiveSession session) {
        exclusiveChanges.increment();
    }

    @Override
    public void batchChanged(Batch batch, List<DriverEvent> recorded) {
        batchChanges.increment();
    }

    @Override
    public void quarantined(List<QuarantinedEvent> quarantined) {
        quarantinedChanges.increment(quarantined.size());
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing", e);
        }
    }
}
