package io.fleetgate.examples.torture;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;

/**
 * The mixed write load of the crash and outage scenarios: one worker per driver of the torture
 * fixtures ({@code examples/fixtures/torture.json}), each repeating activate, complete and a sync
 * of one to three random events on its own batch, on the hosts in turn. Every answer is
 * classified: a 2xx (its writes go to the {@link Ledger}), an expected conflict
 * ({@code ACTIVE_SESSION_EXISTS}, {@code NOT_ACTIVE}), a failure the {@link Faults} allow, or a
 * violation. Activations carry a fresh {@code intent_session_id} and events fresh ids, so that
 * a 503 (which promises nothing was done) can be checked too: the ledger keeps them as refused. Thread-safe; each {@link #run} has its own state.
 */
final class Load {
    /** The drivers of {@code examples/fixtures/torture.json}: username {@code driverN}, id {@code d_N}, batch {@code b_N}. */
    static final int DRIVERS = 6;
    /** Every torture user's PIN. */
    static final String PIN = "482193";
    private static final double[][] STOPS = {{30.27, -97.74}, {30.2801, -97.7392}};
    private static final List<String> EVENT_TYPES = List.of("ROUTE_STARTED", "ARRIVED_AT_STOP", "DEPARTED_STOP",
            "DELAY_REPORTED", "ROUTE_RESUMED", "PROOF_CAPTURED", "ROUTE_CANCELLED");
    private static final Set<String> CONFLICTS = Set.of("ACTIVE_SESSION_EXISTS", "NOT_ACTIVE");

    /** What the scenario does to the system while the load runs, hence which failures are allowed. */
    enum Faults {
        /** Nothing: every answer must be a 2xx or an expected conflict. */
        NONE,
        /** The host is killed: a failed connection ends the worker that saw it. */
        HOST_KILLED,
        /** The database goes away: 503 {@code STORE_UNAVAILABLE} is allowed, nothing else. */
        STORE_DOWN,
        /**
         * The primary goes away and an asynchronous standby takes over, so the last acknowledged
         * writes may be lost: as {@link #STORE_DOWN}, and a completion of a session the new primary
         * never heard of may be answered 404 {@code NOT_FOUND}.
         */
        STORE_LOST
    }

    /**
     * One answer on the wall clock (epoch milliseconds, comparable with the script's {@code date
     * +%s%3N}): when the request was sent and answered, and whether it was a success (a 2xx or an
     * expected conflict), a 503 or anything else.
     */
    record Timed(long sentMillis, long answeredMillis, Kind kind) {
    }

    /** What an answer was, for {@link Timed}. */
    enum Kind {
        /** A 2xx or an expected conflict. */
        SUCCESS,
        /** 503 {@code STORE_UNAVAILABLE}. */
        UNAVAILABLE,
        /** Anything else (a violation unless the faults allow it). */
        OTHER
    }

    /** What a run did: operations, answers by kind, the acknowledged writes and the violations seen. */
    static final class Stats {
        final LongAdder ops = new LongAdder();
        final Map<String, LongAdder> answers = new ConcurrentHashMap<>();
        final Ledger ledger = new Ledger();
        final LongAccumulator slowest = new LongAccumulator(Math::max, 0);
        /** Every answer on the wall clock, in no particular order. */
        final Queue<Timed> timeline = new ConcurrentLinkedQueue<>();

        long count(String answer) {
            LongAdder n = answers.get(answer);
            return n == null ? 0 : n.sum();
        }

        /** @return the slowest answer, e.g. {@code 9.8s} */
        String slowest() {
            return String.format(Locale.ROOT, "%.1fs", slowest.get() / 1000.0);
        }

        /** @return e.g. {@code 200:41,201:12,503_STORE_UNAVAILABLE:7} */
        String answers() {
            StringBuilder s = new StringBuilder();
            new TreeMap<>(answers).forEach((k, v) -> s.append(s.length() == 0 ? "" : ",").append(k.replace(' ', '_'))
                    .append(':').append(v.sum()));
            return s.toString();
        }
    }

    private Load() {
    }

    /** @return username of driver {@code n} (1-based) */
    static String username(int n) {
        return "driver" + n;
    }

    /**
     * Logs every torture driver in once, on the hosts in turn.
     *
     * @return the tokens, by driver number - 1
     */
    static List<String> tokens(Client client) {
        List<String> tokens = new ArrayList<>();
        for (int n = 1; n <= DRIVERS; n++) {
            tokens.add(client.token(n, username(n), PIN, "torture-" + n, 60));
        }
        return tokens;
    }

