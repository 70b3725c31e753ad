package io.fleetgate.examples.http;

import io.fleetgate.FleetgateListener;
import io.fleetgate.FleetgateSettings;
import io.fleetgate.store.jdbc.JdbcStore;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A running HTTP host: the store named by the options, the library services on it, the fixtures
 * loaded, and an embedded Jetty 12 server (core API, no servlets) on 127.0.0.1.
 *
 * <p><b>Why Jetty, and how slow clients are kept out.</b> The JDK's {@code com.sun.net.httpserver}
 * reads a request's line, headers and body on the thread that runs its handler, has no read
 * timeout of its own and only process-wide {@code sun.net.httpserver.*} knobs: sixteen clients
 * that send slowly, or nothing, held all sixteen request threads and every other request waited.
 * Here:
 * <ul>
 *   <li>Jetty's selector waits on every socket and parses what has arrived; no thread waits for a
 *       slow client. A small pool of at most {@value #IO_THREADS} threads does that
 *       work.</li>
 *   <li>The body is read without blocking ({@link HostHandler}) before a request goes to one of
 *       the {@link HttpLimits#requestThreads()} request threads, which run the router and the
 *       store calls only. Logins go to a lane of their own (the PIN-hashing lane's size plus two
 *       threads), so logins waiting for a hash never hold a thread another call needs.</li>
 *   <li>{@link ConnectionGuard}: deadlines for the headers, the whole body and an idle
 *       keep-alive connection (a byte a second does not extend them), and the connection cap.
 *       Request headers are capped at {@value #MAX_HEADER_BYTES} bytes (431 beyond).</li>
 *   <li>{@link RateLimiter}: a token bucket per bearer token (or client address), 429 with
 *       {@code Retry-After}.</li>
 * </ul>
 * The answers are those of {@code docs/http-api.md}; errors Jetty answers itself (a malformed
 * request line, headers over the cap) use the same JSON envelope ({@link JsonErrors}).
 *
 * <p>With {@code HTTP_METRICS_TOKEN} set ({@link ServeOptions#metricsToken()}) the host keeps
 * {@link HostMetrics} (fleetgate's decisions, store calls and changes through the listener, the
 * HikariCP pools, the JVM, each request by route template) and serves them at {@code GET /metrics}
 * ({@link MetricsApi}); without it, neither.
 *
 * <p>Once serving, the host also runs the position stream's sweep and purge on a daemon thread of
 * its own ({@link PositionSweeper}, every {@link ServeOptions#positionSweep()}), stopped first
 * when the host closes.
 *
 * <p>The settings come from the environment map the command gives {@link #settings} (never from
 * {@code System.getenv()} here). Without {@code FLEETGATE_SIGNING_SECRET} a random 32-byte secret
 * is made, with a warning: signing keys handed out then do not verify after a restart or on
 * another instance. Without {@code FLEETGATE_PIN_PEPPER} it warns too. Thread-safe;
 * {@link #close()} stops the server and closes the store.
 */
final class HttpHost implements AutoCloseable {
    /** Jetty's threads: the acceptor, the selector and parsing, non-blocking reads and writes. */
    static final int IO_THREADS = 8;
    /** The largest request line plus headers accepted. */
    static final int MAX_HEADER_BYTES = 16 * 1024;
    /** How much later than the guard's longest deadline Jetty's own idle timeout fires. */
    static final long BACKSTOP_MARGIN_MS = 1_000;

    private static final Logger LOG = LoggerFactory.getLogger("io.fleetgate.examples.http");

    private final JdbcStore store;
    private final Services services;
    private final Router router;
    private final Server server;
    private final ServerConnector connector;
    private final ExecutorService pool;
    private final ExecutorService logins;
    private final ConnectionGuard guard;
    private final PositionSweeper sweeper;
    private final HostMetrics metrics;
    private final ChangesApi changes;

    private HttpHost(JdbcStore store, Services services, Router router, Server server, ServerConnector connector,
                     ExecutorService pool, ExecutorService logins, ConnectionGuard guard, PositionSweeper sweeper,
                     HostMetrics metrics, ChangesApi changes) {
        this.store = store;
        this.services = services;
        this.router = router;
        this.server = server;
        this.connector = connector;
        this.pool = pool;
        this.logins = logins;
        this.guard = guard;
        this.sweeper = sweeper;
        this.metrics = metrics;
        this.changes = changes;
    }

    /**
     * Opens the store, loads the fixtures and starts serving.
     *
     * @param options  the command line
     * @param settings the settings, with a signing secret (see {@link #settings})
     * @param clock    the server clock
     * @return the running host
     * @throws IllegalArgumentException for invalid fixtures
     * @throws UncheckedIOException     if the port cannot be bound
     * @throws RuntimeException         if the store cannot be opened or migrated
     */
    static HttpHost start(ServeOptions options, FleetgateSettings settings, Clock clock) {
        HostMetrics metrics = options.metricsToken() == null ? null : new HostMetrics(options.metricsToken());
        JdbcStore store;
        try {
            store = open(options, metrics);
        } catch (RuntimeException e) {
            if (metrics != null) {
                metrics.close();
            }
            throw e;
        }
        ExecutorService pool = null;
        ExecutorService logins = null;
        ConnectionGuard guard = null;
        ChangesApi changes = null;
        Server server = null;
        try {
            Services services = Services.on(store, settings, clock, metrics == null ? FleetgateListener.NONE : metrics);
            if (options.fixtures() != null) {
                Fixtures.load(options.fixtures(), services);
            }
            HttpLimits limits = options.limits();
            pool = requestThreads(limits);
            logins = loginLane(settings, limits);
            changes = new ChangesApi(services, pool, limits);
            if (metrics != null) {
                metrics.changeWaiters(changes::open);
            }
            Router router = router(services);
            changes.register(router);
            if (metrics != null) {
                MetricsApi.register(router, metrics);
            }
            if (limits.rateLimited()) {
                router.limitedBy(new RateLimiter(clock, limits));
            }
            guard = new ConnectionGuard(limits);
            server = new Server(ioThreads());
            ServerConnector connector = connector(server, options.port(), limits, guard);
            server.addConnector(connector);
            server.setErrorHandler(new JsonErrors());
            server.setHandler(new HostHandler(router, pool, logins, guard, metrics));
            server.start();
            PositionSweeper sweeper = PositionSweeper.start(services.positions(), options.positionSweep());
            return new HttpHost(store, services, router, server, connector, pool, logins, guard, sweeper, metrics,
                    changes);
        } catch (Exception e) {
            if (changes != null) {
                changes.close();
            }
            stop(server);
            close(store, guard, pool, logins);
            if (metrics != null) {
                metrics.close();
            }
            if (e instanceof IOException io) {
                throw new UncheckedIOException("cannot listen on 127.0.0.1:" + options.port() + ": " + e.getMessage(),
                        io);
            }
            if (e instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException("the HTTP server did not start: " + e.getMessage(), e);
        }
    }

    private static QueuedThreadPool ioThreads() {
        // At most IO_THREADS threads. Jetty's jobs are short (parse what arrived, hand over, write)
        // and a lost one would strand its connection, so the queue is Jetty's unbounded default
        // (Jetty warns against bounding it): what bounds it is the connection cap.
        QueuedThreadPool threads = new QueuedThreadPool(IO_THREADS, 2);
        threads.setName("fleetgate-http-io");
        return threads;
    }

    private static ServerConnector connector(Server server, int port, HttpLimits limits, ConnectionGuard guard) {
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        http.setRequestHeaderSize(MAX_HEADER_BYTES);
        // The router matches raw segments and decodes them itself (as with the JDK server): let
        // every well-formed target reach it rather than refusing "ambiguous" ones up front.
        http.setUriCompliance(UriCompliance.UNSAFE);
        ServerConnector connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        connector.setAcceptQueueSize(128);
        // Jetty's own per-read idle timeout, a backstop behind the guard's deadlines: a second
        // later than the longest of them, so that a silent connection is closed (and counted) by
        // the guard's sweep, not by Jetty racing it to the same instant
        // (and later than a long-poll's longest wait and a stream's heartbeat, which keep a
        // connection silent that long while it is answered)
        connector.setIdleTimeout(BACKSTOP_MARGIN_MS + Math.max(Math.max(limits.idleTimeout().toMillis(),
                Math.max(limits.headerTimeout().toMillis(), limits.bodyTimeout().toMillis())),
                Math.max(ChangesApi.MAX_WAIT_S * 1000L, limits.streamHeartbeat().toMillis())));
        connector.addBean(guard);
        return connector;
    }

    private static ExecutorService requestThreads(HttpLimits limits) {
        return lane(limits.requestThreads(), limits, "fleetgate-http-");
    }

    /**
     * The login lane: enough threads for every login the PIN-hashing lane admits (hashing, or
     * waiting for a slot) plus two to answer the ones it refuses at once, so refusals never wait
     * behind hashes and logins never hold a request thread.
     */
    private static ExecutorService loginLane(FleetgateSettings settings, HttpLimits limits) {
        return lane(settings.login().hashConcurrency() + settings.login().hashQueue() + 2, limits, "fleetgate-login-");
    }

    private static ExecutorService lane(int threads, HttpLimits limits, String name) {
        // One request at a time per connection, so the queue never holds more than the cap.
        return new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(limits.maxConnections() + threads), threads(name));
    }

    /**
     * @param services the services
     * @return the router with every endpoint of the contract
     */
    static Router router(Services services) {
        Router router = new Router(services);
        AuthApi.register(router);
        router.keyByAddress("POST", "/v1/auth/login");
        ExclusiveApi.register(router);
        DriverApi.register(router);
        SupervisorApi.register(router);
        PositionApi.register(router);
        StaticFiles.register(router);
        return router;
    }

    /**
     * @param env the environment
     * @param err where the warnings go
     * @return the settings, with a random signing secret when the environment has none
     * @throws IllegalArgumentException naming the invalid setting
     */
    static FleetgateSettings settings(Map<String, String> env, PrintStream err) {
        FleetgateSettings settings = FleetgateSettings.fromEnv(env);
        if (settings.login().pinPepper() == null) {
            err.println("warning: " + FleetgateSettings.PIN_PEPPER + " is not set; PIN hashes are not peppered, so "
                    + "a copy of the database is enough to guess PINs offline");
        }
        if (settings.sessions().signingSecret() != null) {
            return settings;
        }
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        Map<String, String> withSecret = new HashMap<>(env);
        withSecret.put(FleetgateSettings.SIGNING_SECRET, Base64.getEncoder().encodeToString(secret));
        err.println("warning: " + FleetgateSettings.SIGNING_SECRET + " is not set; using a random secret, so event "
                + "signatures will not verify after a restart or on another instance");
        return FleetgateSettings.fromEnv(withSecret);
    }

    private static JdbcStore open(ServeOptions options, HostMetrics metrics) {
        JdbcStore.Builder builder = JdbcStore.builder();
        if (metrics != null) {
            builder.metricsTrackerFactory(metrics.poolMetrics());
        }
        if (options.dbConnectionTimeout() != null) {
            builder.connectionTimeout(options.dbConnectionTimeout());
        }
        if (options.sqliteFile() != null) {
            return builder.sqlite(options.sqliteFile()).build();
        }
        JdbcStore.Builder postgres = builder.postgres(options.dbUrl()).runtime(options.dbUser(), options.dbPassword())
                .pooler(options.pgPooler());
        if (options.pgListenUrl() != null) {
            postgres.listenUrl(options.pgListenUrl());
        }
        if (options.dbOwnerUser() != null) {
            postgres.owner(options.dbOwnerUser(), options.dbOwnerPassword());
        }
        if (options.dbReplicaUrl() != null) {
            postgres.replica(options.dbReplicaUrl());
        }
        return postgres.build();
    }

    private static ThreadFactory threads(String name) {
        AtomicInteger n = new AtomicInteger();
        return task -> {
            Thread t = new Thread(task, name + n.incrementAndGet());
            t.setDaemon(false);
            return t;
        };
    }

    /** @return the port the server listens on */
    int port() {
        return connector.getLocalPort();
    }

    /** @return the connections' deadlines and cap, for tests */
    ConnectionGuard guard() {
        return guard;
    }

    /** @return the endpoints served, as {@code METHOD /pattern} */
    java.util.List<String> routes() {
        return router.routes();
    }

    /** @return the services the handlers call */
    Services services() {
        return services;
    }

    /** @return the position stream's sweeper, for tests */
    PositionSweeper sweeper() {
        return sweeper;
    }

    /** @return the store, for tests that need to break it */
    JdbcStore store() {
        return store;
    }

    /** {@return the event streams and waiting long-polls open on this host now} */
    int changeWaiters() {
        return changes.open();
    }

    /**
     * Ends the event streams and answers the waiting long-polls, stops the position sweeper
     * (letting a sweep under way finish), lets running requests finish (up to five seconds;
     * requests arriving meanwhile are refused), then stops the server and closes the store.
     * Idempotent.
     */
    @Override
    public void close() {
        changes.close();
        sweeper.close();
        close(store, guard, pool, logins);
        stop(server);
        if (metrics != null) {
            metrics.close();
        }
    }

    private static void stop(Server server) {
        if (server == null) {
            return;
        }
        try {
            server.stop();
        } catch (Exception e) {
            LOG.atWarn().setMessage("http_stop_failed").setCause(e).log();
        }
    }

    private static void close(JdbcStore store, ConnectionGuard guard, ExecutorService... lanes) {
        for (ExecutorService lane : lanes) {
            if (lane != null) {
                lane.shutdown();
            }
        }
        for (ExecutorService lane : lanes) {
            try {
                if (lane != null) {
                    lane.awaitTermination(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (guard != null) {
            guard.close();
        }
        store.close();
    }
}
