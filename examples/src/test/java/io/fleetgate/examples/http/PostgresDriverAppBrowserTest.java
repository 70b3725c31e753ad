package io.fleetgate.examples.http;

/** The driver web app in a real browser, on PostgreSQL; never skipped. */
class PostgresDriverAppBrowserTest extends DriverAppBrowserContract {

    @Override
    TestDatabase newDatabase() {
        return new PostgresTestDatabase();
    }
}
