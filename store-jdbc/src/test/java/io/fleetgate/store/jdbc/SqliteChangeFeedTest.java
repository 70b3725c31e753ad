package io.fleetgate.store.jdbc;

import io.fleetgate.contract.ChangeFeedContract;
import io.fleetgate.testkit.StoreFixture;

class SqliteChangeFeedTest extends ChangeFeedContract {
    @Override
    protected StoreFixture newFixture() {
        return new SqliteFixture();
    }
}
