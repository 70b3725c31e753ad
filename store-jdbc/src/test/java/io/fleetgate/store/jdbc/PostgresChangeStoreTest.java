package io.fleetgate.store.jdbc;

class PostgresChangeStoreTest extends JdbcChangeStoreContract {
    @Override
    protected Dialect dialect() {
        return Dialect.POSTGRES;
    }
}
