package io.fleetgate.examples.http;

/** The supervisor console in a real browser, on SQLite. */
class SqliteConsoleBrowserTest extends ConsoleBrowserContract {

    @Override
    TestDatabase newDatabase() {
        return new SqliteTestDatabase(dir.resolve("console.db"));
    }
}
