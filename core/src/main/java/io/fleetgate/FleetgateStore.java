package io.fleetgate;

import io.fleetgate.access.WorkspaceDirectory;
import io.fleetgate.exclusive.ExclusiveSessionRepository;
import io.fleetgate.exclusive.PlaceDirectory;
import io.fleetgate.execution.ExecutionRepository;
import io.fleetgate.session.CredentialRepository;
import io.fleetgate.session.SessionRepository;

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

    /** @return workspaces */
    WorkspaceDirectory workspaces();

    /** @return delivery batches, the event log and the quarantine */
    ExecutionRepository execution();

    /** @return usernames, PIN hashes and failed-login counts */
    CredentialRepository credentials();

    /** @return device sessions */
    SessionRepository sessions();
}
