package io.fleetgate.store.jdbc;

import io.fleetgate.contract.StopsContract;
import io.fleetgate.testkit.StoreFixture;

class SqliteStopsTest extends StopsContract {
    @Override
    protected StoreFixture newFixture() {
        return new SqliteFixture();
    }
}
