package io.fleetgate.testing;

import io.fleetgate.contract.LoginHardeningContract;
import io.fleetgate.testkit.StoreFixture;

class InMemoryLoginHardeningTest extends LoginHardeningContract {
    @Override
    protected StoreFixture newFixture() {
        return new InMemoryFixture();
    }
}
