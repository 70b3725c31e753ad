package io.fleetgate.examples.torture;

import io.fleetgate.examples.JsonLines;
import org.slf4j.event.Level;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The {@code torture} command: the client side of {@code scripts/torture}. The script starts
 * {@code serve} processes on a fresh database loaded with {@code examples/fixtures/torture.json},
 * injects the faults (kills a host, stops the database) and calls one step of this command:
 *
 * <pre>
 * torture race-activate|race-login|race-events --base URL[,URL…] --db JDBC_URL [--db-user U --db-password P] [--size N]
 *                                              [--threads N]   (race-events: client threads, default 8)
 * torture load    --base URL --ledger FILE [--seconds S]         mixed writes until the host dies or S pass
 * torture verify  --name NAME --base URL --db … --ledger FILE [--load TEXT] [--faults TEXT]
 * torture outage  --name NAME --base URL --db … [--seconds S] [--min-ops N] [--faults TEXT]
 *                 [--expect-outage] [--terminate]
 * torture failover --name NAME --base URL --db … --killed-file FILE [--seconds S] [--recover-s R]
 *                  [--max-answer-s A] [--lossy] [--expect-outage] [--faults TEXT]
 *                 steady mixed writes while the script kills the primary and promotes the standby;
 *                 the script writes the kill's and the promotion's epoch milliseconds, one a line,
 *                 to FILE. Service must be back within R s (default 15) of the kill, no answer may
 *                 take over A s (default: no limit but the client's), and every acknowledged write
 *                 must be on the new primary; with --lossy (asynchronous replication) the ones lost
 *                 are counted instead, and a completion answered 404 (its activation lost) allowed;
 *                 with --expect-outage at least one 503 must come after the kill
 * torture slow-client --base URL [--size N] [--seconds S]   N slow connections (default 300) for S s
 *                                                           (default 40) while normal requests are timed
 * torture login-flood --base URL [--size N] [--seconds S]   N logins in flight (default 120) for S s
 *                                                           (default 30) while normal requests are timed
 * </pre>
 *
 * <p>Every step but {@code load} prints one line
 * {@code SCENARIO <name> <ok|VIOLATION> load=… faults=… violations=<n> <details>} (and every
 * violation, one a line, on standard error) and returns 1 when it found a violation. {@code load} writes the acknowledged writes to the ledger file and
 * prints {@code LOAD ops=… acked=… answers=…}; the {@code verify} after the restart checks them.
 * {@code outage} prints {@code LOAD started} when its load begins, so the script injects its
 * fault into the load and not into the set-up.
 * {@code outage --terminate} injects its own fault: it terminates the host's PostgreSQL backends
 * ({@code pg_terminate_backend}, allowed for backends of a role the {@code --db-user} is a member of:
 * itself, and the host's runtime role where the DBA granted it, as scripts/lib/pg.sh does) every 50
 * to 400 ms.
 */
public final class Torture {
    static final String USAGE = """
            usage: java -jar fleetgate-examples.jar torture <step> [options]   (see docs/reliability.md)
              race-activate | race-login | race-events   --base URL[,URL...] --db JDBC_URL [--size N]
                                                         [--threads N] (race-events, default 8)
              load     --base URL --ledger FILE [--seconds S]
              verify   --name NAME --base URL --db JDBC_URL --ledger FILE [--load TEXT] [--faults TEXT]
              outage   --name NAME --base URL --db JDBC_URL [--seconds S] [--min-ops N] [--faults TEXT]
                       [--expect-outage] [--terminate]
              failover --name NAME --base URL --db JDBC_URL --killed-file FILE [--seconds S] [--recover-s R]
                       [--max-answer-s A] [--lossy] [--expect-outage] [--faults TEXT]
              slow-client --base URL [--size N] [--seconds S]
              login-flood --base URL [--size N] [--seconds S]
              every step with --db also takes --db-user U --db-password P
            """;
    /** What {@code outage} prints once its drivers are logged in and the load begins: the script's cue. */
    static final String STARTED = "LOAD started";
    /** Requests after a fault that must all succeed. */
    static final int WINDOW = 100;
    private static final int RECOVERY_SECONDS = 60;
    private static final List<String> FLAGS = List.of("--expect-outage", "--terminate", "--lossy");
    private static final List<String> VALUED = List.of("--base", "--db", "--db-user", "--db-password", "--size",
            "--seconds", "--min-ops", "--threads", "--ledger", "--name", "--load", "--faults", "--killed-file",
            "--recover-s", "--max-answer-s");

    private Torture() {
    }

    /**
     * Runs one step.
     *
     * @param args the step, then its options
     * @param out  where the SCENARIO or LOAD line goes
     * @param err  where usage and every violation go
     * @return 0, 1 when a violation was found, 2 for a usage error
     * @throws Exception if the scenario could not run (set-up failed, the database is unreachable)
     */
    public static int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
        Map<String, String> o;
        try {
            o = parse(args);
        } catch (IllegalArgumentException e) {
            err.println("torture: " + e.getMessage());
            err.print(USAGE);
            return 2;
        }
        Level previous = JsonLines.level();
        JsonLines.setLevel(Level.WARN);
        try {
            Client client = new Client(List.of(o.get("--base").split(",")));
            Outcome outcome = switch (args.get(0)) {
                case "race-activate" -> Races.activate(client, db(o), size(o, 200));
                case "race-login" -> Races.login(client, db(o), size(o, 100));
                case "race-events" -> Races.events(client, db(o), size(o, 400),
                        Integer.parseInt(o.getOrDefault("--threads", Integer.toString(Races.DEVICES))));
                case "load" -> {
                    load(client, o, out);
                    yield null;
                }
                case "verify" -> verify(client, db(o), o);
                case "failover" -> failover(client, db(o), o, out);
                case "slow-client" -> SlowClients.run(client, o.get("--base"), size(o, 300),
                        Integer.parseInt(o.getOrDefault("--seconds", "40")));
                case "login-flood" -> LoginFloods.run(client, o.get("--base"), size(o, 120),
                        Integer.parseInt(o.getOrDefault("--seconds", "30")));
                default -> outage(client, db(o), o, out);
            };
            if (outcome == null) {
                return 0;
            }
            out.println(outcome.line());
            outcome.violations().forEach(v -> err.println("violation: " + v));
            return outcome.ok() ? 0 : 1;
        } finally {
            JsonLines.setLevel(previous);
        }
    }

    static Map<String, String> parse(List<String> args) {
        if (args.isEmpty() || !List.of("race-activate", "race-login", "race-events", "load", "verify", "outage",
                        "failover", "slow-client", "login-flood")
                .contains(args.get(0))) {
            throw new IllegalArgumentException(args.isEmpty() ? "no step given" : "unknown step " + args.get(0));
        }
        Map<String, String> o = new HashMap<>();
        for (int i = 1; i < args.size(); i++) {
            String a = args.get(i);
            if (FLAGS.contains(a)) {
                o.put(a, "true");
            } else if (VALUED.contains(a) && i + 1 < args.size()) {
                o.put(a, args.get(++i));
            } else {
                throw new IllegalArgumentException(VALUED.contains(a) ? a + " needs a value" : "unknown option " + a);
            }
        }
        List<String> needed = new ArrayList<>(List.of("--base"));
        if (!List.of("load", "slow-client", "login-flood").contains(args.get(0))) {
            needed.add("--db");
        }
        if (List.of("load", "verify").contains(args.get(0))) {
            needed.add("--ledger");
        }
        if (List.of("verify", "outage", "failover").contains(args.get(0))) {
            needed.add("--name");
        }
        if (args.get(0).equals("failover")) {
            needed.add("--killed-file");
        }
        for (String n : needed) {
            if (!o.containsKey(n)) {
                throw new IllegalArgumentException(args.get(0) + " needs " + n);
            }
        }
        return o;
    }

    private static Invariants.Db db(Map<String, String> o) {
        return new Invariants.Db(o.get("--db"), o.get("--db-user"), o.get("--db-password"));
    }

    private static int size(Map<String, String> o, int fallback) {
        return Integer.parseInt(o.getOrDefault("--size", Integer.toString(fallback)));
    }

    private static long deadline(Map<String, String> o, int seconds) {
        return System.nanoTime() + Long.parseLong(o.getOrDefault("--seconds", Integer.toString(seconds))) * 1_000_000_000L;
    }

    /** Mixed writes until the host is killed (or the time is up); the ledger keeps what was acknowledged. */
    private static void load(Client client, Map<String, String> o, PrintStream out) throws Exception {
        List<String> tokens = Load.tokens(client);
        Load.Stats stats = Load.run(client, tokens, Load.Faults.HOST_KILLED, deadline(o, 30), 0, Long.MAX_VALUE);
        stats.ledger.write(Path.of(o.get("--ledger")));
        out.println("LOAD ops=" + stats.ops.sum() + " acked=" + stats.ledger.size() + " answers=" + stats.answers());
    }

    /** After the restart: a window of requests that must all succeed, the ledger and the invariants. */
    private static Outcome verify(Client client, Invariants.Db db, Map<String, String> o) throws Exception {
        Ledger ledger = Ledger.read(Path.of(o.get("--ledger")));
        Load.Stats window = Load.run(client, Load.tokens(client), Load.Faults.NONE, 0, WINDOW, WINDOW);
        return settle(o.get("--name"), o.getOrDefault("--load", "?"), o.getOrDefault("--faults", "?"), db, ledger, window,
                new ArrayList<>(), "restarted_window=" + window.answers());
    }

    /**
     * Steady mixed writes while the database goes away (the script stops it, or this step
     * terminates the host's backends), then recovery: a window of requests that must all succeed,
     * the ledger and the invariants.
     */
    private static Outcome outage(Client client, Invariants.Db db, Map<String, String> o, PrintStream out)
            throws Exception {
        List<String> tokens = Load.tokens(client);
        out.println(STARTED);
        out.flush();
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger terminated = new AtomicInteger();
        AtomicInteger rounds = new AtomicInteger();
        ExecutorService side = Executors.newSingleThreadExecutor();
        Future<?> killer = o.containsKey("--terminate")
                ? side.submit(() -> terminate(db, running, terminated, rounds)) : null;
        long minOps = Long.parseLong(o.getOrDefault("--min-ops", "0"));
        long started = System.nanoTime();
        Load.Stats stats;
        try {
            stats = Load.run(client, tokens, Load.Faults.STORE_DOWN, deadline(o, 20), minOps, Long.MAX_VALUE);
        } finally {
            running.set(false);
            side.shutdown();
        }
        if (killer != null) {
            killer.get();
        }
        List<String> violations = new ArrayList<>();
        if (o.containsKey("--expect-outage") && stats.count("503 STORE_UNAVAILABLE") == 0) {
            violations.add("the outage was not observed: no 503 STORE_UNAVAILABLE during the load");
        }
        long down = System.nanoTime();
        Client.Answer a = client.get(0, tokens.get(0), "/v1/exclusive/active");
        while (a.status() != 200 && System.nanoTime() - down < RECOVERY_SECONDS * 1_000_000_000L) {
            Client.pause(250);
            a = client.get(0, tokens.get(0), "/v1/exclusive/active");
        }
        if (a.status() != 200) {
            violations.add("no recovery within " + RECOVERY_SECONDS + " s after the load: " + a.describe());
        }
        double recovery = (System.nanoTime() - down) / 1e9;
        Load.Stats window = Load.run(client, tokens, Load.Faults.NONE, 0, WINDOW, WINDOW);
        String faults = o.containsKey("--terminate")
                ? "pg_terminate_backend:" + terminated.get() + "-backends/" + rounds.get() + "-rounds"
                : o.getOrDefault("--faults", "?");
        String load = stats.ops.sum() + "-requests/" + tokens.size() + "-drivers/"
                + Math.round((down - started) / 1e9) + "s";
        return settle(o.get("--name"), load, faults, db, stats.ledger, window, violations,
                "during=" + stats.answers() + " slowest=" + stats.slowest() + String.format(Locale.ROOT, " recovered_after=%.1fs", recovery)
                        + " window=" + window.answers());
    }

    /**
     * Steady mixed writes while the script kills the primary and promotes the standby; then a
     * window of requests that must all succeed, the ledger and the invariants. What must hold
     * besides: every answer during the switch a success or 503 {@code STORE_UNAVAILABLE} (the load
     * counts any other as a violation), none slower than {@code --max-answer-s}, with
     * {@code --expect-outage} at least one 503 after the kill, and service back within
     * {@code --recover-s} of the kill: the first success sent after the kill and after the last
     * failure was answered by then.
     */
    private static Outcome failover(Client client, Invariants.Db db, Map<String, String> o, PrintStream out)
            throws Exception {
        List<String> tokens = Load.tokens(client);
        out.println(STARTED);
        out.flush();
        boolean lossy = o.containsKey("--lossy");
        long started = System.nanoTime();
        Load.Stats stats = Load.run(client, tokens, lossy ? Load.Faults.STORE_LOST : Load.Faults.STORE_DOWN,
                deadline(o, 30), 0, Long.MAX_VALUE);
        long ended = System.nanoTime();
        List<String> violations = new ArrayList<>();
        List<String> marks = Files.exists(Path.of(o.get("--killed-file")))
                ? Files.readAllLines(Path.of(o.get("--killed-file"))) : List.of();
        if (marks.size() < 2) {
            violations.add("the script did not record the kill and the promotion in " + o.get("--killed-file")
                    + " before the load ended (it has " + marks.size() + " of 2 lines)");
            return new Outcome(o.get("--name"), "?", o.getOrDefault("--faults", "?"), violations, "");
        }
        long killed = Long.parseLong(marks.get(0).trim());
        long promoted = Long.parseLong(marks.get(1).trim());
        // back: the first success sent after the kill and after the last failure, once answered
        List<Load.Timed> timeline = new ArrayList<>(stats.timeline);
        long lastFailureSent = killed;
        long unavailable = 0;
        for (Load.Timed t : timeline) {
            if (t.kind() != Load.Kind.SUCCESS && t.answeredMillis() >= killed) {
                lastFailureSent = Math.max(lastFailureSent, t.sentMillis());
                unavailable += t.kind() == Load.Kind.UNAVAILABLE ? 1 : 0;
            }
        }
        if (o.containsKey("--expect-outage") && unavailable == 0) {
            violations.add("the failover was not observed: no 503 STORE_UNAVAILABLE after the kill");
        }
        long failedSent = lastFailureSent;
        long back = timeline.stream().filter(t -> t.kind() == Load.Kind.SUCCESS && t.sentMillis() > failedSent)
                .mapToLong(Load.Timed::answeredMillis).min().orElse(Long.MAX_VALUE);
        long limit = Long.parseLong(o.getOrDefault("--recover-s", "15")) * 1000;
        String recovered = "never";
        if (back == Long.MAX_VALUE) {
            violations.add("no success after the kill and the last failure of the load");
        } else {
            recovered = String.format(Locale.ROOT, "%.1fs", (back - killed) / 1000.0);
            if (back - killed > limit) {
                violations.add("service was back " + recovered + " after the kill, over " + limit / 1000 + " s");
            }
        }
        if (o.containsKey("--max-answer-s")
                && stats.slowest.get() > Double.parseDouble(o.get("--max-answer-s")) * 1000) {
            violations.add("an answer took " + stats.slowest() + ", over " + o.get("--max-answer-s") + " s");
        }
        Load.Stats window = Load.run(client, tokens, Load.Faults.NONE, 0, WINDOW, WINDOW);
        String load = stats.ops.sum() + "-requests/" + tokens.size() + "-drivers/"
                + Math.round((ended - started) / 1e9) + "s";
        String details = "during=" + stats.answers() + " slowest=" + stats.slowest()
                + String.format(Locale.ROOT, " promoted_after=%.1fs", (promoted - killed) / 1000.0)
                + " recovered_after=" + recovered + " unavailable_after_kill=" + unavailable
                + " window=" + window.answers();
        if (!lossy) {
            return settle(o.get("--name"), load, o.getOrDefault("--faults", "?"), db, stats.ledger, window, violations,
                    details);
        }
        // asynchronous replication: the acknowledged writes the new primary lacks are the price, counted
        Ledger ledger = stats.ledger;
        List<String> lost = Invariants.notStored(db, ledger);
        ledger.addAll(window.ledger);
        int acked = ledger.size();
        violations.addAll(ledger.violations());
        if (window.ops.sum() < WINDOW) {
            violations.add("the window after the fault stopped after " + window.ops.sum() + " requests");
        }
        violations.addAll(Invariants.notStored(db, window.ledger));
        violations.addAll(Invariants.storedThough503(db, ledger));
        violations.addAll(Invariants.check(db));
        return new Outcome(o.get("--name"), load, o.getOrDefault("--faults", "?"), violations, "acked_writes=" + acked
                + " lost_acked_writes=" + lost.size() + " " + details
                + (lost.isEmpty() ? "" : " first_lost=" + lost.get(0).replace(' ', '_')));
    }

    /** Adds the window's writes to the ledger, then checks the ledger and the invariants. */
    private static Outcome settle(String name, String load, String faults, Invariants.Db db, Ledger ledger,
                                  Load.Stats window, List<String> violations, String details) throws Exception {
        ledger.addAll(window.ledger);
        violations.addAll(ledger.violations());
        if (window.ops.sum() < WINDOW) {
            violations.add("the window after the fault stopped after " + window.ops.sum() + " requests");
        }
        violations.addAll(Invariants.missing(db, ledger));
        violations.addAll(Invariants.check(db));
        return new Outcome(name, load, faults, violations, "acked_writes=" + ledger.size() + " " + details);
    }

    /** Terminates the other backends of this role on this database at random moments until stopped. */
    private static void terminate(Invariants.Db db, AtomicBoolean running, AtomicInteger terminated,
                                  AtomicInteger rounds) {
        try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password());
             PreparedStatement st = c.prepareStatement("SELECT count(*) FILTER (WHERE pg_terminate_backend(pid))"
                     + " FROM pg_stat_activity WHERE pg_has_role(current_user, usesysid, 'MEMBER') AND datname = current_database()"
                     + " AND pid <> pg_backend_pid()")) {
            while (running.get()) {
                Client.pause(ThreadLocalRandom.current().nextLong(50, 400));
                try (ResultSet rs = st.executeQuery()) {
                    rs.next();
                    terminated.addAndGet(rs.getInt(1));
                    rounds.incrementAndGet();
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot terminate backends: " + e.getMessage(), e);
        }
    }
}
