package io.fleetgate.testing;

import io.fleetgate.contract.SupervisorStoreContract;
import io.fleetgate.testkit.StoreFixture;

class InMemorySupervisorStoreTest extends SupervisorStoreContract {
    @Override
    protected StoreFixture newFixture() {
        return new InMemoryFixture();
    }
}
