package io.fleetgate.store.jdbc;

import io.fleetgate.testkit.StoreFixture;

class SqliteExecutionStoreTest extends ExecutionStoreContract {
    @Override
    protected StoreFixture newFixture() {
        return new SqliteFixture();
    }
}
