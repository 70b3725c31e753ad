package io.fleetgate.testing;

import io.fleetgate.contract.SecurityAuditStoreContract;
import io.fleetgate.testkit.StoreFixture;

class InMemorySecurityAuditTest extends SecurityAuditStoreContract {
    @Override
    protected StoreFixture newFixture() {
        return new InMemoryFixture();
    }
}
