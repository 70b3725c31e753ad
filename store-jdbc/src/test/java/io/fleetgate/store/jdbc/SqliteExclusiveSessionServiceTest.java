package io.fleetgate.store.jdbc;

import io.fleetgate.contract.ExclusiveSessionServiceContract;
import io.fleetgate.testkit.StoreFixture;

class SqliteExclusiveSessionServiceTest extends ExclusiveSessionServiceContract {
    @Override
    protected StoreFixture newFixture() {
        return new SqliteFixture();
    }
}
