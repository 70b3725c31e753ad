package io.fleetgate.memory;

import io.fleetgate.contract.ExclusiveSessionServiceContract;
import io.fleetgate.testing.StoreFixture;

class InMemoryExclusiveSessionServiceTest extends ExclusiveSessionServiceContract {
    @Override
    protected StoreFixture newFixture() {
        return new InMemoryFixture();
    }
}
