package io.fleetgate.store.jdbc;

import io.fleetgate.contract.SessionServiceContract;
import io.fleetgate.testkit.StoreFixture;

class PostgresSessionServiceTest extends SessionServiceContract {
    @Override
    protected StoreFixture newFixture() {
        return new PostgresFixture();
    }
}
