package io.fleetgate.examples.http;

/**
 * The host's connection and rate limits on PostgreSQL: a fresh schema per test (see
 * {@link PostgresTestDatabase}); without a server every test fails saying how to provide one.
 */
class PostgresHostLimitsTest extends HostLimitsContract {

    @Override
    TestDatabase newDatabase() {
        return new PostgresTestDatabase();
    }
}
