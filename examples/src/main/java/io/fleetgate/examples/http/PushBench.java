package io.fleetgate.examples.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetgate.FleetgateSettings;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The push benchmarks of issue #18: {@code push-latency} (how soon a change synced through one
 * host reaches a stream open on another, under an 8-thread sync load) and {@code stream-clients}
 * (500 streams on one host in {@code -Xmx256m}, a burst of changes, everyone gets everything).
 * Both drive real hosts over HTTP; see {@code docs/benchmarks.md}. Stateless; not thread-safe.
 */
public final class PushBench {
    /** The stream-clients host's heap. */
    public static final String HOST_HEAP = "-Xmx256m";

    private static final String WORKSPACE = "ws_push";
    private static final String PIN = "402918";
    private static final String SIGNING_SECRET = "cHVzaC1iZW5jaG1hcmstc2lnbmluZy1zZWNyZXQtMzItYnl0ZXMh";
    private static final String PEPPER = "cHVzaC1iZW5jaG1hcmstcGVwcGVy";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final double MIB = 1024.0 * 1024.0;

    private PushBench() {
    }

    /**
     * The database the hosts run on: the bench's own throwaway one.
     *
     * @param url             {@code jdbc:sqlite:FILE} or a PostgreSQL URL naming the schema ({@code currentSchema})
     * @param user            the runtime role (PostgreSQL), or {@code null}
     * @param password        its password
     * @param ownerUser       the schema's owner (PostgreSQL), or {@code null}
     * @param ownerPassword   its password
     * @param kind            {@code sqlite} or {@code postgres}, as RESULT lines name it
     */
    public record Db(String url, String user, String password, String ownerUser, String ownerPassword, String kind) {
        /** @return whether two hosts may share it: PostgreSQL (SQLite's wake-up is in-process) */
        public boolean shared() {
            return "postgres".equals(kind);
        }
    }

    /**
     * How the push benchmarks measure.
     *
     * @param warmupPairs    {@code push-latency}: pairs of rounds (with and without a stream) run and discarded
     * @param measuredPairs  {@code push-latency}: pairs kept (even, so each side runs first as often)
     * @param roundSeconds   {@code push-latency}: how long the sync load of a round runs
     * @param threads        {@code push-latency}: syncing threads, one driver each
     * @param eventsPerCall  {@code push-latency}: events per sync request
     * @param targetP99Ms    {@code push-latency}: the most the 99th percentile may be
     * @param clients        {@code stream-clients}: concurrent streams
     * @param burstCalls     {@code stream-clients}: sync requests per driver in the burst
     * @param burstThreads   {@code stream-clients}: drivers syncing the burst, each on its own thread
     */
    public record Params(int warmupPairs, int measuredPairs, double roundSeconds, int threads, int eventsPerCall,
                         double targetP99Ms, int clients, int burstCalls, int burstThreads) {
        /** @throws IllegalArgumentException for sizes out of range */
        public Params {
            if (warmupPairs < 0 || measuredPairs < 1 || threads < 1 || eventsPerCall < 1 || clients < 1
                    || burstCalls < 1 || burstThreads < 1 || !(roundSeconds > 0)) {
                throw new IllegalArgumentException("push benchmark sizes out of range");
            }
        }

        /** {@return the full run: 1 warm-up pair, 6 measured pairs of 10 s rounds, 8 threads, 4 events a call; 500 clients, 8 drivers × 25 calls} */
        public static Params full() {
            return new Params(1, 6, 10, 8, 4, 500, 500, 25, 8);
        }

        /** {@return {@code --quick}: 1 warm-up pair, 2 measured pairs of 3 s rounds; 500 clients, 8 drivers × 10 calls} */
        public static Params quick() {
            return new Params(1, 2, 3, 8, 4, 500, 500, 10, 8);
        }

        /** {@return tiny sizes, for tests of the harness (numbers meaningless)} */
        public static Params tiny() {
            return new Params(0, 2, 0.3, 2, 2, 500, 5, 2, 2);
        }

        /**
         * @param n concurrent streams
         * @return these sizes with that many {@code stream-clients}
         */
        public Params withClients(int n) {
            return new Params(warmupPairs, measuredPairs, roundSeconds, threads, eventsPerCall, targetP99Ms, n,
                    burstCalls, burstThreads);
        }
    }