    /**
     * Runs the load until {@code deadlineNanos} (System.nanoTime) has passed and at least
     * {@code minOps} requests were sent, or until {@code maxOps} were sent; with {@link Faults#HOST_KILLED} a worker also stops at its
     * first failed connection.
     */
    static Stats run(Client client, List<String> tokens, Faults faults, long deadlineNanos, long minOps, long maxOps)
            throws InterruptedException {
        Stats stats = new Stats();
        ExecutorService pool = Executors.newFixedThreadPool(tokens.size());
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int i = 0; i < tokens.size(); i++) {
                int n = i + 1;
                String token = tokens.get(i);
                workers.add(pool.submit(() -> worker(client, n, token, faults, deadlineNanos, minOps, maxOps, stats)));
            }
            for (Future<?> w : workers) {
                try {
                    w.get();
                } catch (ExecutionException e) {
                    throw new IllegalStateException("a load worker failed", e.getCause());
                }
            }
        } finally {
            pool.shutdownNow();
        }
        return stats;
    }

    private static void worker(Client client, int n, String token, Faults faults, long deadline, long minOps,
                               long maxOps, Stats stats) {
        int host = n;
        while ((System.nanoTime() < deadline || stats.ops.sum() < minOps) && stats.ops.sum() < maxOps) {
            host++;
            String intent = UUID.randomUUID().toString();
            Client.Answer a = client.post(host, token, "/v1/exclusive/activate", Map.of("merchant_id", "m_123",
                    "charger_id", "ch_456", "lat", 30.2672, "lng", -97.7431, "accuracy_m", 10, "intent_session_id", intent));
            if (!classify(a, faults, stats)) {
                return;
            }
            if (unavailable(a)) {
                stats.ledger.refusedActivation(intent);
            }
            String session = a.body().path("exclusive_session").path("id").asText(null);
            if (a.status() == 201) {
                stats.ledger.activated(session);
            }
            if (session != null) {
                a = client.post(host, token, "/v1/exclusive/complete", Map.of("exclusive_session_id", session));
                if (!classify(a, faults, stats)) {
                    return;
                }
                if (a.status() == 200) {
                    stats.ledger.completed(session);
                }
            }
            List<Map<String, Object>> events = new ArrayList<>();
            for (int i = ThreadLocalRandom.current().nextInt(1, 4); i > 0; i--) {
                events.add(randomEvent("b_" + n));
            }
            a = client.post(host, token, "/v1/driver/events", Map.of("events", events));
            if (!classify(a, faults, stats)) {
                return;
            }
            if (a.status() == 200) {
                accepted(a, stats.ledger, events.size());
            }
            if (unavailable(a)) {
                events.forEach(e -> stats.ledger.refusedEvent((String) e.get("event_id")));
            }
        }
    }

    /**
     * @return whether the answer is the contract's 503: the store was unavailable and nothing was
     *         done (not its one exception, a commit cut off whose message says the change may have
     *         been applied)
     */
    private static boolean unavailable(Client.Answer a) {
        return a.status() == 503 && a.error().equals("STORE_UNAVAILABLE")
                && !a.body().path("message").asText("").contains("may have been applied");
    }

    /**
     * Counts an answer and decides what it means.
     *
     * @return whether the worker goes on
     */
    static boolean classify(Client.Answer a, Faults faults, Stats stats) {
        stats.ops.increment();
        stats.slowest.accumulate(a.millis());
        long now = System.currentTimeMillis();
        boolean success = a.ok() || (a.status() == 409 && CONFLICTS.contains(a.error()));
        stats.timeline.add(new Timed(now - a.millis(), now, success ? Kind.SUCCESS
                : a.status() == 503 && a.error().equals("STORE_UNAVAILABLE") ? Kind.UNAVAILABLE : Kind.OTHER));
        stats.answers.computeIfAbsent(a.status() < 0 ? (a.status() == Client.HANG ? "hang" : "transport")
                : a.describe(), k -> new LongAdder()).increment();
        if (a.ok() || (a.status() == 409 && CONFLICTS.contains(a.error()))) {
            return true;
        }
        if (a.status() == Client.TRANSPORT && faults == Faults.HOST_KILLED) {
            return false;
        }
        if (a.status() == 503 && a.error().equals("STORE_UNAVAILABLE")
                && (faults == Faults.STORE_DOWN || faults == Faults.STORE_LOST)) {
            return true;
        }
        if (a.status() == 404 && a.error().equals("NOT_FOUND") && faults == Faults.STORE_LOST) {
            return true;
        }
        stats.ledger.violation("answer " + a.explain());
        return a.status() != Client.TRANSPORT;
    }

    /** Records a sync's ACCEPTED events in the ledger; a result list of the wrong size is a violation. */
    static void accepted(Client.Answer a, Ledger ledger, int sent) {
        JsonNode results = a.body().path("results");
        if (results.size() != sent) {
            ledger.violation("sync of " + sent + " events answered " + results.size() + " results");
        }
        for (JsonNode r : results) {
            if (r.path("outcome").asText().equals("ACCEPTED")) {
                ledger.event(r.path("event_id").asText());
            }
        }
    }

    /** @return one random event (no ROUTE_COMPLETED: the batch would stop moving) with a fresh id */
    static Map<String, Object> randomEvent(String batch) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        String type = EVENT_TYPES.get(random.nextInt(EVENT_TYPES.size()));
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("event_id", UUID.randomUUID().toString());
        e.put("batch_id", batch);
        e.put("event_type", type);
        e.put("recorded_at", Instant.now().toString());
        if (type.equals("ARRIVED_AT_STOP")) {
            int stop = random.nextInt(STOPS.length);
            e.put("stop_index", stop);
            e.put("lat", STOPS[stop][0]);
            e.put("lng", STOPS[stop][1]);
            e.put("accuracy_m", 8.0);
        }
        return e;
    }
}
