package io.fleetgate.store.jdbc;

import io.fleetgate.contract.ExclusiveSessionServiceContract;
import io.fleetgate.testkit.StoreFixture;

class PostgresExclusiveSessionServiceTest extends ExclusiveSessionServiceContract {
    @Override
    protected StoreFixture newFixture() {
        return new PostgresFixture();
    }
}
