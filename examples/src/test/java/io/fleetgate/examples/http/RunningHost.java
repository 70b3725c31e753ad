package io.fleetgate.examples.http;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/**
 * An in-process host for tests outside this package (the torture scenarios): the same
 * {@link HttpHost} {@code serve} starts, on a port the system picks. Thread-safe; closing it
 * stops the server and closes the store.
 */
public final class RunningHost implements AutoCloseable {
    private final HttpHost host;

    private RunningHost(HttpHost host) {
        this.host = host;
    }

    /**
     * @param dbUrl    {@code jdbc:sqlite:FILE} or {@code jdbc:postgresql:…}
     * @param user     PostgreSQL role, or {@code null}
     * @param password its password, or {@code null}
     * @param fixtures fixtures to load, or {@code null}
     * @param env      the settings, as the environment would give them
     * @return the running host
     */
    public static RunningHost start(String dbUrl, String user, String password, Path fixtures, Map<String, String> env) {
        return start(dbUrl, user, password, null, null, fixtures, env);
    }

    /**
     * @param dbUrl         {@code jdbc:postgresql:…}
     * @param user          the role the store runs as
     * @param password      its password
     * @param ownerUser     the schema's owner (migrates, holds the context key)
     * @param ownerPassword its password
     * @param fixtures      fixtures to load, or {@code null}
     * @param env           the settings and the host's limits ({@code HTTP_…}), as the environment would give
     *                      them, with {@code FLEETGATE_PG_POOLER} and {@code FLEETGATE_PG_LISTEN_URL}
     * @return the running host
     */
    public static RunningHost start(String dbUrl, String user, String password, String ownerUser, String ownerPassword,
                                    Path fixtures, Map<String, String> env) {
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        ServeOptions options = new ServeOptions(0, dbUrl, user, password, fixtures, ownerUser, ownerPassword)
                .withLimits(HttpLimits.from(env));
        String pooler = env.get(ServeOptions.PG_POOLER_ENV);
        if (pooler != null) {
            options = options.withPgPooler(io.fleetgate.store.jdbc.Pooler.parse(ServeOptions.PG_POOLER_ENV, pooler),
                    env.get(ServeOptions.PG_LISTEN_URL_ENV));
        }
        return new RunningHost(HttpHost.start(options, HttpHost.settings(env, quiet), Clock.systemUTC()));
    }

    /** @return e.g. {@code http://127.0.0.1:41234} */
    public String baseUrl() {
        return "http://127.0.0.1:" + host.port();
    }

    @Override
    public void close() {
        host.close();
    }
}
