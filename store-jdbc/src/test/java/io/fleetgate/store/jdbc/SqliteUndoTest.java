package io.fleetgate.store.jdbc;

class SqliteUndoTest extends UndoContract {
    @Override
    protected Dialect dialect() {
        return Dialect.SQLITE;
    }
}
