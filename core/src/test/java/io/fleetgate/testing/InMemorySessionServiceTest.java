package io.fleetgate.testing;

import io.fleetgate.contract.SessionServiceContract;
import io.fleetgate.testkit.StoreFixture;

class InMemorySessionServiceTest extends SessionServiceContract {
    @Override
    protected StoreFixture newFixture() {
        return new InMemoryFixture();
    }
}
