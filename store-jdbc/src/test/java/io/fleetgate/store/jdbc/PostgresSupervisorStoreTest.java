package io.fleetgate.store.jdbc;

import io.fleetgate.testkit.StoreFixture;

class PostgresSupervisorStoreTest extends JdbcSupervisorStoreContract {
    @Override
    protected StoreFixture newFixture() {
        return new PostgresFixture();
    }
}
