package io.fleetgate.testkit;

import io.fleetgate.spi.FleetgateStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * Base of the contract tests: each test gets a fresh, empty {@link StoreFixture} from the
 * subclass (one thin subclass per store) and it is closed after the test.
 */
public abstract class StoreContract {
    private StoreFixture fixture;

    /** @return a fresh, empty database for one test */
    protected abstract StoreFixture newFixture();

    @BeforeEach
    final void openFixture() {
        fixture = newFixture();
    }

    @AfterEach
    final void closeFixture() {
        fixture.close();
    }

    /** @return the fixture of the running test */
    protected final StoreFixture fixture() {
        return fixture;
    }

    /** @return the store under test */
    protected final FleetgateStore store() {
        return fixture.store();
    }
}
