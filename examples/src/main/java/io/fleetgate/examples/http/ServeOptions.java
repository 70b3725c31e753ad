package io.fleetgate.examples.http;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code serve} command line: {@code --port N} (default 8080; 0 picks a free port),
 * {@code --db JDBC_URL} (default {@code jdbc:sqlite:fleetgate.db}), {@code --db-user U},
 * {@code --db-password P}, {@code --fixtures FILE}; and the connection and rate limits of
 * {@link HttpLimits} ({@code --header-timeout-s S} and the others, each also an {@code HTTP_…}
 * environment setting; a flag wins over the setting). Immutable.
 *
 * @param port       the port on 127.0.0.1, 0 to 65535
 * @param dbUrl      {@code jdbc:sqlite:PATH} or {@code jdbc:postgresql:…}
 * @param dbUser     the PostgreSQL role, or {@code null}
 * @param dbPassword its password, or {@code null}
 * @param fixtures   the fixtures file to load at start, or {@code null}
 * @param limits     the connection and rate limits
 */
record ServeOptions(int port, String dbUrl, String dbUser, String dbPassword, Path fixtures, HttpLimits limits) {
    static final int DEFAULT_PORT = 8080;
    static final String DEFAULT_DB = "jdbc:sqlite:fleetgate.db";
    static final String SQLITE = "jdbc:sqlite:";
    static final String POSTGRES = "jdbc:postgresql:";

    /** @throws IllegalArgumentException for a port out of range or an unsupported URL */
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
    }

    /**
     * Options with the default {@link HttpLimits}.
     *
     * @param port       the port on 127.0.0.1, 0 to 65535
     * @param dbUrl      {@code jdbc:sqlite:PATH} or {@code jdbc:postgresql:…}
     * @param dbUser     the PostgreSQL role, or {@code null}
     * @param dbPassword its password, or {@code null}
     * @param fixtures   the fixtures file to load at start, or {@code null}
     */
    ServeOptions(int port, String dbUrl, String dbUser, String dbPassword, Path fixtures) {
        this(port, dbUrl, dbUser, dbPassword, fixtures, HttpLimits.DEFAULTS);
    }

    /**
     * @param limits other limits
     * @return these options with those limits
     */
    ServeOptions withLimits(HttpLimits limits) {
        return new ServeOptions(port, dbUrl, dbUser, dbPassword, fixtures, limits);
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
     * @param env  the environment, for the {@code HTTP_…} limits the flags do not set
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
        for (int i = 0; i < args.size(); i++) {
            String option = args.get(i);
            if (!List.of("--port", "--db", "--db-user", "--db-password", "--fixtures").contains(option)
                    && !HttpLimits.FLAGS.containsKey(option)) {
                throw new IllegalArgumentException("unknown option '" + option
                        + "'; options: --port N, --db JDBC_URL, --db-user U, --db-password P, --fixtures FILE, "
                        + String.join(" N, ", HttpLimits.FLAG_NAMES) + " N");
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
                default -> limits.put(HttpLimits.FLAGS.get(option), value);
            }
        }
        return new ServeOptions(port, db, user, password, fixtures, HttpLimits.from(limits));
    }
}
