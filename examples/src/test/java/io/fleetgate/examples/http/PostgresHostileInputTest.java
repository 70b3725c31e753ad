package io.fleetgate.examples.http;

/**
 * Hostile input on PostgreSQL: a fresh schema (see {@link PostgresTestDatabase}); without a server
 * the test fails saying how to provide one: never skipped.
 */
class PostgresHostileInputTest extends HostileInputContract {

    @Override
    TestDatabase newDatabase() {
        return new PostgresTestDatabase();
    }
}
