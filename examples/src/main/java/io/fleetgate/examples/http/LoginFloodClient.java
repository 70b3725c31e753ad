package io.fleetgate.examples.http;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A login flood: {@code clients} threads that, while on, send logins without pause (a quarter
 * right PINs of enrolled names, a quarter wrong PINs of enrolled names, half unknown names) and
 * retry at once whatever the answer, counting the answers. The attacker of the {@code login-flood}
 * benchmark ({@link LoginFlood} runs it as a process of its own) and of the {@code login-flood}
 * torture scenario (in the torture client). It uses the JDK only, so its class path is just this
 * class's code source.
 *
 * <p>As a process it is driven over standard input, a command a line, and answers each on
 * standard output: {@code on} (answers {@code on} once at least half the clients have a login in
 * flight), {@code off} (stops sending, waits until no login is in flight, answers
 * {@code off <200s> <401s> <429 login_busy> <429 locked> <other>}, the counts so far), {@code quit} (or the end
 * of input) ends the process. {@link #start}, {@link #stopAndDrain} and {@link #close} are called
 * from one thread.
 */
public final class LoginFloodClient implements AutoCloseable {
    /** The right PIN of every enrolled name the flood uses. */
    public static final String PIN = "482193";
    static final String WRONG_PIN = "000000";
    /** The enrolled names of the benchmark's flood: {@code flood0} … {@code flood3}. */
    static final List<String> BENCH_USERS = List.of("flood0", "flood1", "flood2", "flood3");

    /**
     * The answers so far.
     *
     * @param ok         200
     * @param wrong      401
     * @param busy       429 {@code login_busy}
     * @param locked     429 {@code username_locked} or {@code source_locked}
     * @param other      anything else, transport failures included
     * @param firstOther the first of those, described, or {@code null}
     */
    public record Counts(long ok, long wrong, long busy, long locked, long other, String firstOther) {
    }

    private final List<String> usernames;
    private final java.util.concurrent.atomic.AtomicReference<String> firstOther =
            new java.util.concurrent.atomic.AtomicReference<>();

    private final AtomicLong ok = new AtomicLong();
    private final AtomicLong wrong = new AtomicLong();
    private final AtomicLong busy = new AtomicLong();
    private final AtomicLong locked = new AtomicLong();
    private final AtomicLong other = new AtomicLong();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Object lock = new Object();
    private final List<Thread> threads = new ArrayList<>();
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private boolean on;
    private boolean closed;

    /**
     * Starts the clients, idle until {@link #start}.
     *
     * @param base      the host's base URL ({@code http://127.0.0.1:PORT})
     * @param clients   logins kept in flight
     * @param usernames enrolled names whose PIN is {@link #PIN}
     */
    public LoginFloodClient(String base, int clients, List<String> usernames) {
        this.usernames = List.copyOf(usernames);
        for (int c = 0; c < clients; c++) {
            int id = c;
            Thread t = new Thread(() -> loop(base, id), "login-flood-" + c);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
    }

    /**
     * @param args the host's base URL ({@code http://127.0.0.1:PORT}) and the number of clients
     * @throws Exception if standard input cannot be read
     */
    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: LoginFloodClient BASE_URL CLIENTS");
            System.exit(2);
        }
        LoginFloodClient flood = new LoginFloodClient(args[0], Integer.parseInt(args[1]), BENCH_USERS);
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line = in.readLine(); line != null && !line.equals("quit"); line = in.readLine()) {
            switch (line) {
                case "on" -> {
                    flood.start();
                    out.println("on");
                }
                case "off" -> {
                    Counts c = flood.stopAndDrain();
                    out.printf("off %d %d %d %d %d%n", c.ok(), c.wrong(), c.busy(), c.locked(), c.other());
                }
                default -> out.println("error unknown command");
            }
        }
        flood.close();
    }

    /**
     * @param base     the host's base URL
     * @param username who logs in
     * @param pin      with what
     * @param device   from where
     * @return the login request
     */
    static HttpRequest login(String base, String username, String pin, String device) {
        return HttpRequest.newBuilder(URI.create(base + "/v1/auth/login")).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"username\": \"" + username + "\", \"pin\": \"" + pin
                        + "\", \"device_id\": \"" + device + "\"}"))
                .build();
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
                String user = usernames.get((int) ((id + k) % usernames.size()));
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
                } else if (r.statusCode() == 429 && r.body().matches(".*\"(username|source)_locked\".*")) {
                    locked.incrementAndGet();
                } else {
                    other(r.statusCode() + " " + r.body());
                }
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                other(e.toString());
            } finally {
                inFlight.decrementAndGet();
            }
        }
    }

    private void other(String what) {
        other.incrementAndGet();
        firstOther.compareAndSet(null, what);
    }

    /**
     * Lets the clients send, and waits until half of them have a login in flight (at most 2 s).
     *
     * @throws InterruptedException if interrupted while waiting
     */
    public void start() throws InterruptedException {
        synchronized (lock) {
            on = true;
            lock.notifyAll();
        }
        long settle = System.nanoTime() + 2_000_000_000L;
        while (inFlight.get() < threads.size() / 2 && System.nanoTime() < settle) {
            Thread.sleep(5);
        }
    }

    /**
     * Stops the clients and waits until no login is in flight.
     *
     * @return the answers since the clients were made
     * @throws InterruptedException if interrupted while waiting
     */
    public Counts stopAndDrain() throws InterruptedException {
        synchronized (lock) {
            on = false;
        }
        while (inFlight.get() > 0) {
            Thread.sleep(5);
        }
        return new Counts(ok.get(), wrong.get(), busy.get(), locked.get(), other.get(), firstOther.get());
    }

    /**
     * Stops the clients and waits (up to a minute each) for their threads to end.
     *
     * @throws InterruptedException if interrupted while waiting
     */
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
