package io.fleetgate.testing;

/**
 * The PostgreSQL server the {@code Postgres*Test} classes use, from the system properties
 * {@code fleetgate.test.pg.url}, {@code .user} and {@code .password} (scripts/test provisions a
 * throwaway server and passes them). Without a URL every use fails, saying how to give one:
 * PostgreSQL tests never skip.
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

    /** {@return the login role, or {@code null}} */
    public static String user() {
        return System.getProperty("fleetgate.test.pg.user");
    }

    /** {@return its password, or {@code null}} */
    public static String password() {
        return System.getProperty("fleetgate.test.pg.password");
    }
}
