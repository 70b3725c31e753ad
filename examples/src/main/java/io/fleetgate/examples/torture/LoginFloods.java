package io.fleetgate.examples.torture;

import io.fleetgate.examples.http.LoginFloodClient;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The {@code login-flood} scenario (issue #14, point 3): against one host with the production
 * PIN hashing (600,000 iterations, the default hashing lane) and its rate limit off (a botnet:
 * many addresses), {@code clients} logins are kept in flight for {@code seconds} (right and wrong
 * PINs of drivers 2–6, unknown names), retried at once whatever the answer, while a probe sends
 * normal requests (driver 1's active-session poll) ten a second and measures how long each takes.
 *
 * <p>Violations: a flood login answered anything but 200, 401 or 429 ({@code login_busy}, or a
 * locked name or source: drivers 2–6 lock after five wrong PINs, as they should), or not at all; no login refused {@code login_busy} (the flood did not reach the hashing lane's bound,
 * so the scenario proved nothing); a normal request not answered 200, or slower than
 * {@value #MAX_DELAY_MS} ms; driver 1 unable to log in once the flood stops. The details give
 * the worst and median delay under the flood, the median before it, and the answers counted.
 */
final class LoginFloods {
    /** The worst a normal request may take during the flood. */
    static final long MAX_DELAY_MS = 1000;

    private LoginFloods() {
    }

    /**
     * @param client  the probe's client
     * @param base    the host's base URL
     * @param clients logins kept in flight
     * @param seconds how long the flood lasts
     * @return what was seen
     * @throws Exception if the set-up fails (the probe's login)
     */
    static Outcome run(Client client, String base, int clients, int seconds) throws Exception {
        String token = client.token(0, Load.username(1), Load.PIN, "login-flood-probe", 60);
        List<String> violations = new ArrayList<>();
        for (int i = 0; i < 50; i++) { // warm up both sides
            probe(client, token, violations);
        }
        List<Long> idle = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            idle.add(probe(client, token, violations));
        }

        List<String> flooded = IntStream.rangeClosed(2, Load.DRIVERS).mapToObj(Load::username).toList();
        List<Long> attacked = new ArrayList<>();
        LoginFloodClient.Counts counts;
        try (LoginFloodClient flood = new LoginFloodClient(base, clients, flooded)) {
            flood.start();
            long end = System.nanoTime() + seconds * 1_000_000_000L;
            while (System.nanoTime() < end) {
                attacked.add(probe(client, token, violations));
                Thread.sleep(100);
            }
            counts = flood.stopAndDrain();
        }

        Client.Answer after = client.login(0, Load.username(1), Load.PIN, "login-flood-probe");
        if (after.status() != 200) {
            violations.add("driver 1 could not log in after the flood: " + after.explain());
        }
        if (counts.other() > 0) {
            violations.add(counts.other() + " flood logins were answered neither 200, 401 nor 429 (busy or locked); the first: "
                    + counts.firstOther());
        }
        if (counts.busy() == 0) {
            violations.add("no flood login was refused login_busy: the flood never filled the hashing lane");
        }
        long worst = Collections.max(attacked);
        if (worst > MAX_DELAY_MS) {
            violations.add("a normal request took " + worst + " ms during the flood (at most " + MAX_DELAY_MS + " ms)");
        }
        return new Outcome("login-flood", clients + "-logins-in-flight/" + seconds + "s", "none", violations,
                "worst_ms=" + worst + " p50_ms=" + median(attacked) + " idle_p50_ms=" + median(idle)
                        + " normal_requests=" + attacked.size() + " logins_200=" + counts.ok() + " logins_401="
                        + counts.wrong() + " logins_429_busy=" + counts.busy() + " logins_429_locked=" + counts.locked());
    }

    private static long median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }

    /** One normal request; returns how long it took. */
    private static long probe(Client client, String token, List<String> violations) {
        long started = System.nanoTime();
        Client.Answer a = client.get(0, token, "/v1/exclusive/active");
        long millis = (System.nanoTime() - started) / 1_000_000;
        if (a.status() != 200 && violations.size() < 100) {
            violations.add("a normal request was answered " + a.explain());
        }
        return millis;
    }
}
