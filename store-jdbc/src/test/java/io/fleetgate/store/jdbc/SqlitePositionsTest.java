package io.fleetgate.store.jdbc;

import io.fleetgate.contract.PositionsContract;
import io.fleetgate.testkit.StoreFixture;

class SqlitePositionsTest extends PositionsContract {
    @Override
    protected StoreFixture newFixture() {
        return new SqliteFixture();
    }
}
