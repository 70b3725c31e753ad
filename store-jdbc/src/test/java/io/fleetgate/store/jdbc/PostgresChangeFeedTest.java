package io.fleetgate.store.jdbc;

import io.fleetgate.contract.ChangeFeedContract;
import io.fleetgate.testkit.StoreFixture;

class PostgresChangeFeedTest extends ChangeFeedContract {
    @Override
    protected StoreFixture newFixture() {
        return new PostgresFixture();
    }
}
