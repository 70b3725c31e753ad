package io.fleetgate.testing;

import io.fleetgate.contract.SupervisorServiceContract;
import io.fleetgate.testkit.StoreFixture;

class InMemorySupervisorServiceTest extends SupervisorServiceContract {
    @Override
    protected StoreFixture newFixture() {
        return new InMemoryFixture();
    }
}
