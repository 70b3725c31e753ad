package io.fleetgate.memory;

import io.fleetgate.contract.ExecutionServiceContract;
import io.fleetgate.testing.StoreFixture;

class InMemoryExecutionServiceTest extends ExecutionServiceContract {
    @Override
    protected StoreFixture newFixture() {
        return new InMemoryFixture();
    }
}
