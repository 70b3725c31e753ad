package io.fleetgate.store.jdbc;

import io.fleetgate.contract.ExecutionServiceContract;
import io.fleetgate.testkit.StoreFixture;

class PostgresExecutionServiceTest extends ExecutionServiceContract {
    @Override
    protected StoreFixture newFixture() {
        return new PostgresFixture();
    }
}
