package io.fleetgate.testing;

import io.fleetgate.contract.ListenerContract;
import io.fleetgate.testkit.StoreFixture;

class InMemoryListenerTest extends ListenerContract {
    @Override
    protected StoreFixture newFixture() {
        return new InMemoryFixture();
    }
}
