package io.fleetgate.memory;

import io.fleetgate.contract.SupervisorServiceContract;
import io.fleetgate.testing.StoreFixture;

class InMemorySupervisorServiceTest extends SupervisorServiceContract {
    @Override
    protected StoreFixture newFixture() {
        return new InMemoryFixture();
    }
}
