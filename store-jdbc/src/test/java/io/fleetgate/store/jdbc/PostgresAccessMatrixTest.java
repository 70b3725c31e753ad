package io.fleetgate.store.jdbc;

import io.fleetgate.contract.AccessMatrixContract;
import io.fleetgate.testkit.StoreFixture;

class PostgresAccessMatrixTest extends AccessMatrixContract {
    @Override
    protected StoreFixture newFixture() {
        return new PostgresFixture();
    }
}
