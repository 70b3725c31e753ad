package io.fleetgate.testing;

import io.fleetgate.contract.ChangeFeedContract;
import io.fleetgate.testkit.StoreFixture;

class InMemoryChangeFeedTest extends ChangeFeedContract {
    @Override
    protected StoreFixture newFixture() {
        return new InMemoryFixture();
    }
}
