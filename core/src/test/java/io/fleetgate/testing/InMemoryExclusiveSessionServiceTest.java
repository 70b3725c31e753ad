package io.fleetgate.testing;

import io.fleetgate.contract.ExclusiveSessionServiceContract;
import io.fleetgate.testkit.StoreFixture;

class InMemoryExclusiveSessionServiceTest extends ExclusiveSessionServiceContract {
    @Override
    protected StoreFixture newFixture() {
        return new InMemoryFixture();
    }
}
