package io.fleetgate.store.jdbc;

import io.fleetgate.contract.PlaceDirectoryContract;
import io.fleetgate.testkit.StoreFixture;

class SqlitePlaceDirectoryTest extends PlaceDirectoryContract {
    @Override
    protected StoreFixture newFixture() {
        return new SqliteFixture();
    }
}
