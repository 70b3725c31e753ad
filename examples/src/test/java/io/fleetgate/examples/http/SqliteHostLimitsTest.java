package io.fleetgate.examples.http;

/** The host's connection and rate limits on SQLite: a fresh database file per test. */
class SqliteHostLimitsTest extends HostLimitsContract {

    @Override
    TestDatabase newDatabase() {
        return new SqliteTestDatabase(dir.resolve("limits-test.db"));
    }
}
