package io.fleetgate.testing;

import io.fleetgate.contract.PlaceDirectoryContract;
import io.fleetgate.testkit.StoreFixture;

class InMemoryPlaceDirectoryTest extends PlaceDirectoryContract {
    @Override
    protected StoreFixture newFixture() {
        return new InMemoryFixture();
    }
}