    /**
     * What {@code push-latency} measured.
     *
     * @param store      {@code sqlite} or {@code postgres}
     * @param hosts      1 (SQLite) or 2 (PostgreSQL: synced through one, streamed from the other)
     * @param threads    syncing threads
     * @param withStream events synced per second in each measured round with the stream open
     * @param noStream   the same without a stream, each run next to the round of the same index
     * @param latencies  the stream's latencies over the measured rounds: receipt − the 200 of the
     *                   request that committed the event
     * @param fromSend   the same from the instant that request was sent (an upper bound that
     *                   counts the sync itself)
     * @param targetP99Ms the target
     */
    public record LatencyResult(String store, int hosts, int threads, List<Double> withStream, List<Double> noStream,
                                Latencies latencies, Latencies fromSend, double targetP99Ms) {
        /**
         * @return {@code LATENCY push-latency <store> <threads> p50_ms=… p95_ms=… p99_ms=… max_ms=…
         *         min_ms=… samples=… before_200=… missing=… send_p50_ms=… send_p99_ms=… send_max_ms=…
         *         hosts=… target_p99_ms=… met=yes|NO}
         */
        public String line() {
            Latencies l = latencies;
            return String.format(Locale.ROOT, "LATENCY push-latency %s %d p50_ms=%.1f p95_ms=%.1f p99_ms=%.1f max_ms=%.1f"
                            + " min_ms=%.1f samples=%d before_200=%d missing=%d send_p50_ms=%.1f send_p99_ms=%.1f"
                            + " send_max_ms=%.1f hosts=%d target_p99_ms=%.0f met=%s",
                    store, threads, l.percentile(50), l.percentile(95), l.percentile(99), l.max(),
                    l.samplesMs().isEmpty() ? Double.NaN : l.samplesMs().get(0), l.samplesMs().size(), l.beforeAck(),
                    l.missing(), fromSend.percentile(50), fromSend.percentile(99), fromSend.max(), hosts, targetP99Ms,
                    l.met(targetP99Ms) ? "yes" : "NO");
        }
    }

    // --- push-latency ---------------------------------------------------------------------------

    /**
     * Runs {@code push-latency}: hosts A and B started in this JVM on the database (one host on
     * SQLite), a supervisor's stream on A, {@code threads} drivers syncing through B for a round;
     * rounds with the stream and without it alternate (A B, B A, …).
     *
     * @param params sizes
     * @param db     the database, migrated
     * @param log    progress
     * @return what was measured
     * @throws Exception if a host fails, a sync is not accepted, or a stream does not open
     */
    public static LatencyResult pushLatency(Params params, Db db, PrintStream log) throws Exception {
        Path dir = Files.createTempDirectory("fleetgate-push");
        try {
            Path fixtures = fixtures(dir, 1, params.threads());
            FleetgateSettings settings = FleetgateSettings.fromEnv(env());
            HttpLimits limits = HttpLimits.DEFAULTS.withRate(0, 1).withMaxConnections(2_000);
            try (HttpHost a = HttpHost.start(options(db, fixtures, limits), settings, Clock.systemUTC());
                 HttpHost second = db.shared() ? HttpHost.start(options(db, null, limits), settings, Clock.systemUTC()) : null) {
                HttpHost b = second != null ? second : a;
                String baseA = "http://127.0.0.1:" + a.port();
                String baseB = "http://127.0.0.1:" + b.port();
                HttpClient http = client();
                HttpClient streams = client();
                String supervisor = login(http, baseA, "sup_0", "sup-0-bench");
                Syncer syncer = new Syncer(http, baseB, params.threads(), params.eventsPerCall());
                log.printf(Locale.ROOT, "  push-latency %s: %d host(s), %d drivers syncing %d events a call through %s,"
                        + " the stream on %s%n", db.kind(), second != null ? 2 : 1, params.threads(),
                        params.eventsPerCall(), second != null ? "B" : "it", second != null ? "A" : "it");
                List<Double> with = new ArrayList<>();
                List<Double> without = new ArrayList<>();
                Latencies all = Latencies.none();
                Latencies allFromSend = Latencies.none();
                int pairs = params.warmupPairs() + params.measuredPairs();
                for (int r = 0; r < pairs; r++) {
                    boolean measured = r >= params.warmupPairs();
                    boolean streamFirst = r % 2 == 0;
                    double rateWith = 0;
                    double rateWithout = 0;
                    Latencies round = null;
                    Latencies roundFromSend = null;
                    for (int k = 0; k < 2; k++) {
                        boolean stream = (k == 0) == streamFirst;
                        SseClient s = null;
                        if (stream) {
                            s = SseClient.open(streams, baseA, supervisor, null);
                            int status = s.awaitStatus(10);
                            if (status != 200) {
                                throw new IllegalStateException("the stream answered " + status);
                            }
                        }
                        Map<String, Long> acked = new ConcurrentHashMap<>();
                        Map<String, Long> sent = new ConcurrentHashMap<>();
                        double rate = syncer.run(params.roundSeconds(), acked, sent);
                        if (stream) {
                            drain(s, acked.keySet(), 10);
                            s.close();
                            round = Latencies.match(acked, s.received());
                            roundFromSend = Latencies.match(sent, s.received());
                            rateWith = rate;
                        } else {
                            rateWithout = rate;
                        }
                    }
                    log.printf(Locale.ROOT, "  push-latency %s %2d  stream %8.1f ev/s  no stream %8.1f ev/s  %.3f"
                                    + "  p50 %.1f ms  p99 %.1f ms  max %.1f ms  missing %d%n",
                            measured ? "round " : "warmup", r + 1, rateWith, rateWithout, rateWith / rateWithout,
                            round.percentile(50), round.percentile(99), round.max(), round.missing());
                    if (measured) {
                        with.add(rateWith);
                        without.add(rateWithout);
                        all = all.plus(round);
                        allFromSend = allFromSend.plus(roundFromSend);
                    }
                }
                return new LatencyResult(db.kind(), second != null ? 2 : 1, params.threads(), with, without, all,
                        allFromSend, params.targetP99Ms());
            }
        } finally {
            deleteTree(dir);
        }
    }

