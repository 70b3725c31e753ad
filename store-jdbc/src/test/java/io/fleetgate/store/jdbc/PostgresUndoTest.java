package io.fleetgate.store.jdbc;

class PostgresUndoTest extends UndoContract {
    @Override
    protected Dialect dialect() {
        return Dialect.POSTGRES;
    }
}
