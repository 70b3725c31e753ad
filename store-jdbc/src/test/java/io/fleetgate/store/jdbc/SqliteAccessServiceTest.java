package io.fleetgate.store.jdbc;

import io.fleetgate.testkit.StoreFixture;

class SqliteAccessServiceTest extends AccessServiceContract {
    @Override
    protected StoreFixture newFixture() {
        return new SqliteFixture();
    }
}
