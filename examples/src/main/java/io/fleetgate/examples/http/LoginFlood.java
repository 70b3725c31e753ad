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

/**
 * The {@code login-flood} benchmark: how much a flood of logins slows a normal authenticated
 * request. It starts the HTTP host in-process on a new SQLite file, with the host's rate limit off
 * (so that every login reaches the PIN-hashing lane) and the per-name and per-source lock limits at
 * their largest (a botnet with many addresses and names), enrols users with the given PBKDF2
 * iterations, and times one client's active-session poll ({@code GET /v1/exclusive/active}) in
 * rounds that alternate idle, flood, flood, idle, …; during a flood round the attacker
 * ({@link LoginFloodClient}, a process of its own) keeps {@code clients} logins in flight (right
 * PINs, wrong PINs of enrolled names, wrong PINs of unknown names), retrying at once whatever the
 * answer.
 *
 * <p><b>Where the attacker runs.</b> A real flood comes from other machines: its own CPU is not
 * the host's. On one machine the attacker's HTTP client costs more CPU than the host spends
 * refusing it, so at equal priority the probe measures how the kernel shares two cores between
 * the host and the attacker rather than what the host does. By default the attacker therefore
 * runs at the lowest priority ({@code nice 19}): it still keeps every client's login in flight and
 * the hashing lane full, but takes only CPU the host leaves. {@code --flood-nice 0} runs it at the
 * host's priority. Not thread-safe; stateless between runs.
 */
public final class LoginFlood {
    private static final String PIN = LoginFloodClient.PIN;

    /**
     * How the flood is measured.
     *
     * @param warmupPairs     idle and flood rounds run first and discarded
     * @param measuredPairs   idle and flood rounds kept, each
     * @param roundSeconds    how long a round times probes
     * @param clients         concurrent flood clients
     * @param hashIterations  PBKDF2 iterations of the enrolled PINs (the production default: 600,000)
     * @param nice            the attacker process's niceness, 0 (the host's priority) to 19 (the lowest)
     */
    public record Params(int warmupPairs, int measuredPairs, double roundSeconds, int clients, int hashIterations,
                         int nice) {
        /** @throws IllegalArgumentException without a measured pair or a client, or for a niceness out of range */
        public Params {
            if (measuredPairs < 1 || clients < 1 || warmupPairs < 0) {
                throw new IllegalArgumentException("need a measured pair and a client");
            }
            if (nice < 0 || nice > 19) {
                throw new IllegalArgumentException("--flood-nice must be between 0 and 19, got " + nice);
            }
        }

        /** {@return the full run: 1 warm-up pair, 4 measured pairs of 3 s rounds, 120 clients, 600,000 iterations, nice 19} */
        public static Params full() {
            return new Params(1, 4, 3.0, 120, 600_000, 19);
        }

        /** {@return {@code --quick}: 1 warm-up pair, 3 measured pairs of 1.5 s rounds, 100 clients, 600,000 iterations, nice 19} */
        public static Params quick() {
            return new Params(1, 3, 1.5, 100, 600_000, 19);
        }

        /** {@return tiny sizes, for tests of the harness (numbers meaningless)} */
        public static Params tiny() {
            return new Params(0, 1, 0.2, 4, 1_000, 19);
        }

        /**
         * @param value the attacker's niceness
         * @return these sizes with it
         */
        public Params withNice(int value) {
            return new Params(warmupPairs, measuredPairs, roundSeconds, clients, hashIterations, value);
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
     *         logins_429_busy=… logins_429_locked=… logins_other=… hash_concurrency=… hash_queue=… flood_nice=…}
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
        for (int i = 0; i < LoginFloodClient.BENCH_USERS.size(); i++) {
            users.append(", {\"id\": \"u_").append(i).append("\", \"username\": \"")
                    .append(LoginFloodClient.BENCH_USERS.get(i))
                    .append("\", \"pin\": \"").append(PIN).append("\", \"role\": \"MEMBER\", \"workspace_id\": \"ws_1\"}");
        }
        Files.writeString(fixtures, "{\"workspaces\": [{\"id\": \"ws_1\", \"name\": \"Flood\"}], \"users\": ["
                + users + "]}");
        HttpLimits limits = HttpLimits.from(Map.of(HttpLimits.RATE_LIMIT_PER_S, "0"));
        ServeOptions options = new ServeOptions(0, "jdbc:sqlite:" + dir.resolve("flood.db"), null, null, fixtures)
                .withLimits(limits);
        log.printf(Locale.ROOT, "  login-flood: starting the host (%d PBKDF2 iterations, %s=%d, %s=%d, rate limit off;"
                        + " the attacker at nice %d)%n", params.hashIterations(), FleetgateSettings.LOGIN_HASH_CONCURRENCY, settings.login().hashConcurrency(),
                FleetgateSettings.LOGIN_HASH_QUEUE, settings.login().hashQueue(), params.nice());
        try (HttpHost host = HttpHost.start(options, settings, Clock.systemUTC())) {
            String base = "http://127.0.0.1:" + host.port();
            HttpClient probeClient = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(10)).build();
            HttpResponse<String> login = probeClient.send(LoginFloodClient.login(base, "probe", PIN, "probe-phone"),
                    HttpResponse.BodyHandlers.ofString());
            if (login.statusCode() != 200) {
                throw new IllegalStateException("the probe's login got " + login.statusCode() + ": " + login.body());
            }
            String token = JsonIo.parseObject(login.body().getBytes(java.nio.charset.StandardCharsets.UTF_8))
                    .get("token").asText();
            HttpRequest poll = HttpRequest.newBuilder(URI.create(base + "/v1/exclusive/active"))
                    .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(30)).GET().build();
            try (Flood flood = new Flood(base, params.clients(), params.nice())) {
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
                                + " logins_429_busy=%d logins_429_locked=%d logins_other=%d hash_concurrency=%d hash_queue=%d flood_nice=%d",
                        params.clients(), idleMedian, percentile(idle, 95), floodMedian, percentile(flooded, 95),
                        floodMedian / idleMedian, flood.ok, flood.wrong, flood.busy, flood.locked, flood.other,
                        settings.login().hashConcurrency(), settings.login().hashQueue(), params.nice());
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

