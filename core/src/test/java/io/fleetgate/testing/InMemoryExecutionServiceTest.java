package io.fleetgate.testing;

import io.fleetgate.contract.ExecutionServiceContract;
import io.fleetgate.testkit.StoreFixture;

class InMemoryExecutionServiceTest extends ExecutionServiceContract {
    @Override
    protected StoreFixture newFixture() {
        return new InMemoryFixture();
    }
}
