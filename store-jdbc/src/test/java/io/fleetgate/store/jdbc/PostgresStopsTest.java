package io.fleetgate.store.jdbc;

import io.fleetgate.contract.StopsContract;
import io.fleetgate.testkit.StoreFixture;

class PostgresStopsTest extends StopsContract {
    @Override
    protected StoreFixture newFixture() {
        return new PostgresFixture();
    }
}
