package io.fleetgate.testing;

import io.fleetgate.contract.SessionStoreContract;
import io.fleetgate.testkit.StoreFixture;

class InMemorySessionStoreTest extends SessionStoreContract {
    @Override
    protected StoreFixture newFixture() {
        return new InMemoryFixture();
    }
}
