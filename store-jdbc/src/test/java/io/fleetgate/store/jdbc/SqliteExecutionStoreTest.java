package io.fleetgate.store.jdbc;

import io.fleetgate.testkit.StoreFixture;

class SqliteExecutionStoreTest extends JdbcExecutionStoreContract {
    @Override
    protected StoreFixture newFixture() {
        return new SqliteFixture();
    }
}
