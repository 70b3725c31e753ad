package io.fleetgate.store.jdbc;

import io.fleetgate.contract.SessionServiceContract;
import io.fleetgate.testkit.StoreFixture;

class SqliteSessionServiceTest extends SessionServiceContract {
    @Override
    protected StoreFixture newFixture() {
        return new SqliteFixture();
    }
}
