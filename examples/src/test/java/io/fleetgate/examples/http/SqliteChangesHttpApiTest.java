package io.fleetgate.examples.http;

/** The live change feed over HTTP on SQLite: a fresh database file per test. */
class SqliteChangesHttpApiTest extends ChangesHttpApiContract {
    @Override
    TestDatabase newDatabase() {
        return new SqliteTestDatabase(dir.resolve("changes-test.db"));
    }
}
