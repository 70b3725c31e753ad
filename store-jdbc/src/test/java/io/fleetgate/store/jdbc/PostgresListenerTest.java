package io.fleetgate.store.jdbc;

import io.fleetgate.contract.ListenerContract;
import io.fleetgate.testkit.StoreFixture;

class PostgresListenerTest extends ListenerContract {
    @Override
    protected StoreFixture newFixture() {
        return new PostgresFixture();
    }
}
