package io.fleetgate.examples.http;

/**
 * The HTTP contract on PostgreSQL: a fresh schema per test (see {@link PostgresTestDatabase});
 * without a server every test fails saying how to provide one: never skipped.
 */
class PostgresHttpApiTest extends HttpApiContract {

    @Override
    TestDatabase newDatabase() {
        return new PostgresTestDatabase();
    }
}
