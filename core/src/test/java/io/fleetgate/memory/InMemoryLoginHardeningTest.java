package io.fleetgate.memory;

import io.fleetgate.contract.LoginHardeningContract;
import io.fleetgate.testing.StoreFixture;

class InMemoryLoginHardeningTest extends LoginHardeningContract {
    @Override
    protected StoreFixture newFixture() {
        return new InMemoryFixture();
    }
}
