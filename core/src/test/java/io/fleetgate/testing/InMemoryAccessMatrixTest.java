package io.fleetgate.testing;

import io.fleetgate.contract.AccessMatrixContract;
import io.fleetgate.testkit.StoreFixture;

class InMemoryAccessMatrixTest extends AccessMatrixContract {
    @Override
    protected StoreFixture newFixture() {
        return new InMemoryFixture();
    }
}
