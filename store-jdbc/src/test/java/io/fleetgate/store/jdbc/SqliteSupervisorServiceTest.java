package io.fleetgate.store.jdbc;

import io.fleetgate.contract.SupervisorServiceContract;
import io.fleetgate.testkit.StoreFixture;

class SqliteSupervisorServiceTest extends SupervisorServiceContract {
    @Override
    protected StoreFixture newFixture() {
        return new SqliteFixture();
    }
}
