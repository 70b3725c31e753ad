package io.fleetgate.examples.torture;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetgate.execution.DriverEventType;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;

/**
 * The race scenarios: many requests for one driver released at once across every host, then the
 * answers and the database are checked. Stateless and thread-safe.
 */
final class Races {
    /** Client threads for the activation and login races: enough to keep both hosts' 16 request threads busy. */
    private static final int THREADS = 48;
    /** Client threads for the event race: the "several devices" of one driver. */
    static final int DEVICES = 8;
    private static final String DRIVER = "d_1";
    private static final String BATCH = "b_1";

    private Races() {
    }

    /**
     * {@code size} activations for one driver: exactly one 201, every other a 409
     * {@code ACTIVE_SESSION_EXISTS}, and the database holds exactly that one ACTIVE session.
     */
    static Outcome activate(Client client, Invariants.Db db, int size) throws Exception {
        String token = client.token(0, Load.username(1), Load.PIN, "race-phone", 60);
        List<Client.Answer> answers = race(size, THREADS, i -> client.post(i, token, "/v1/exclusive/activate",
                Map.of("merchant_id", "m_123", "charger_id", "ch_456", "lat", 30.2672, "lng", -97.7431, "accuracy_m", 10)));
        List<String> violations = new ArrayList<>();
        List<String> created = new ArrayList<>();
        int conflicts = 0;
        for (Client.Answer a : answers) {
            if (a.status() == 201) {
                created.add(a.body().path("exclusive_session").path("id").asText());
            } else if (a.status() == 409 && a.error().equals("ACTIVE_SESSION_EXISTS")) {
                conflicts++;
            } else {
                violations.add("activation answered " + a.explain());
            }
        }
        if (created.size() != 1) {
            violations.add(created.size() + " activations answered 201, expected exactly 1");
        }
        List<String> active = Invariants.read(db, c -> Invariants.strings(c,
                "SELECT id FROM exclusive_sessions WHERE driver_id = ? AND status = ?", DRIVER, "ACTIVE"));
        if (!active.equals(created)) {
            violations.add("the database's ACTIVE sessions for " + DRIVER + " are " + active + ", the 201s " + created);
        }
        violations.addAll(Invariants.check(db));
        return new Outcome("race-activate", size + "-activations/" + client.hosts() + "-hosts", "none", violations,
                "201=" + created.size() + " 409=" + conflicts + " active_in_db=" + active.size());
    }

    /**
     * {@code size} logins of one driver from five devices: every answer a 200 (or a 409
     * {@code SESSION_BLOCKED}), exactly one current session in the database, one of those
     * answered, and exactly one of the tokens handed out still authenticating.
     */
    static Outcome login(Client client, Invariants.Db db, int size) throws Exception {
        List<Client.Answer> answers = race(size, THREADS, i -> client.login(i, Load.username(1), Load.PIN, "phone-" + i % 5));
        List<String> violations = new ArrayList<>();
        List<String> tokens = new ArrayList<>();
        Set<String> sessions = new HashSet<>();
        for (Client.Answer a : answers) {
            if (a.status() == 200) {
                tokens.add(a.body().path("token").asText());
                sessions.add(a.body().path("session_id").asText());
            } else if (!(a.status() == 409 && a.error().equals("SESSION_BLOCKED"))) {
                violations.add("login answered " + a.explain());
            }
        }
        List<String> current = Invariants.read(db, c -> Invariants.strings(c,
                "SELECT id FROM driver_sessions WHERE user_id = ? AND invalidated_at IS NULL", DRIVER));
        if (current.size() != 1 || !sessions.contains(current.get(0))) {
            violations.add("current sessions of " + DRIVER + " in the database: " + current + " (expected one of the "
                    + sessions.size() + " answered)");
        }
        int working = 0;
        for (int i = 0; i < tokens.size(); i++) {
            Client.Answer a = client.get(i, tokens.get(i), "/v1/exclusive/active");
            if (a.status() == 200) {
                working++;
            } else if (a.status() != 401) {
                violations.add("a token handed out answered " + a.explain());
            }
        }
        if (working != 1) {
            violations.add(working + " of the " + tokens.size() + " tokens handed out still work, expected exactly 1");
        }
        violations.addAll(Invariants.check(db));
        return new Outcome("race-login", size + "-logins/" + client.hosts() + "-hosts", "none", violations,
                "200=" + tokens.size() + " sessions_answered=" + sessions.size() + " current_in_db=" + current.size()
                        + " tokens_working=" + working);
    }

