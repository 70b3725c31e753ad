package io.fleetgate.examples.http;

import io.fleetgate.FleetgateSettings;

import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The {@code login-flood} benchmark: how much a flood of logins slows a normal authenticated
 * request. It starts the HTTP host in-process on a new SQLite file, with the host's rate limit off
 * (so that every login reaches the PIN-hashing lane) and the per-name and per-source lock limits at
 * their largest (a botnet with many addresses and names), enrols users with the given PBKDF2
 * iterations, and times one client's active-session poll ({@code GET /v1/exclusive/active}) in
 * rounds that alternate idle, flood, flood, idle, …; during a flood round {@code clients} threads
 * keep sending logins (right PINs, wrong PINs of enrolled names, wrong PINs of unknown names) and
 * retry at once whatever the answer. Not thread-safe; stateless between runs.
 */
public final class LoginFlood {
    private static final String PIN = "482193";
    private static final String WRONG_PIN = "000000";
    private static final int FLOOD_USERS = 4;

    /**
     * How the flood is measured.
     *
     * @param warmupPairs     idle and flood rounds run first and discarded
     * @param measuredPairs   idle and flood rounds kept, each
     * @param roundSeconds    how long a round times probes
     * @param clients         concurrent flood clients
     * @param hashIterations  PBKDF2 iterations of the enrolled PINs (the production default: 600,000)
     */
    public record Params(int warmupPairs, int measuredPairs, double roundSeconds, int clients, int hashIterations) {
        /** @throws IllegalArgumentException without a measured pair or a client */
        public Params {
            if (measuredPairs < 1 || clients < 1 || warmupPairs < 0) {
                throw new IllegalArgumentException("need a measured pair and a client");
            }
        }

        /** {@return the full run: 1 warm-up pair, 4 measured pairs of 3 s rounds, 120 clients, 600,000 iterations} */
        public static Params full() {
            return new Params(1, 4, 3.0, 120, 600_000);
        }

        /** {@return {@code --quick}: 1 warm-up pair, 3 measured pairs of 1.5 s rounds, 100 clients, 600,000 iterations} */
        public static Params quick() {
            return new Params(1, 3, 1.5, 100, 600_000);
        }

        /** {@return tiny sizes, for tests of the harness (numbers meaningless)} */
        public static Params tiny() {
            return new Params(0, 1, 0.2, 4, 1_000);
        }
    }

    private LoginFlood() {
    }

