package io.fleetgate.examples.http;

import com.sun.net.httpserver.HttpServer;
import io.fleetgate.FleetgateSettings;
import io.fleetgate.store.jdbc.JdbcStore;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A running HTTP host: the store named by the options, the library services on it, the fixtures
 * loaded, and the JDK's HTTP server on 127.0.0.1 with a bounded pool of
 * {@value #THREADS} request threads.
 *
 * <p>The settings come from the environment map the command gives {@link #settings} (never from
 * {@code System.getenv()} here). Without {@code FLEETGATE_SIGNING_SECRET} a random 32-byte secret
 * is made, with a warning: signing keys handed out then do not verify after a restart or on
 * another instance. Thread-safe; {@link #close()} stops the server and closes the
 * store.
 */
final class HttpHost implements AutoCloseable {
    /** Request threads. */
    static final int THREADS = 16;

    private final JdbcStore store;
    private final Services services;
    private final Router router;
    private final HttpServer server;
    private final ExecutorService pool;

    private HttpHost(JdbcStore store, Services services, Router router, HttpServer server, ExecutorService pool) {
        this.store = store;
        this.services = services;
        this.router = router;
        this.server = server;
        this.pool = pool;
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
        JdbcStore store = open(options);
        ExecutorService pool = null;
        try {
            Services services = Services.on(store, settings, clock);
            if (options.fixtures() != null) {
                Fixtures.load(options.fixtures(), store, services);
            }
            Router router = router(services);
            HttpServer server = HttpServer.create(
                    new InetSocketAddress(InetAddress.getByName("127.0.0.1"), options.port()), 64);
            server.createContext("/", router);
            pool = Executors.newFixedThreadPool(THREADS, threads());
            server.setExecutor(pool);
            server.start();
            return new HttpHost(store, services, router, server, pool);
        } catch (IOException e) {
            close(store, pool);
            throw new UncheckedIOException("cannot listen on 127.0.0.1:" + options.port() + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            close(store, pool);
            throw e;
        }
    }

    /**
     * @param services the services
     * @return the router with every endpoint of the contract
     */
    static Router router(Services services) {
        Router router = new Router(services);
        AuthApi.register(router);
        ExclusiveApi.register(router);
        DriverApi.register(router);
        SupervisorApi.register(router);
        return router;
    }

    /**
     * @param env the environment
     * @param err where the warning goes
     * @return the settings, with a random signing secret when the environment has none
     * @throws IllegalArgumentException naming the invalid setting
     */
    static FleetgateSettings settings(Map<String, String> env, PrintStream err) {
        FleetgateSettings settings = FleetgateSettings.fromEnv(env);
        if (settings.signingSecret() != null) {
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

    private static JdbcStore open(ServeOptions options) {
        if (options.sqliteFile() != null) {
            return JdbcStore.sqlite(options.sqliteFile());
        }
        JdbcStore.Builder postgres = JdbcStore.builder().postgres(options.dbUrl()).runtime(options.dbUser(), options.dbPassword());
        if (options.dbOwnerUser() != null) {
            postgres.owner(options.dbOwnerUser(), options.dbOwnerPassword());
        }
        return postgres.build();
    }

    private static ThreadFactory threads() {
        AtomicInteger n = new AtomicInteger();
        return task -> {
            Thread t = new Thread(task, "fleetgate-http-" + n.incrementAndGet());
            t.setDaemon(false);
            return t;
        };
    }

    /** @return the port the server listens on */
    int port() {
        return server.getAddress().getPort();
    }

    /** @return the endpoints served, as {@code METHOD /pattern} */
    java.util.List<String> routes() {
        return router.routes();
    }

    /** @return the services the handlers call */
    Services services() {
        return services;
    }

    /** @return the store, for tests that need to break it */
    JdbcStore store() {
        return store;
    }

    /**
     * Lets running requests finish (up to five seconds; requests arriving meanwhile are refused),
     * then stops the server and closes the store. Idempotent.
     */
    @Override
    public void close() {
        close(store, pool);
        server.stop(0);
    }

    private static void close(JdbcStore store, ExecutorService pool) {
        if (pool != null) {
            pool.shutdown();
            try {
                pool.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        store.close();
    }
}