    /**
     * {@code size} random events on one batch, one or two a request, from {@code devices} threads across
     * every host: every request a 200, no event DUPLICATE, the log holds exactly the ACCEPTED
     * events (besides the login's), and it replays to the batch's stored status.
     */
    static Outcome events(Client client, Invariants.Db db, int size, int devices) throws Exception {
        String token = client.token(0, Load.username(1), Load.PIN, "race-phone", 60);
        int requests = (size + 1) / 2;
        List<List<Map<String, Object>>> sent = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            List<Map<String, Object>> events = new ArrayList<>();
            for (int k = Math.min(2, size - 2 * i); k > 0; k--) {
                events.add(Load.randomEvent(BATCH));
            }
            sent.add(events);
        }
        List<Client.Answer> answers = race(requests, devices, i -> client.post(i, token, "/v1/driver/events",
                Map.of("events", sent.get(i))));
        Ledger ledger = new Ledger();
        int rejected = 0;
        for (int i = 0; i < requests; i++) {
            Client.Answer a = answers.get(i);
            if (a.status() != 200) {
                ledger.violation("sync answered " + a.explain());
                continue;
            }
            Load.accepted(a, ledger, sent.get(i).size());
            for (JsonNode r : a.body().path("results")) {
                String outcome = r.path("outcome").asText();
                if (outcome.equals("REJECTED")) {
                    rejected++;
                } else if (!outcome.equals("ACCEPTED")) {
                    ledger.violation("event " + r.path("event_id").asText() + " was " + outcome);
                }
            }
        }
        List<String> violations = new ArrayList<>(ledger.violations());
        Set<String> logged = Invariants.eventsOf(db, BATCH, DriverEventType.DRIVER_LOGGED_IN);
        if (!logged.equals(ledger.events())) {
            Set<String> extra = new HashSet<>(logged);
            extra.removeAll(ledger.events());
            Set<String> lost = new HashSet<>(ledger.events());
            lost.removeAll(logged);
            violations.add("the log of " + BATCH + " differs from the ACCEPTED events: " + lost.size()
                    + " accepted but not logged, " + extra.size() + " logged but not accepted");
        }
        violations.addAll(Invariants.check(db));
        String status = Invariants.read(db, c -> Invariants.strings(c,
                "SELECT driver_status FROM delivery_batches WHERE id = ?", BATCH).get(0));
        return new Outcome("race-events", size + "-events/" + requests + "-requests/" + devices + "-threads/"
                + client.hosts() + "-hosts",
                "none", violations, "accepted=" + ledger.events().size() + " rejected=" + rejected + " final_status="
                        + status);
    }

    /** Sends {@code size} requests from {@code threads} threads released together; answers in request order. */
    private static List<Client.Answer> race(int size, int threads, IntFunction<Client.Answer> request)
            throws InterruptedException, ExecutionException {
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(size, threads));
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Client.Answer>> futures = new ArrayList<>();
            for (int i = 0; i < size; i++) {
                int n = i;
                futures.add(pool.submit(() -> {
                    start.await();
                    return request.apply(n);
                }));
            }
            start.countDown();
            List<Client.Answer> answers = new ArrayList<>();
            for (Future<Client.Answer> f : futures) {
                answers.add(f.get());
            }
            return answers;
        } finally {
            pool.shutdownNow();
        }
    }
}