    /**
     * Runs the benchmark.
     *
     * @param params sizes
     * @param env    where {@code LOGIN_HASH_CONCURRENCY} and {@code LOGIN_HASH_QUEUE} are read from
     *               (absent: their defaults)
     * @param log    where progress goes
     * @return {@code RESULT login-flood sqlite <clients> idle_median_ms=… idle_p95_ms=…
     *         flood_median_ms=… flood_p95_ms=… ratio=… logins_200=… logins_401=…
     *         logins_429_busy=… logins_other=… hash_concurrency=… hash_queue=…}
     * @throws Exception if the host cannot start or a probe is not answered 200
     */
    public static String run(Params params, Map<String, String> env, PrintStream log) throws Exception {
        Path dir = Files.createTempDirectory("fleetgate-login-flood");
        try {
            return run(params, env, log, dir);
        } finally {
            try (var files = Files.walk(dir)) {
                for (Path p : files.sorted(Collections.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private static String run(Params params, Map<String, String> env, PrintStream log, Path dir) throws Exception {
        Map<String, String> values = new HashMap<>();
        for (String name : List.of(FleetgateSettings.LOGIN_HASH_CONCURRENCY, FleetgateSettings.LOGIN_HASH_QUEUE)) {
            if (env.get(name) != null) {
                values.put(name, env.get(name));
            }
        }
        values.put(FleetgateSettings.LOGIN_MAX_ATTEMPTS, "100");
        values.put(FleetgateSettings.LOGIN_SOURCE_MAX_ATTEMPTS, "10000");
        values.put(FleetgateSettings.PIN_HASH_ITERATIONS, Integer.toString(params.hashIterations()));
        values.put(FleetgateSettings.SIGNING_SECRET, "bG9naW4tZmxvb2QtYmVuY2htYXJrLXNpZ25pbmcta2V5");
        values.put(FleetgateSettings.PIN_PEPPER, "bG9naW4tZmxvb2QtcGVwcGVy");
        FleetgateSettings settings = FleetgateSettings.fromEnv(values);
        Path fixtures = dir.resolve("fixtures.json");
        StringBuilder users = new StringBuilder("{\"id\": \"d_probe\", \"username\": \"probe\", \"pin\": \"" + PIN
                + "\", \"role\": \"DRIVER\", \"workspace_id\": \"ws_1\"}");
        for (int i = 0; i < FLOOD_USERS; i++) {
            users.append(", {\"id\": \"u_").append(i).append("\", \"username\": \"flood").append(i)
                    .append("\", \"pin\": \"").append(PIN).append("\", \"role\": \"MEMBER\", \"workspace_id\": \"ws_1\"}");
        }
        Files.writeString(fixtures, "{\"workspaces\": [{\"id\": \"ws_1\", \"name\": \"Flood\"}], \"users\": ["
                + users + "]}");
        HttpLimits limits = HttpLimits.from(Map.of(HttpLimits.RATE_LIMIT_PER_S, "0"));
        ServeOptions options = new ServeOptions(0, "jdbc:sqlite:" + dir.resolve("flood.db"), null, null, fixtures)
                .withLimits(limits);
        log.printf(Locale.ROOT, "  login-flood: starting the host (%d PBKDF2 iterations, %s=%d, %s=%d, rate limit off)%n",
                params.hashIterations(), FleetgateSettings.LOGIN_HASH_CONCURRENCY, settings.loginHashConcurrency(),
                FleetgateSettings.LOGIN_HASH_QUEUE, settings.loginHashQueue());
        try (HttpHost host = HttpHost.start(options, settings, Clock.systemUTC())) {
            String base = "http://127.0.0.1:" + host.port();
            HttpClient probeClient = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(10)).build();
            HttpResponse<String> login = probeClient.send(login(base, "probe", PIN, "probe-phone"),
                    HttpResponse.BodyHandlers.ofString());
            if (login.statusCode() != 200) {
                throw new IllegalStateException("the probe's login got " + login.statusCode() + ": " + login.body());
            }
            String token = JsonIo.parseObject(login.body().getBytes(java.nio.charset.StandardCharsets.UTF_8))
                    .get("token").asText();
            HttpRequest poll = HttpRequest.newBuilder(URI.create(base + "/v1/exclusive/active"))
                    .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(30)).GET().build();
            try (Flood flood = new Flood(base, params.clients())) {
                List<Double> idle = new ArrayList<>();
                List<Double> flooded = new ArrayList<>();
                int pairs = params.warmupPairs() + params.measuredPairs();
                for (int r = 0; r < 2 * pairs; r++) {
                    boolean floodRound = r % 4 == 1 || r % 4 == 2;
                    boolean measured = r >= 2 * params.warmupPairs();
                    if (floodRound) {
                        flood.start();
                    } else {
                        flood.stopAndDrain();
                    }
                    List<Double> samples = probe(probeClient, poll, params.roundSeconds());
                    if (measured) {
                        (floodRound ? flooded : idle).addAll(samples);
                    }
                    log.printf(Locale.ROOT, "  login-flood %s %-5s probes %5d  median %8.2f ms  p95 %8.2f ms%n",
                            measured ? "round " : "warmup", floodRound ? "flood" : "idle", samples.size(),
                            percentile(samples, 50), percentile(samples, 95));
                }
                flood.stopAndDrain();
                if (flooded.isEmpty() || idle.isEmpty()) {
                    throw new IllegalStateException("no probe samples");
                }
                double idleMedian = percentile(idle, 50);
                double floodMedian = percentile(flooded, 50);
                return String.format(Locale.ROOT, "RESULT login-flood sqlite %d idle_median_ms=%.3f idle_p95_ms=%.3f"
                                + " flood_median_ms=%.3f flood_p95_ms=%.3f ratio=%.3f logins_200=%d logins_401=%d"
                                + " logins_429_busy=%d logins_other=%d hash_concurrency=%d hash_queue=%d",
                        params.clients(), idleMedian, percentile(idle, 95), floodMedian, percentile(flooded, 95),
                        floodMedian / idleMedian, flood.ok.get(), flood.wrong.get(), flood.busy.get(),
                        flood.other.get(), settings.loginHashConcurrency(), settings.loginHashQueue());
            }
        }
    }

    /** {@return the latencies in ms of the polls sent one after another for {@code seconds}} */
    private static List<Double> probe(HttpClient client, HttpRequest poll, double seconds) throws Exception {
        List<Double> samples = new ArrayList<>();
        long end = System.nanoTime() + (long) (seconds * 1e9);
        while (System.nanoTime() < end || samples.isEmpty()) {
            long start = System.nanoTime();
            HttpResponse<String> r = client.send(poll, HttpResponse.BodyHandlers.ofString());
            long took = System.nanoTime() - start;
            if (r.statusCode() != 200) {
                throw new IllegalStateException("the probe got " + r.statusCode() + ": " + r.body());
            }
            samples.add(took / 1e6);
        }
        return samples;
    }

    private static HttpRequest login(String base, String username, String pin, String device) {
        return HttpRequest.newBuilder(URI.create(base + "/v1/auth/login")).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"username\": \"" + username + "\", \"pin\": \"" + pin
                        + "\", \"device_id\": \"" + device + "\"}"))
                .build();
    }

    /**
     * @param samples values, not empty
     * @param p       0 to 100
     * @return the p-th percentile, interpolated linearly between the nearest ranks
     */
    static double percentile(List<Double> samples, double p) {
        List<Double> sorted = new ArrayList<>(samples);
        Collections.sort(sorted);
        double rank = p / 100.0 * (sorted.size() - 1);
        int lo = (int) Math.floor(rank);
        int hi = (int) Math.ceil(rank);
        return sorted.get(lo) + (sorted.get(hi) - sorted.get(lo)) * (rank - lo);
    }

    /** The flood clients: threads that send logins while on, counting the answers. */
    private static final class Flood implements AutoCloseable {
        final AtomicLong ok = new AtomicLong();
        final AtomicLong wrong = new AtomicLong();
        final AtomicLong busy = new AtomicLong();
        final AtomicLong other = new AtomicLong();
        private final AtomicInteger inFlight = new AtomicInteger();
        private final Object lock = new Object();
        private final List<Thread> threads = new ArrayList<>();
        private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        private boolean on;
        private boolean closed;

        Flood(String base, int clients) {
            for (int c = 0; c < clients; c++) {
                int id = c;
                Thread t = new Thread(() -> loop(base, id), "login-flood-" + c);
                t.setDaemon(true);
                threads.add(t);
                t.start();
            }
        }

        private void loop(String base, int id) {
            for (long k = 0; ; k++) {
                synchronized (lock) {
                    while (!on && !closed) {
                        try {
                            lock.wait();
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                    if (closed) {
                        return;
                    }
                    inFlight.incrementAndGet();
                }
                try {
                    String user = "flood" + ((id + k) % FLOOD_USERS);
                    HttpRequest request = switch ((int) (k % 4)) {
                        case 0 -> login(base, user, PIN, "flood-device-" + user);
                        case 1 -> login(base, user, WRONG_PIN, "flood-device-" + user);
                        default -> login(base, "nobody-" + id + "-" + k, WRONG_PIN, "flood-device-" + id);
                    };
                    HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() == 200) {
                        ok.incrementAndGet();
                    } else if (r.statusCode() == 401) {
                        wrong.incrementAndGet();
                    } else if (r.statusCode() == 429 && r.body().contains("\"login_busy\"")) {
                        busy.incrementAndGet();
                    } else {
                        other.incrementAndGet();
                    }
                } catch (InterruptedException e) {
                    return;
                } catch (Exception e) {
                    other.incrementAndGet();
                } finally {
                    inFlight.decrementAndGet();
                }
            }
        }

        /** Lets the clients send, and waits until all of them have a login in flight or answered. */
        void start() throws InterruptedException {
            synchronized (lock) {
                on = true;
                lock.notifyAll();
            }
            long settle = System.nanoTime() + 2_000_000_000L;
            while (inFlight.get() < threads.size() / 2 && System.nanoTime() < settle) {
                Thread.sleep(5);
            }
        }

        /** Stops the clients and waits until no login is in flight. */
        void stopAndDrain() throws InterruptedException {
            synchronized (lock) {
                on = false;
            }
            while (inFlight.get() > 0) {
                Thread.sleep(5);
            }
        }

        @Override
        public void close() throws InterruptedException {
            synchronized (lock) {
                on = false;
                closed = true;
                lock.notifyAll();
            }
            for (Thread t : threads) {
                t.join(60_000);
            }
        }
    }
}
