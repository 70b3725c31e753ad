package io.fleetgate.store.jdbc;

import io.fleetgate.spi.BatchRepository;
import io.fleetgate.spi.EventLog;
import io.fleetgate.spi.FleetgateStore;
import io.fleetgate.spi.ReviewQueue;

/**
 * The three execution repositories of one store, for the store tests that use them together.
 *
 * @param batches batches and stops
 * @param log     the event log and the quarantine
 * @param reviews the review queue
 */
record ExecutionRepos(BatchRepository batches, EventLog log, ReviewQueue reviews) {
    static ExecutionRepos of(FleetgateStore store) {
        return new ExecutionRepos(store.batches(), store.eventLog(), store.reviews());
    }
}
