package io.fleetgate.examples.http;

/** The HTTP contract on SQLite: a fresh database file per test in the test's temporary folder. */
class SqliteHttpApiTest extends HttpApiContract {

    @Override
    TestDatabase newDatabase() {
        return new SqliteTestDatabase(dir.resolve("http-test.db"));
    }
}
