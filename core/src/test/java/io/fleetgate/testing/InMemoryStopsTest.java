package io.fleetgate.testing;

import io.fleetgate.contract.StopsContract;
import io.fleetgate.testkit.StoreFixture;

class InMemoryStopsTest extends StopsContract {
    @Override
    protected StoreFixture newFixture() {
        return new InMemoryFixture();
    }
}
