package io.fleetgate.store.jdbc;

class PostgresFlywayTest extends FlywayContract {
    @Override
    protected Dialect dialect() {
        return Dialect.POSTGRES;
    }
}
