package io.fleetgate.store.jdbc;

import io.fleetgate.testkit.StoreFixture;

class SqliteSupervisorStoreTest extends JdbcSupervisorStoreContract {
    @Override
    protected StoreFixture newFixture() {
        return new SqliteFixture();
    }
}
