package io.fleetgate.testkit;

/**
 * The PostgreSQL server the {@code Postgres*Test} classes use, from the system properties
 * {@code fleetgate.test.pg.url}, {@code .user} and {@code .password} (the schema owner, which
 * migrates) and {@code .runtime.user} and {@code .runtime.password} (the role the stores run as: owns
 * nothing, member of {@code fleetgate_runtime}); scripts/test provisions a throwaway server and
 * passes them. Without them every use fails, saying how to give them: PostgreSQL tests never skip.
 *
 * <p>scripts/test runs the PostgreSQL tests a second time through a throwaway PgBouncer in
 * transaction mode: then {@code fleetgate.test.pg.url} is PgBouncer's URL, the one the stores use,
 * {@code fleetgate.test.pg.pooler} is {@code transaction} (the stores are built with that pooler
 * setting), and {@code fleetgate.test.pg.direct.url} reaches the server itself, for what needs a
 * session of its own: the tests' raw JDBC (schema set-up, signed contexts, inspection) and the
 * change feed's {@code LISTEN}.
 */
public final class TestPostgres {
    private TestPostgres() {
    }

    /** {@return the JDBC URL of the test server} @throws IllegalStateException if none was given */
    public static String url() {
        String url = System.getProperty("fleetgate.test.pg.url", "");
        if (url.isBlank()) {
            throw new IllegalStateException("PostgreSQL tests need a server. Run scripts/test (it provisions a "
                    + "throwaway one), or pass -Dfleetgate.test.pg.url=jdbc:postgresql://HOST:PORT/DB "
                    + "-Dfleetgate.test.pg.user=U -Dfleetgate.test.pg.password=P to mvn.");
        }
        return url;
    }

    /**
     * {@return the JDBC URL that reaches the test server directly (not through a pooler): the same
     * as {@link #url()} unless {@code fleetgate.test.pg.direct.url} says otherwise}
     */
    public static String directUrl() {
        String direct = System.getProperty("fleetgate.test.pg.direct.url", "");
        return direct.isBlank() ? url() : direct;
    }

    /**
     * {@return the pooler between the stores and the server, {@code none} (default) or
     * {@code transaction} ({@code fleetgate.test.pg.pooler})}
     */
    public static String pooler() {
        String pooler = System.getProperty("fleetgate.test.pg.pooler", "");
        return pooler.isBlank() ? "none" : pooler;
    }

    /** {@return whether the stores reach the server through a transaction pooler} */
    public static boolean throughTransactionPooler() {
        return "transaction".equals(pooler());
    }

    /** {@return the owner's login role, or {@code null}} */
    public static String user() {
        return System.getProperty("fleetgate.test.pg.user");
    }

    /** {@return its password, or {@code null}} */
    public static String password() {
        return System.getProperty("fleetgate.test.pg.password");
    }

    /**
     * {@return the login role the stores run as}
     *
     * @throws IllegalStateException if none was given
     */
    public static String runtimeUser() {
        String user = System.getProperty("fleetgate.test.pg.runtime.user", "");
        if (user.isBlank()) {
            throw new IllegalStateException("PostgreSQL tests need a runtime login role that owns nothing and is a "
                    + "member of the NOLOGIN role fleetgate_runtime. scripts/test creates one (fleetgate_app) on the "
                    + "server it provisions; with your own server create them (CREATE ROLE fleetgate_runtime NOLOGIN; "
                    + "CREATE ROLE fleetgate_app LOGIN PASSWORD '…'; GRANT fleetgate_runtime TO fleetgate_app) and set "
                    + "FLEETGATE_TEST_PG_RUNTIME_USER and FLEETGATE_TEST_PG_RUNTIME_PASSWORD (or pass "
                    + "-Dfleetgate.test.pg.runtime.user=U -Dfleetgate.test.pg.runtime.password=P to mvn).");
        }
        return user;
    }

    /** {@return the runtime role's password, or {@code null}} */
    public static String runtimePassword() {
        return System.getProperty("fleetgate.test.pg.runtime.password");
    }
}
