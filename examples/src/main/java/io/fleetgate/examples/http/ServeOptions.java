package io.fleetgate.examples.http;

import io.fleetgate.store.jdbc.Pooler;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code serve} command line: {@code --port N} (default 8080; 0 picks a free port),
 * {@code --db JDBC_URL} (default {@code jdbc:sqlite:fleetgate.db}), {@code --db-user U},
 * {@code --db-password P}, {@code --db-owner-user O}, {@code --db-owner-password OP},
 * {@code --fixtures FILE}; the connection and rate limits of {@link HttpLimits}
 * ({@code --header-timeout-s S} and the others, each also an {@code HTTP_…} environment setting; a
 * flag wins over the setting); and how often the host runs the position stream's sweep,
 * {@code --position-sweep-s S} or {@value #POSITION_SWEEP_ENV} (default 30; 0 runs none, for
 * hosts that leave it to another; see {@link PositionSweeper}). {@value #METRICS_TOKEN_ENV} (an
 * environment setting only, so the secret is not on the command line) enables {@code GET /metrics}
 * ({@link MetricsApi}). Behind a PostgreSQL pooler, {@value #PG_POOLER_ENV} ({@code none},
 * {@code session} or {@code transaction}; see {@link Pooler}) and, with {@code transaction},
 * {@value #PG_LISTEN_URL_ENV} (a URL straight to the server for the change feed's {@code LISTEN};
 * without it the feed polls every second): environment settings only. Immutable.
 *
 * <p>On PostgreSQL {@code --db-user} is the role the store runs as (owns nothing, member of
 * {@code fleetgate_runtime}) and {@code --db-owner-user} the schema's owner, which migrates and
 * holds the context key; the password of either may come from the environment instead
 * ({@value #DB_PASSWORD_ENV}, {@value #DB_OWNER_PASSWORD_ENV}), so it is not on the command line.
 * Without an owner the store would run as the owner, which it refuses.
 *
 * @param port            the port on 127.0.0.1, 0 to 65535
 * @param dbUrl           {@code jdbc:sqlite:PATH} or {@code jdbc:postgresql:…}
 * @param dbUser          the PostgreSQL role the store runs as, or {@code null}
 * @param dbPassword      its password, or {@code null}
 * @param fixtures        the fixtures file to load at start, or {@code null}
 * @param dbOwnerUser     the PostgreSQL schema's owner, or {@code null}
 * @param dbOwnerPassword its password, or {@code null}
 * @param limits          the connection and rate limits
 * @param positionSweep   the time between two sweeps of the position stream; zero for none
 * @param metricsToken    the bearer token {@code GET /metrics} asks for ({@value #METRICS_TOKEN_ENV}),
 *                        or {@code null}: then the host serves no metrics (404) and collects none
 * @param pgPooler        the PostgreSQL pooler in between ({@value #PG_POOLER_ENV}); {@link Pooler#NONE}
 *                        on SQLite
 * @param pgListenUrl     behind a transaction pooler, the direct URL the change feed listens on
 *                        ({@value #PG_LISTEN_URL_ENV}), or {@code null}
 * @param dbConnectionTimeout how long a request waits for a database connection before it is
 *                        answered 503 {@code STORE_UNAVAILABLE} ({@code --db-connection-timeout-s}
 *                        or {@value #DB_CONNECTION_TIMEOUT_ENV}), or {@code null} for the store's
 *                        default (10 s)
 * @param dbReplicaUrl    a PostgreSQL replica for the reads that may lag ({@code --db-replica} or
 *                        {@value #DB_REPLICA_ENV}; see {@code JdbcStore.Builder.replica}), or
 *                        {@code null} for none
 */
record ServeOptions(int port, String dbUrl, String dbUser, String dbPassword, Path fixtures, String dbOwnerUser,
                    String dbOwnerPassword, HttpLimits limits, Duration positionSweep, String metricsToken,
                    Pooler pgPooler, String pgListenUrl, Duration dbConnectionTimeout, String dbReplicaUrl) {
    /** The setting that enables {@code GET /metrics}: the bearer token a scraper sends. */
    static final String METRICS_TOKEN_ENV = "HTTP_METRICS_TOKEN";
    /** The shortest metrics token accepted. */
    static final int METRICS_TOKEN_MIN_CHARS = 32;
    /** The environment variable {@code --db-password} defaults to. */
    static final String DB_PASSWORD_ENV = "FLEETGATE_DB_PASSWORD";
    /** The environment variable {@code --db-owner-password} defaults to. */
    static final String DB_OWNER_PASSWORD_ENV = "FLEETGATE_DB_OWNER_PASSWORD";
    static final int DEFAULT_PORT = 8080;
    static final String DEFAULT_DB = "jdbc:sqlite:fleetgate.db";
    static final String SQLITE = "jdbc:sqlite:";
    static final String POSTGRES = "jdbc:postgresql:";
    /** The environment variable {@code --db-connection-timeout-s} defaults to. */
    static final String DB_CONNECTION_TIMEOUT_ENV = "FLEETGATE_DB_CONNECTION_TIMEOUT_S";
    /** The environment variable {@code --db-replica} defaults to. */
    static final String DB_REPLICA_ENV = "FLEETGATE_PG_REPLICA_URL";
    /** The environment variable {@code --position-sweep-s} defaults to. */
    static final String POSITION_SWEEP_ENV = "HTTP_POSITION_SWEEP_S";
    /** The setting naming the PostgreSQL pooler in between: {@code none}, {@code session} or {@code transaction}. */
    static final String PG_POOLER_ENV = "FLEETGATE_PG_POOLER";
    /** The setting giving, behind a transaction pooler, a direct URL for the change feed's LISTEN. */
    static final String PG_LISTEN_URL_ENV = "FLEETGATE_PG_LISTEN_URL";
    /** The time between two sweeps when neither the flag nor the setting says. */
    static final Duration DEFAULT_POSITION_SWEEP = PositionSweeper.DEFAULT_PERIOD;

    /**
     * @throws IllegalArgumentException for a port out of range, an unsupported URL or a sweep
     *                                  period out of range
     */
    ServeOptions {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--port must be between 0 and 65535, got " + port);
        }
        if (dbUrl.startsWith(SQLITE)) {
            String path = dbUrl.substring(SQLITE.length());
            if (path.isBlank() || path.startsWith(":memory:") || path.contains("?")) {
                throw new IllegalArgumentException("--db jdbc:sqlite: needs a file path, e.g. jdbc:sqlite:fleetgate.db");
            }
        } else if (!dbUrl.startsWith(POSTGRES)) {
            throw new IllegalArgumentException("--db must start with " + SQLITE + " or " + POSTGRES + ", got '"
                    + dbUrl + "'");
        }
        if (limits == null) {
            throw new IllegalArgumentException("limits must not be null");
        }
        if (positionSweep == null || !positionSweep.isZero() && (positionSweep.compareTo(Duration.ofMillis(1)) < 0
                || positionSweep.compareTo(Duration.ofHours(1)) > 0)) {
            throw new IllegalArgumentException("--position-sweep-s (" + POSITION_SWEEP_ENV + ") must be 0 (no sweep) "
                    + "or 0.001 to 3600 seconds, got " + positionSweep);
        }
        if (dbReplicaUrl != null && !(dbReplicaUrl.startsWith(POSTGRES) && dbUrl.startsWith(POSTGRES))) {
            throw new IllegalArgumentException("--db-replica (" + DB_REPLICA_ENV + ") must be a " + POSTGRES
                    + " URL, beside a PostgreSQL --db");
        }
        if (dbConnectionTimeout != null && (dbConnectionTimeout.compareTo(Duration.ofMillis(250)) < 0
                || dbConnectionTimeout.compareTo(Duration.ofMinutes(10)) > 0)) {
            throw new IllegalArgumentException("--db-connection-timeout-s (" + DB_CONNECTION_TIMEOUT_ENV
                    + ") must be 0.25 to 600 seconds, got " + dbConnectionTimeout);
        }
        if (metricsToken != null && (metricsToken.length() < METRICS_TOKEN_MIN_CHARS || metricsToken.length() > 512
                || !metricsToken.chars().allMatch(c -> c > 0x20 && c < 0x7f))) {
            // the value itself is never echoed: it is a secret
            throw new IllegalArgumentException(METRICS_TOKEN_ENV + " must be " + METRICS_TOKEN_MIN_CHARS
                    + " to 512 printable ASCII characters without spaces (e.g. 32 random bytes, base64)");
        }
        if (pgPooler == null) {
            throw new IllegalArgumentException("pgPooler must not be null");
        }
        if (pgPooler != Pooler.NONE && !dbUrl.startsWith(POSTGRES)) {
            throw new IllegalArgumentException(PG_POOLER_ENV + " is for PostgreSQL (--db " + POSTGRES
                    + "…); SQLite has no pooler: leave it unset or none");
        }
        // the URL itself is not repeated: it may carry a password
        if (pgListenUrl != null && (pgPooler != Pooler.TRANSACTION || !pgListenUrl.startsWith(POSTGRES))) {
            throw new IllegalArgumentException(PG_LISTEN_URL_ENV + " goes with " + PG_POOLER_ENV
                    + "=transaction and must start with " + POSTGRES);
        }
    }

    /**
     * Options with no PostgreSQL pooler.
     *
     * @param port            the port on 127.0.0.1, 0 to 65535
     * @param dbUrl           {@code jdbc:sqlite:PATH} or {@code jdbc:postgresql:…}
     * @param dbUser          the role the store runs as, or {@code null}
     * @param dbPassword      its password, or {@code null}
     * @param fixtures        the fixtures file to load at start, or {@code null}
     * @param dbOwnerUser     the schema's owner, or {@code null}
     * @param dbOwnerPassword its password, or {@code null}
     * @param limits          the connection and rate limits
     * @param positionSweep   the time between two sweeps; zero for none
     * @param metricsToken    the bearer token {@code GET /metrics} asks for, or {@code null}
     */
    ServeOptions(int port, String dbUrl, String dbUser, String dbPassword, Path fixtures, String dbOwnerUser,
                 String dbOwnerPassword, HttpLimits limits, Duration positionSweep, String metricsToken) {
        this(port, dbUrl, dbUser, dbPassword, fixtures, dbOwnerUser, dbOwnerPassword, limits, positionSweep,
                metricsToken, Pooler.NONE, null, null, null);
    }

    /**
     * Options without metrics.
     *
     * @param port            the port on 127.0.0.1, 0 to 65535
     * @param dbUrl           {@code jdbc:sqlite:PATH} or {@code jdbc:postgresql:…}
     * @param dbUser          the role the store runs as, or {@code null}
     * @param dbPassword      its password, or {@code null}
     * @param fixtures        the fixtures file to load at start, or {@code null}
     * @param dbOwnerUser     the schema's owner, or {@code null}
     * @param dbOwnerPassword its password, or {@code null}
     * @param limits          the connection and rate limits
     * @param positionSweep   the time between two sweeps; zero for none
     */
    ServeOptions(int port, String dbUrl, String dbUser, String dbPassword, Path fixtures, String dbOwnerUser,
                 String dbOwnerPassword, HttpLimits limits, Duration positionSweep) {
        this(port, dbUrl, dbUser, dbPassword, fixtures, dbOwnerUser, dbOwnerPassword, limits, positionSweep, null);
    }

    /**
     * Options with those limits and the default sweep period.
     *
     * @param port            the port on 127.0.0.1, 0 to 65535
     * @param dbUrl           {@code jdbc:sqlite:PATH} or {@code jdbc:postgresql:…}
     * @param dbUser          the role the store runs as, or {@code null}
     * @param dbPassword      its password, or {@code null}
     * @param fixtures        the fixtures file to load at start, or {@code null}
     * @param dbOwnerUser     the schema's owner, or {@code null}
     * @param dbOwnerPassword its password, or {@code null}
     * @param limits          the connection and rate limits
     */
    ServeOptions(int port, String dbUrl, String dbUser, String dbPassword, Path fixtures, String dbOwnerUser,
                 String dbOwnerPassword, HttpLimits limits) {
        this(port, dbUrl, dbUser, dbPassword, fixtures, dbOwnerUser, dbOwnerPassword, limits, DEFAULT_POSITION_SWEEP);
    }

    /**
     * Options without a PostgreSQL owner (SQLite, or a PostgreSQL role that is not the owner), with
     * the default {@link HttpLimits}.
     *
     * @param port       the port on 127.0.0.1, 0 to 65535
     * @param dbUrl      {@code jdbc:sqlite:PATH} or {@code jdbc:postgresql:…}
     * @param dbUser     the role the store runs as, or {@code null}
     * @param dbPassword its password, or {@code null}
     * @param fixtures   the fixtures file to load at start, or {@code null}
     */
    ServeOptions(int port, String dbUrl, String dbUser, String dbPassword, Path fixtures) {
        this(port, dbUrl, dbUser, dbPassword, fixtures, null, null, HttpLimits.DEFAULTS);
    }

    /**
     * Options with a PostgreSQL owner and the default {@link HttpLimits}.
     *
     * @param port            the port on 127.0.0.1, 0 to 65535
     * @param dbUrl           {@code jdbc:postgresql:…} (or {@code jdbc:sqlite:PATH})
     * @param dbUser          the role the store runs as, or {@code null}
     * @param dbPassword      its password, or {@code null}
     * @param fixtures        the fixtures file to load at start, or {@code null}
     * @param dbOwnerUser     the schema's owner, or {@code null}
     * @param dbOwnerPassword its password, or {@code null}
     */
    ServeOptions(int port, String dbUrl, String dbUser, String dbPassword, Path fixtures, String dbOwnerUser,
                 String dbOwnerPassword) {
        this(port, dbUrl, dbUser, dbPassword, fixtures, dbOwnerUser, dbOwnerPassword, HttpLimits.DEFAULTS);
    }

    /**
     * @param limits other limits
     * @return these options with those limits
     */
    ServeOptions withLimits(HttpLimits limits) {
        return new ServeOptions(port, dbUrl, dbUser, dbPassword, fixtures, dbOwnerUser, dbOwnerPassword, limits,
                positionSweep, metricsToken, pgPooler, pgListenUrl, dbConnectionTimeout, dbReplicaUrl);
    }

    /**
     * @param period the time between two sweeps of the position stream; zero for none
     * @return these options with that period
     */
    ServeOptions withPositionSweep(Duration period) {
        return new ServeOptions(port, dbUrl, dbUser, dbPassword, fixtures, dbOwnerUser, dbOwnerPassword, limits,
                period, metricsToken, pgPooler, pgListenUrl, dbConnectionTimeout, dbReplicaUrl);
    }

    /**
     * @param token the bearer token {@code GET /metrics} asks for, or {@code null} for no metrics
     * @return these options with that token
     */
    ServeOptions withMetricsToken(String token) {
        return new ServeOptions(port, dbUrl, dbUser, dbPassword, fixtures, dbOwnerUser, dbOwnerPassword, limits,
                positionSweep, token, pgPooler, pgListenUrl, dbConnectionTimeout, dbReplicaUrl);
    }

    /**
     * @param pooler    the PostgreSQL pooler in between
     * @param listenUrl behind a transaction pooler, the direct URL for the change feed, or {@code null}
     * @return these options with that pooler
     */
    ServeOptions withPgPooler(Pooler pooler, String listenUrl) {
        return new ServeOptions(port, dbUrl, dbUser, dbPassword, fixtures, dbOwnerUser, dbOwnerPassword, limits,
                positionSweep, metricsToken, pooler, listenUrl, dbConnectionTimeout, dbReplicaUrl);
    }

    /**
     * @param timeout how long a request waits for a database connection, or {@code null} for the
     *                store's default
     * @return these options with that timeout
     */
    ServeOptions withDbConnectionTimeout(Duration timeout) {
        return new ServeOptions(port, dbUrl, dbUser, dbPassword, fixtures, dbOwnerUser, dbOwnerPassword, limits,
                positionSweep, metricsToken, pgPooler, pgListenUrl, timeout, dbReplicaUrl);
    }

    /**
     * @param url a PostgreSQL replica's JDBC URL, or {@code null} for none
     * @return these options with that replica
     */
    ServeOptions withDbReplica(String url) {
        return new ServeOptions(port, dbUrl, dbUser, dbPassword, fixtures, dbOwnerUser, dbOwnerPassword, limits,
                positionSweep, metricsToken, pgPooler, pgListenUrl, dbConnectionTimeout, url);
    }

    /** @return the options, the metrics token hidden (it is a secret; so are the passwords) */
    @Override
    public String toString() {
        return "ServeOptions[port=" + port + ", dbUrl=" + dbUrl + ", dbUser=" + dbUser + ", fixtures=" + fixtures
                + ", dbOwnerUser=" + dbOwnerUser + ", limits=" + limits + ", positionSweep=" + positionSweep
                + ", metrics=" + (metricsToken != null) + ", pgPooler=" + pgPooler + ", pgListenUrl="
                + (pgListenUrl != null) + ", dbConnectionTimeout=" + dbConnectionTimeout + ", dbReplicaUrl="
                + (dbReplicaUrl != null) + "]";
    }

    /** @return the SQLite file for a {@code jdbc:sqlite:} URL, else {@code null} */
    Path sqliteFile() {
        return dbUrl.startsWith(SQLITE) ? Path.of(dbUrl.substring(SQLITE.length())) : null;
    }

    /**
     * @param args the options after {@code serve}
     * @return the options, with the default limits but for those the flags set
     * @throws IllegalArgumentException with a one-line message for an unknown option, a missing
     *                                  value or an invalid one
     */
    static ServeOptions parse(List<String> args) {
        return parse(args, Map.of());
    }

    /**
     * @param args the options after {@code serve}
     * @param env  the environment, for the {@code HTTP_…} limits and sweep period the flags do not
     *             set and the passwords not given as options
     * @return the options
     * @throws IllegalArgumentException with a one-line message for an unknown option, a missing
     *                                  value or an invalid one
     */
    static ServeOptions parse(List<String> args, Map<String, String> env) {
        Map<String, String> limits = new HashMap<>();
        HttpLimits.FLAGS.values().forEach(name -> {
            if (env.get(name) != null) {
                limits.put(name, env.get(name));
            }
        });
        int port = DEFAULT_PORT;
        String db = DEFAULT_DB;
        String user = null;
        String password = null;
        Path fixtures = null;
        String ownerUser = null;
        String ownerPassword = null;
        String sweep = env.get(POSITION_SWEEP_ENV);
        String sweepName = POSITION_SWEEP_ENV;
        String connectionTimeout = env.get(DB_CONNECTION_TIMEOUT_ENV);
        String connectionTimeoutName = DB_CONNECTION_TIMEOUT_ENV;
        String replica = env.get(DB_REPLICA_ENV);
        for (int i = 0; i < args.size(); i++) {
            String option = args.get(i);
            if (!List.of("--port", "--db", "--db-user", "--db-password", "--fixtures", "--db-owner-user",
                    "--db-owner-password", "--position-sweep-s", "--db-connection-timeout-s", "--db-replica").contains(option)
                    && !HttpLimits.FLAGS.containsKey(option)) {
                throw new IllegalArgumentException("unknown option '" + option
                        + "'; options: --port N, --db JDBC_URL, --db-user U, --db-password P, --fixtures FILE, "
                        + "--db-owner-user O, --db-owner-password OP, "
                        + String.join(" N, ", HttpLimits.FLAG_NAMES) + " N, --position-sweep-s S, "
                        + "--db-connection-timeout-s S, --db-replica JDBC_URL");
            }
            if (i + 1 >= args.size()) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            String value = args.get(++i);
            switch (option) {
                case "--port" -> {
                    try {
                        port = Integer.parseInt(value);
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("--port must be a number, got '" + value + "'");
                    }
                }
                case "--db" -> db = value;
                case "--db-user" -> user = value;
                case "--db-password" -> password = value;
                case "--fixtures" -> fixtures = Path.of(value);
                case "--db-owner-user" -> ownerUser = value;
                case "--db-owner-password" -> ownerPassword = value;
                case "--position-sweep-s" -> {
                    sweep = value;
                    sweepName = "--position-sweep-s";
                }
                case "--db-replica" -> replica = value;
                case "--db-connection-timeout-s" -> {
                    connectionTimeout = value;
                    connectionTimeoutName = "--db-connection-timeout-s";
                }
                default -> limits.put(HttpLimits.FLAGS.get(option), value);
            }
        }
        if (password == null && user != null) {
            password = env.get(DB_PASSWORD_ENV);
        }
        if (ownerPassword == null && ownerUser != null) {
            ownerPassword = env.get(DB_OWNER_PASSWORD_ENV);
        }
        String metricsToken = env.get(METRICS_TOKEN_ENV);
        String pooler = env.get(PG_POOLER_ENV);
        String listenUrl = env.get(PG_LISTEN_URL_ENV);
        return new ServeOptions(port, db, user, password, fixtures, ownerUser, ownerPassword, HttpLimits.from(limits),
                sweep == null ? DEFAULT_POSITION_SWEEP : sweepPeriod(sweepName, sweep),
                metricsToken == null || metricsToken.isEmpty() ? null : metricsToken,
                pooler == null || pooler.isEmpty() ? Pooler.NONE : Pooler.parse(PG_POOLER_ENV, pooler),
                listenUrl == null || listenUrl.isEmpty() ? null : listenUrl,
                connectionTimeout == null ? null : connectionTimeout(connectionTimeoutName, connectionTimeout),
                replica == null || replica.isEmpty() ? null : replica);
    }

    /**
     * @param name  the flag or setting, for the message
     * @param value seconds, maybe with a fraction
     * @return the timeout
     * @throws IllegalArgumentException naming the flag or setting when not 0.25 to 600 seconds
     */
    private static Duration connectionTimeout(String name, String value) {
        try {
            BigDecimal s = new BigDecimal(value.trim());
            if (s.compareTo(new BigDecimal("0.25")) < 0 || s.compareTo(BigDecimal.valueOf(600)) > 0) {
                throw new IllegalArgumentException(name + " must be 0.25 to 600 seconds, got '" + value + "'");
            }
            return Duration.ofMillis(s.movePointRight(3).longValue());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a number of seconds, got '" + value + "'");
        }
    }

    /**
     * @param name  the flag or setting, for the message
     * @param value seconds, maybe with a fraction; 0 for no sweep
     * @return the period
     * @throws IllegalArgumentException naming the flag or setting when not 0 to 3600 seconds
     */
    private static Duration sweepPeriod(String name, String value) {
        try {
            BigDecimal s = new BigDecimal(value.trim());
            if (s.signum() < 0 || s.signum() > 0 && s.compareTo(new BigDecimal("0.001")) < 0
                    || s.compareTo(BigDecimal.valueOf(3600)) > 0) {
                throw new IllegalArgumentException(name + " must be 0 (no sweep) or 0.001 to 3600 seconds, got '"
                        + value + "'");
            }
            return Duration.ofNanos(s.movePointRight(9).longValue());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a number of seconds, got '" + value + "'");
        }
    }
}
