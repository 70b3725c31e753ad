package io.fleetgate.examples.http;

/** The driver web app in a real browser, on SQLite. */
class SqliteDriverAppBrowserTest extends DriverAppBrowserContract {

    @Override
    TestDatabase newDatabase() {
        return new SqliteTestDatabase(dir.resolve("driver-app.db"));
    }
}
