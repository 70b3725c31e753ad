package io.fleetgate.testing;

import io.fleetgate.contract.AccessServiceContract;
import io.fleetgate.testkit.StoreFixture;

class InMemoryAccessServiceTest extends AccessServiceContract {
    @Override
    protected StoreFixture newFixture() {
        return new InMemoryFixture();
    }
}
