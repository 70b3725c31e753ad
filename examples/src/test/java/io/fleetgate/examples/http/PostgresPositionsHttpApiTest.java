package io.fleetgate.examples.http;

/**
 * The position stream over HTTP on PostgreSQL: a fresh schema per test (see
 * {@link PostgresTestDatabase}); without a server every test fails saying how to provide one:
 * never skipped.
 */
class PostgresPositionsHttpApiTest extends PositionsHttpApiContract {

    @Override
    TestDatabase newDatabase() {
        return new PostgresTestDatabase();
    }
}
