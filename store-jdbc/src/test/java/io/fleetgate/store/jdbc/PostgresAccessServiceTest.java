package io.fleetgate.store.jdbc;

import io.fleetgate.testkit.StoreFixture;

class PostgresAccessServiceTest extends JdbcAccessServiceContract {
    @Override
    protected StoreFixture newFixture() {
        return new PostgresFixture();
    }
}
