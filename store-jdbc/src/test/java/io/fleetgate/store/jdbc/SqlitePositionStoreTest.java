package io.fleetgate.store.jdbc;

import io.fleetgate.testkit.StoreFixture;

class SqlitePositionStoreTest extends JdbcPositionStoreContract {
    @Override
    protected StoreFixture newFixture() {
        return new SqliteFixture();
    }
}
