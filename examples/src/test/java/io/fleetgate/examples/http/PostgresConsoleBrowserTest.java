package io.fleetgate.examples.http;

/** The supervisor console in a real browser, on PostgresSQL; never skipped. */
class PostgresConsoleBrowserTest extends ConsoleBrowserContract {

    @Override
    TestDatabase newDatabase() {
        return new PostgresTestDatabase();
    }
}
