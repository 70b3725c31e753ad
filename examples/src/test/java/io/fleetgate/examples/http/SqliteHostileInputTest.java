package io.fleetgate.examples.http;

/** Hostile input on SQLite: a fresh database file in the test's temporary folder. */
class SqliteHostileInputTest extends HostileInputContract {

    @Override
    TestDatabase newDatabase() {
        return new SqliteTestDatabase(dir.resolve("hostile.db"));
    }
}
