package io.fleetgate.store.jdbc;

import io.fleetgate.contract.PlaceDirectoryContract;
import io.fleetgate.testing.StoreFixture;

class PostgresPlaceDirectoryTest extends PlaceDirectoryContract {
    @Override
    protected StoreFixture newFixture() {
        return new PostgresFixture();
    }
}
