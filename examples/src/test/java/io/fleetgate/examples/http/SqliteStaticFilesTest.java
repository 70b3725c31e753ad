package io.fleetgate.examples.http;

/** The console's and the driver app's files on SQLite. */
class SqliteStaticFilesTest extends StaticFilesContract {

    @Override
    TestDatabase newDatabase() {
        return new SqliteTestDatabase(dir.resolve("static-test.db"));
    }
}
