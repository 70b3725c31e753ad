package io.fleetgate.examples.http;

/**
 * {@code GET /metrics} on PostgreSQL: a fresh schema per test (see {@link PostgresTestDatabase});
 * without a server every test fails saying how to provide one: never skipped.
 */
class PostgresMetricsHttpApiTest extends MetricsHttpApiContract {

    @Override
    TestDatabase newDatabase() {
        return new PostgresTestDatabase();
    }

    @Override
    String poolName() {
        return "fleetgate-postgres";
    }
}