    /**
     * The attacker's process ({@link LoginFloodClient}), started at the given niceness, driven
     * over its standard input and output.
     */
    private static final class Flood implements AutoCloseable {
        long ok;
        long wrong;
        long busy;
        long locked;
        long other;
        private final Process process;
        private final PrintStream commands;
        private final java.io.BufferedReader answers;

        Flood(String base, int clients, int nice) throws java.io.IOException {
            List<String> command = new ArrayList<>();
            if (nice > 0) {
                command.addAll(List.of("nice", "-n", Integer.toString(nice)));
            }
            command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx256m", "-cp", codeSource(), LoginFloodClient.class.getName(), base, Integer.toString(clients)));
            process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            commands = new PrintStream(process.getOutputStream(), true, java.nio.charset.StandardCharsets.UTF_8);
            answers = new java.io.BufferedReader(new java.io.InputStreamReader(process.getInputStream(),
                    java.nio.charset.StandardCharsets.UTF_8));
        }

        private static String codeSource() {
            try {
                return Path.of(LoginFloodClient.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                        .toString();
            } catch (java.net.URISyntaxException e) {
                throw new IllegalStateException("cannot locate the flood client's classes", e);
            }
        }

        /** Lets the clients send; returns once half of them have a login in flight. */
        void start() throws java.io.IOException {
            ask("on");
        }

        /** Stops the clients, waits until no login is in flight, and takes the counts. */
        void stopAndDrain() throws java.io.IOException {
            String[] counts = ask("off").split(" ");
            ok = Long.parseLong(counts[1]);
            wrong = Long.parseLong(counts[2]);
            busy = Long.parseLong(counts[3]);
            locked = Long.parseLong(counts[4]);
            other = Long.parseLong(counts[5]);
        }

        private String ask(String command) throws java.io.IOException {
            commands.println(command);
            String answer = answers.readLine();
            if (answer == null || !answer.startsWith(command)) {
                throw new IllegalStateException("the flood client answered '" + answer + "' to " + command
                        + (answer == null ? " (it exited)" : ""));
            }
            return answer;
        }

        @Override
        public void close() throws InterruptedException {
            commands.println("quit");
            commands.close();
            if (!process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
