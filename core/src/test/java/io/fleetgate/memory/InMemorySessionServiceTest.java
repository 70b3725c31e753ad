package io.fleetgate.memory;

import io.fleetgate.contract.SessionServiceContract;
import io.fleetgate.testing.StoreFixture;

class InMemorySessionServiceTest extends SessionServiceContract {
    @Override
    protected StoreFixture newFixture() {
        return new InMemoryFixture();
    }
}
