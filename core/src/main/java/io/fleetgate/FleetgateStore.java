package io.fleetgate;

import io.fleetgate.access.WorkspaceDirectory;
import io.fleetgate.exclusive.ExclusiveSessionRepository;
import io.fleetgate.exclusive.PlaceDirectory;
import io.fleetgate.execution.ExecutionRepository;
import io.fleetgate.session.CredentialRepository;
import io.fleetgate.session.SessionRepository;

import java.util.Collection;
import java.util.function.Supplier;

/**
 * Where fleetgate keeps its records: one object giving the repositories the services need.
 *
 * <p>Implementations: {@code io.fleetgate.memory.InMemoryStore} for unit tests and
 * {@code io.fleetgate.store.jdbc.JdbcStore} for PostgreSQL and SQLite. Implementations are
 * thread-safe and enforce every invariant themselves (several hosts may share one database).
 */
public interface FleetgateStore {

    /** {@return chargers and merchants, the reference data exclusive sessions need} */
    PlaceDirectory places();

    /** {@return exclusive sessions} */
    ExclusiveSessionRepository exclusiveSessions();

    /** {@return workspaces} */
    WorkspaceDirectory workspaces();

    /** {@return delivery batches, the event log and the quarantine} */
    ExecutionRepository execution();

    /** {@return usernames, PIN hashes and failed-login counts} */
    CredentialRepository credentials();

    /** {@return device sessions} */
    SessionRepository sessions();

    /**
     * Runs {@code body} while holding an exclusive lock on each key, one that every instance
     * sharing the store respects; the repository calls {@code body} makes see one consistent
     * state and commit together. Services use it after losing optimistic races too often (many
     * devices of one driver syncing, many logins of one user), so that waiting in line replaces
     * retrying: a decision made under the lock cannot lose to another locked one.
     *
     * @param keys names of what is decided on, e.g. {@code "batch:" + id}; in any order
     * @param body the decision and its writes; may run more than once (it must be repeatable)
     * @param <T>  its result
     * @return its result
     * @throws FleetgateException {@code STORE_UNAVAILABLE} if the store fails
     */
    <T> T exclusively(Collection<String> keys, Supplier<T> body);
}