    /** Waits until the stream has every id, or {@code seconds} pass. */
    private static void drain(SseClient s, Set<String> ids, double seconds) throws InterruptedException {
        long end = System.nanoTime() + (long) (seconds * 1e9);
        while (System.nanoTime() < end && !s.received().keySet().containsAll(ids)) {
            Thread.sleep(5);
        }
    }

    /**
     * Drivers {@code drv_0…} syncing events through a host, each on a thread of its own: first a
     * {@code ROUTE_STARTED}, then {@code DELAY_REPORTED} and {@code ROUTE_RESUMED} in turn, every
     * one of which must be {@code ACCEPTED}.
     */
    private static final class Syncer {
        private final HttpClient http;
        private final String base;
        private final int eventsPerCall;
        private final String[] tokens;
        private final long[] next;
        private final Instant[] last;
        private final ExecutorService pool;

        Syncer(HttpClient http, String base, int drivers, int eventsPerCall) throws Exception {
            this.http = http;
            this.base = base;
            this.eventsPerCall = eventsPerCall;
            this.tokens = new String[drivers];
            this.next = new long[drivers];
            this.last = new Instant[drivers];
            AtomicInteger n = new AtomicInteger();
            this.pool = Executors.newFixedThreadPool(drivers, r -> {
                Thread t = new Thread(r, "push-sync-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
            for (int d = 0; d < drivers; d++) {
                tokens[d] = login(http, base, "drv_" + d, "drv-" + d + "-bench");
                last[d] = Instant.EPOCH;
                send(d, List.of("ROUTE_STARTED"), null, null);
            }
        }

        /** Syncs for {@code seconds} from every thread; {@return events acknowledged per second} */
        double run(double seconds, Map<String, Long> acked, Map<String, Long> sent) throws Exception {
            int drivers = tokens.length;
            CountDownLatch ready = new CountDownLatch(drivers);
            CountDownLatch go = new CountDownLatch(1);
            AtomicLong events = new AtomicLong();
            List<Future<Long>> done = new ArrayList<>();
            for (int d = 0; d < drivers; d++) {
                int driver = d;
                done.add(pool.submit(() -> {
                    ready.countDown();
                    go.await();
                    long end = System.nanoTime() + (long) (seconds * 1e9);
                    while (System.nanoTime() < end) {
                        List<String> types = new ArrayList<>(eventsPerCall);
                        for (int i = 0; i < eventsPerCall; i++) {
                            types.add(next[driver] % 2 == 0 ? "DELAY_REPORTED" : "ROUTE_RESUMED");
                            next[driver]++;
                        }
                        events.addAndGet(send(driver, types, acked, sent));
                    }
                    return System.nanoTime();
                }));
            }
            ready.await();
            long start = System.nanoTime();
            go.countDown();
            long end = start;
            for (Future<Long> f : done) {
                end = Math.max(end, f.get());
            }
            return events.get() / ((end - start) / 1e9);
        }

        /**
         * Sends one call; every event must be accepted.
         *
         * @param acked gets each event id with the nanoTime its 200 arrived, or {@code null}
         * @param sent  gets each event id with the nanoTime its request was sent, or {@code null}
         * @return the events sent
         */
        int send(int driver, List<String> types, Map<String, Long> acked, Map<String, Long> sent) throws Exception {
            List<Map<String, Object>> events = new ArrayList<>(types.size());
            List<String> ids = new ArrayList<>(types.size());
            Instant at = Instant.now().truncatedTo(ChronoUnit.MICROS).minus(types.size(), ChronoUnit.MICROS);
            for (String type : types) {
                at = at.isAfter(last[driver]) ? at : last[driver].plus(1, ChronoUnit.MICROS);
                last[driver] = at;
                String id = "pl-" + driver + "-" + Long.toString(System.nanoTime(), 36) + "-" + ids.size();
                ids.add(id);
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("event_id", id);
                e.put("batch_id", "b_" + driver);
                e.put("event_type", type);
                e.put("recorded_at", at.toString());
                events.add(e);
                at = at.plus(1, ChronoUnit.MICROS);
            }
            HttpRequest request = post(base + "/v1/driver/events", tokens[driver], Map.of("events", events));
            long sentAt = System.nanoTime();
            HttpResponse<byte[]> r = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            long now = System.nanoTime();
            if (r.statusCode() != 200) {
                throw new IllegalStateException("sync answered " + r.statusCode() + ": " + new String(r.body(), StandardCharsets.UTF_8));
            }
            JsonNode results = JsonIo.parseObject(r.body()).path("results");
            for (JsonNode result : results) {
                if (!"ACCEPTED".equals(result.path("outcome").asText())) {
                    throw new IllegalStateException("an event was not accepted: " + result);
                }
            }
            for (String id : ids) {
                if (acked != null) {
                    acked.put(id, now);
                }
                if (sent != null) {
                    sent.put(id, sentAt);
                }
            }
            return ids.size();
        }
    }

    // --- stream-clients -------------------------------------------------------------------------

    /**
     * What {@code stream-clients} measured.
     *
     * @param store          {@code sqlite} or {@code postgres}
     * @param clients        streams open at once
     * @param changes        events synced in the burst (every client must get each)
     * @param lacking        the sum over clients of events a client never got
     * @param lastChangeMs   from the burst's first request to the last client's last event
     * @param afterLastAckMs from the burst's last 200 to the last client's last event
     * @param heapAfterGcMb  the host's heap in use after a full GC, all streams still open, MiB
     * @param heapMaxMb      the host's heap limit, MiB
     * @param http5xx        5xx answers seen (logins, syncs, streams)
     * @param dropped        streams that ended before the benchmark closed them
     * @param oom            whether the host reported an {@code OutOfMemoryError}
     * @param hostAlive      whether the host was still running at the end
     */
    public record StreamsResult(String store, int clients, int changes, long lacking, double lastChangeMs,
                                double afterLastAckMs, double heapAfterGcMb, double heapMaxMb, int http5xx, int dropped,
                                boolean oom, boolean hostAlive) {
        /** @return whether every client got every change and nothing failed */
        public boolean met() {
            return lacking == 0 && http5xx == 0 && dropped == 0 && !oom && hostAlive;
        }

        /**
         * @return {@code STREAMS stream-clients <store> <clients> changes=… lacking=… last_change_ms=…
         *         after_last_200_ms=… heap_after_gc_mib=… heap_max_mib=… http_5xx=… dropped=… oom=… host_alive=… met=…}
         */
        public String line() {
            return String.format(Locale.ROOT, "STREAMS stream-clients %s %d changes=%d lacking=%d last_change_ms=%.1f"
                            + " after_last_200_ms=%.1f heap_after_gc_mib=%.1f heap_max_mib=%.1f http_5xx=%d dropped=%d oom=%s"
                            + " host_alive=%s met=%s", store, clients, changes, lacking, lastChangeMs, afterLastAckMs,
                    heapAfterGcMb, heapMaxMb, http5xx, dropped, oom ? "yes" : "no", hostAlive ? "yes" : "no",
                    met() ? "yes" : "NO");
        }
    }

    /**
     * Runs {@code stream-clients}: {@code serve} as a child process in {@value #HOST_HEAP} on the
     * database, {@code clients} supervisor streams open at once (ten sessions), then a burst of
     * syncs from {@code burstThreads} drivers; waits until every stream has every event (at most
     * 60 s), then has the host collect its garbage ({@code jcmd GC.run}) and reads its heap from
     * {@code /metrics}, the streams still open.
     *
     * @param params sizes
     * @param db     the database, migrated (on SQLite the file must not be in use by another host)
     * @param log    progress
     * @return what was measured
     * @throws Exception if the host does not start or a login fails
     */
    public static StreamsResult streamClients(Params params, Db db, PrintStream log) throws Exception {
        Path dir = Files.createTempDirectory("fleetgate-streams");
        int sessions = 10;
        int perSession = (params.clients() + sessions - 1) / sessions;
        String metricsToken = randomToken();
        Process host = null;
        List<SseClient> streams = new ArrayList<>();
        try {
            Path fixtures = fixtures(dir, sessions, params.burstThreads());
            Path stderr = dir.resolve("host.err");
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    HOST_HEAP, "-XX:+ExitOnOutOfMemoryError", "-cp", System.getProperty("java.class.path"),
                    "io.fleetgate.examples.Main", "serve", "--port", "0", "--db", db.url(), "--fixtures", fixtures.toString()));
            ProcessBuilder pb = new ProcessBuilder();
            Map<String, String> env = pb.environment();
            env.putAll(env());
            if (db.user() != null) {
                command.addAll(List.of("--db-user", db.user()));
                env.put(ServeOptions.DB_PASSWORD_ENV, db.password());
            }
            if (db.ownerUser() != null) {
                command.addAll(List.of("--db-owner-user", db.ownerUser()));
                env.put(ServeOptions.DB_OWNER_PASSWORD_ENV, db.ownerPassword());
            }
            env.put(HttpLimits.WAITERS_PER_SESSION, Integer.toString(perSession));
            env.put(HttpLimits.MAX_CONNECTIONS, Integer.toString(params.clients() + 500));
            env.put(HttpLimits.RATE_LIMIT_PER_S, "0");
            env.put(ServeOptions.POSITION_SWEEP_ENV, "0");
            env.put(ServeOptions.METRICS_TOKEN_ENV, metricsToken);
            pb.command(command).redirectError(stderr.toFile());
            host = pb.start();
            String base = awaitListening(host, 60);
            log.printf(Locale.ROOT, "  stream-clients %s: serve %s pid %d at %s, %d streams over %d sessions (%s=%d)%n",
                    db.kind(), HOST_HEAP, host.pid(), base, params.clients(), sessions, HttpLimits.WAITERS_PER_SESSION,
                    perSession);
            HttpClient http = client();
            AtomicInteger fiveXx = new AtomicInteger();
            String[] tokens = new String[sessions];
            for (int i = 0; i < sessions; i++) {
                tokens[i] = login(http, base, "sup_" + i, "sup-" + i + "-bench");
            }
            Syncer syncer = new Syncer(http, base, params.burstThreads(), 4);
            String head = head(http, base, tokens[0]);
            HttpClient streamClient = client();
            for (int c = 0; c < params.clients(); c++) {
                streams.add(SseClient.open(streamClient, base, tokens[c % sessions], head));
            }
            for (SseClient s : streams) {
                int status = s.awaitStatus(60);
                if (status >= 500) {
                    fiveXx.incrementAndGet();
                } else if (status != 200) {
                    throw new IllegalStateException("a stream answered " + status);
                }
            }
            log.printf(Locale.ROOT, "  stream-clients: %d streams open; burst: %d drivers x %d calls of 4 events%n",
                    streams.size(), params.burstThreads(), params.burstCalls());
            Map<String, Long> acked = new ConcurrentHashMap<>();
            long burstStart = System.nanoTime();
            ExecutorService pool = Executors.newFixedThreadPool(params.burstThreads());
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int d = 0; d < params.burstThreads(); d++) {
                    int driver = d;
                    done.add(pool.submit(() -> {
                        for (int i = 0; i < params.burstCalls(); i++) {
                            List<String> types = new ArrayList<>();
                            for (int k = 0; k < 4; k++) {
                                types.add(k % 2 == 0 ? "DELAY_REPORTED" : "ROUTE_RESUMED");
                            }
                            syncer.send(driver, types, acked, null);
                        }
                        return null;
                    }));
                }
                for (Future<?> f : done) {
                    f.get();
                }
            } finally {
                pool.shutdownNow();
            }
            long lastAck = Collections.max(acked.values());
            Set<String> expected = new HashSet<>(acked.keySet());
            long end = System.nanoTime() + 60_000_000_000L;
            while (System.nanoTime() < end && streams.stream().anyMatch(s -> !s.received().keySet().containsAll(expected)
                    && !s.dropped())) {
                Thread.sleep(20);
            }
            long lacking = 0;
            long last = 0;
            for (SseClient s : streams) {
                lacking += Latencies.lacking(expected, s.received().keySet());
                for (String id : expected) {
                    Long at = s.received().get(id);
                    if (at != null) {
                        last = Math.max(last, at);
                    }
                }
            }
            boolean alive = host.isAlive();
            double[] heap = alive ? heapAfterGc(host.pid(), http, base, metricsToken) : new double[] {Double.NaN, Double.NaN};
            int dropped = (int) streams.stream().filter(SseClient::dropped).count();
            alive = alive && host.isAlive();
            boolean oom = Files.readString(stderr).contains("OutOfMemoryError");
            return new StreamsResult(db.kind(), streams.size(), expected.size(), lacking, (last - burstStart) / 1e6,
                    (last - lastAck) / 1e6, heap[0], heap[1], fiveXx.get(), dropped, oom, alive);
        } finally {
            streams.forEach(SseClient::close);
            if (host != null) {
                host.destroy();
                if (!host.waitFor(30, TimeUnit.SECONDS)) {
                    host.destroyForcibly();
                }
            }
            deleteTree(dir);
        }
    }

    /** {@return the base URL the child prints once it serves}; its standard output is drained to the end meanwhile */
    private static String awaitListening(Process host, int seconds) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(host.getInputStream(), StandardCharsets.UTF_8));
        java.util.concurrent.CompletableFuture<String> base = new java.util.concurrent.CompletableFuture<>();
        Thread drain = new Thread(() -> {
            try {
                String l;
                while ((l = out.readLine()) != null) {
                    if (!base.isDone() && l.startsWith("listening on ")) {
                        base.complete(l.substring("listening on ".length()).strip());
                    }
                }
            } catch (IOException e) {
                base.completeExceptionally(e);
            } finally {
                base.complete(null);
            }
        }, "serve-stdout");
        drain.setDaemon(true);
        drain.start();
        String url = base.get(seconds, TimeUnit.SECONDS);
        if (url == null) {
            throw new IllegalStateException("serve exited with " + host.waitFor() + " before listening");
        }
        return url;
    }

    /** {@return the heap in use after a full GC and the heap's limit, in MiB, from {@code jcmd} and {@code /metrics}} */
    private static double[] heapAfterGc(long pid, HttpClient http, String base, String token) throws Exception {
        Process gc = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(pid), "GC.run").redirectErrorStream(true).start();
        String gcOut = new String(gc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!gc.waitFor(60, TimeUnit.SECONDS) || gc.exitValue() != 0) {
            throw new IllegalStateException("jcmd GC.run failed: " + gcOut);
        }
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics"))
                .header("Authorization", "Bearer " + token).timeout(TIMEOUT).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("/metrics answered " + r.statusCode());
        }
        return new double[] {heapSum(r.body(), "jvm_memory_used_bytes") / MIB, heapSum(r.body(), "jvm_memory_max_bytes") / MIB};
    }

    /** {@return the sum of a Prometheus gauge's {@code area="heap"} series (negative values, "no limit", skipped)} */
    static double heapSum(String metrics, String name) {
        double sum = 0;
        for (String line : metrics.split("\n")) {
            if (line.startsWith(name + "{") && line.contains("area=\"heap\"")) {
                double v = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                if (v > 0) {
                    sum += v;
                }
            }
        }
        return sum;
    }

    /** {@return the cursor after the newest change a supervisor sees} */
    private static String head(HttpClient http, String base, String token) throws Exception {
        String after = null;
        while (true) {
            HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/supervisor/changes?limit=1000"
                            + (after == null ? "" : "&after=" + after))).header("Authorization", "Bearer " + token)
                    .timeout(TIMEOUT).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("changes answered " + r.statusCode());
            }
            JsonNode page = JsonIo.parseObject(r.body());
            after = page.path("next").asText();
            if (page.path("changes").isEmpty()) {
                return after;
            }
        }
    }

    // --- shared ---------------------------------------------------------------------------------

    private static HttpClient client() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
    }

    private static HttpRequest post(String url, String token, Object body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(JsonIo.write(body)));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return b.build();
    }

    /** {@return a bearer token for the user} */
    private static String login(HttpClient http, String base, String username, String device) throws Exception {
        HttpResponse<byte[]> r = http.send(post(base + "/v1/auth/login", null, Map.of("username", username, "pin", PIN,
                "device_id", device)), HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("login " + username + " answered " + r.statusCode());
        }
        return JsonIo.parseObject(r.body()).path("token").asText();
    }

    /** The settings both hosts share: a fixed signing secret and pepper, cheap PIN hashes (logins are not measured). */
    private static Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put(FleetgateSettings.PIN_HASH_ITERATIONS, "1000");
        env.put(FleetgateSettings.SESSION_IDLE_TIMEOUT_MIN, "1440");
        env.put(FleetgateSettings.SIGNING_SECRET, SIGNING_SECRET);
        env.put(FleetgateSettings.PIN_PEPPER, PEPPER);
        return env;
    }

    private static ServeOptions options(Db db, Path fixtures, HttpLimits limits) {
        return new ServeOptions(0, db.url(), db.user(), db.password(), fixtures, db.ownerUser(), db.ownerPassword(),
                limits, Duration.ZERO);
    }

    /** Writes fixtures: one workspace, supervisors {@code sup_0…}, drivers {@code drv_0…} each with batch {@code b_N}. */
    private static Path fixtures(Path dir, int supervisors, int drivers) throws IOException {
        StringBuilder users = new StringBuilder();
        StringBuilder batches = new StringBuilder();
        for (int i = 0; i < supervisors; i++) {
            users.append(users.isEmpty() ? "" : ", ").append("{\"id\": \"s_").append(i).append("\", \"username\": \"sup_")
                    .append(i).append("\", \"pin\": \"").append(PIN).append("\", \"role\": \"SUPERVISOR\", \"workspace_id\": \"")
                    .append(WORKSPACE).append("\"}");
        }
        for (int i = 0; i < drivers; i++) {
            users.append(", {\"id\": \"d_").append(i).append("\", \"username\": \"drv_").append(i).append("\", \"pin\": \"")
                    .append(PIN).append("\", \"role\": \"DRIVER\", \"workspace_id\": \"").append(WORKSPACE).append("\"}");
            batches.append(batches.isEmpty() ? "" : ", ").append("{\"id\": \"b_").append(i).append("\", \"workspace_id\": \"")
                    .append(WORKSPACE).append("\", \"driver_id\": \"d_").append(i)
                    .append("\", \"stops\": [{\"lat\": 30.27, \"lng\": -97.74, \"radius_m\": 100},"
                            + " {\"lat\": 30.2801, \"lng\": -97.7392, \"radius_m\": 100}]}");
        }
        Path file = dir.resolve("push-fixtures.json");
        Files.writeString(file, "{\"workspaces\": [{\"id\": \"" + WORKSPACE + "\", \"name\": \"Push\"}], \"users\": ["
                + users + "], \"batches\": [" + batches + "]}");
        return file;
    }

    private static String randomToken() {
        byte[] b = new byte[32];
        new SecureRandom().nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var files = Files.walk(dir)) {
            for (Path p : files.sorted(Collections.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
