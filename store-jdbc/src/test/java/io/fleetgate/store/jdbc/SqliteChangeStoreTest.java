package io.fleetgate.store.jdbc;

class SqliteChangeStoreTest extends JdbcChangeStoreContract {
    @Override
    protected Dialect dialect() {
        return Dialect.SQLITE;
    }
}
