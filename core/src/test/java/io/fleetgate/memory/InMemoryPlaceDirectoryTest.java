package io.fleetgate.memory;

import io.fleetgate.contract.PlaceDirectoryContract;
import io.fleetgate.testing.StoreFixture;

class InMemoryPlaceDirectoryTest extends PlaceDirectoryContract {
    @Override
    protected StoreFixture newFixture() {
        return new InMemoryFixture();
    }
}
