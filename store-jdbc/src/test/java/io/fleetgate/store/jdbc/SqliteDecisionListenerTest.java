package io.fleetgate.store.jdbc;

import io.fleetgate.contract.DecisionListenerContract;
import io.fleetgate.testkit.StoreFixture;

class SqliteDecisionListenerTest extends DecisionListenerContract {
    @Override
    protected StoreFixture newFixture() {
        return new SqliteFixture();
    }
}
