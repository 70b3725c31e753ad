package io.fleetgate.testing;

import io.fleetgate.contract.ExecutionStoreContract;
import io.fleetgate.testkit.StoreFixture;

class InMemoryExecutionStoreTest extends ExecutionStoreContract {
    @Override
    protected StoreFixture newFixture() {
        return new InMemoryFixture();
    }
}
