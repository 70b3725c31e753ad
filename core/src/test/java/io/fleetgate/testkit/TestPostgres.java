package io.fleetgate.testkit;

/**
 * The PostgreSQL server the {@code Postgres*Test} classes use, from the system properties
 * {@code fleetgate.test.pg.url}, {@code .user} and {@code .password} (the schema owner, which
 * migrates) and {@code .runtime.user} and {@code .runtime.password} (the role the stores run as: owns
 * nothing, member of {@code fleetgate_runtime}); scripts/test provisions a throwaway server and
 * passes them. Without them every use fails, saying how to give them: PostgreSQL tests never skip.
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
