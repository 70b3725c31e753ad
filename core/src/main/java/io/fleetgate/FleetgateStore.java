package io.fleetgate;

import io.fleetgate.exclusive.ExclusiveSessionRepository;
import io.fleetgate.exclusive.PlaceDirectory;

/**
 * Where fleetgate keeps its records: one object giving the repositories the services need.
 *
 * <p>Implementations: {@code io.fleetgate.memory.InMemoryStore} for unit tests and
 * {@code io.fleetgate.store.jdbc.JdbcStore} for PostgreSQL and SQLite. Implementations are
 * thread-safe and enforce every invariant themselves (several hosts may share one database).
 */
public interface FleetgateStore {

    /** @return chargers and merchants, the reference data exclusive sessions need */
    PlaceDirectory places();

    /** @return exclusive sessions */
    ExclusiveSessionRepository exclusiveSessions();
}
