package io.fleetgate.examples.http;

/** The console's and the driver app's files on PostgreSQL; never skipped. */
class PostgresStaticFilesTest extends StaticFilesContract {

    @Override
    TestDatabase newDatabase() {
        return new PostgresTestDatabase();
    }
}
