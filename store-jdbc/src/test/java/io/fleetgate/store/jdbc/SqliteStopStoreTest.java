package io.fleetgate.store.jdbc;

import io.fleetgate.testkit.StoreFixture;

class SqliteStopStoreTest extends JdbcStopStoreContract {
    @Override
    protected StoreFixture newFixture() {
        return new SqliteFixture();
    }
}
