package io.fleetgate.testing;

import io.fleetgate.contract.PositionsContract;
import io.fleetgate.testkit.StoreFixture;

class InMemoryPositionsTest extends PositionsContract {
    @Override
    protected StoreFixture newFixture() {
        return new InMemoryFixture();
    }
}
