package io.fleetgate.examples.http;

/** The position stream over HTTP on SQLite: a fresh database file per test in the test's temporary folder. */
class SqlitePositionsHttpApiTest extends PositionsHttpApiContract {

    @Override
    TestDatabase newDatabase() {
        return new SqliteTestDatabase(dir.resolve("positions-test.db"));
    }
}
