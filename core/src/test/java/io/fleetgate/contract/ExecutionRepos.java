package io.fleetgate.contract;

import io.fleetgate.spi.BatchRepository;
import io.fleetgate.spi.EventLog;
import io.fleetgate.spi.FleetgateStore;
import io.fleetgate.spi.ReviewQueue;

/**
 * The three execution repositories of one store, for the store contract tests that use them
 * together.
 *
 * @param batches batches and stops
 * @param log     the event log and the quarantine
 * @param reviews the review queue
 */
public record ExecutionRepos(BatchRepository batches, EventLog log, ReviewQueue reviews) {
    /**
     * @param store a store
     * @return its batches, event log and review queue
     */
    public static ExecutionRepos of(FleetgateStore store) {
        return new ExecutionRepos(store.batches(), store.eventLog(), store.reviews());
    }
}
