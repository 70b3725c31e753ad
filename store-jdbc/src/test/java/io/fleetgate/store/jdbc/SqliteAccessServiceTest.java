package io.fleetgate.store.jdbc;

import io.fleetgate.testkit.StoreFixture;

class SqliteAccessServiceTest extends JdbcAccessServiceContract {
    @Override
    protected StoreFixture newFixture() {
        return new SqliteFixture();
    }
}
