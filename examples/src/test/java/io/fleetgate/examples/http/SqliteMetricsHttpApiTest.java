package io.fleetgate.examples.http;

/** {@code GET /metrics} on SQLite: a fresh database file per test in the test's temporary folder. */
class SqliteMetricsHttpApiTest extends MetricsHttpApiContract {

    @Override
    TestDatabase newDatabase() {
        return new SqliteTestDatabase(dir.resolve("metrics-test.db"));
    }

    @Override
    String poolName() {
        return "fleetgate-sqlite";
    }
}
