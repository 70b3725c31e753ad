package io.fleetgate.memory;

import io.fleetgate.contract.AccessMatrixContract;
import io.fleetgate.testing.StoreFixture;

class InMemoryAccessMatrixTest extends AccessMatrixContract {
    @Override
    protected StoreFixture newFixture() {
        return new InMemoryFixture();
    }
}
