package io.fleetgate.testing;

import io.fleetgate.contract.DecisionListenerContract;
import io.fleetgate.testkit.StoreFixture;

class InMemoryDecisionListenerTest extends DecisionListenerContract {
    @Override
    protected StoreFixture newFixture() {
        return new InMemoryFixture();
    }
}
