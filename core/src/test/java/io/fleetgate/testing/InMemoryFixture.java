package io.fleetgate.testing;

import io.fleetgate.spi.FleetgateStore;
import io.fleetgate.testkit.StoreFixture;

/**
 * The in-memory store as a contract-test fixture; its "second instance" is another
 * {@link InMemoryStore} on the same data ({@link InMemoryStore#anotherInstance()}).
 */
final class InMemoryFixture implements StoreFixture {
    private final InMemoryStore store = new InMemoryStore();

    @Override
    public FleetgateStore store() {
        return store;
    }

    @Override
    public FleetgateStore secondInstance() {
        return store.anotherInstance();
    }

    @Override
    public String snapshot() {
        return store.dump();
    }

    @Override
    public void close() {
    }
}
