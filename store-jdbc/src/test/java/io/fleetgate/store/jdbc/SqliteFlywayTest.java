package io.fleetgate.store.jdbc;

class SqliteFlywayTest extends FlywayContract {
    @Override
    protected Dialect dialect() {
        return Dialect.SQLITE;
    }
}
