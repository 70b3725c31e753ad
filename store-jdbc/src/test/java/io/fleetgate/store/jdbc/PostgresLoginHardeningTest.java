package io.fleetgate.store.jdbc;

import io.fleetgate.contract.LoginHardeningContract;
import io.fleetgate.testkit.StoreFixture;

class PostgresLoginHardeningTest extends LoginHardeningContract {
    @Override
    protected StoreFixture newFixture() {
        return new PostgresFixture();
    }
}
