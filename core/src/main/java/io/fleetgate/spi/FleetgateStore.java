package io.fleetgate.spi;

import io.fleetgate.error.FleetgateException;
import io.fleetgate.spi.CredentialRepository;
import io.fleetgate.spi.ExclusiveSessionRepository;
import io.fleetgate.spi.PlaceDirectory;
import io.fleetgate.spi.SessionRepository;
import io.fleetgate.spi.WorkspaceDirectory;

import java.util.Collection;
import java.util.function.Supplier;

/**
 * The store SPI: where fleetgate keeps its records, one object giving the repositories the
 * services need, split by concern. A host passes one to {@code Fleetgate.builder().store(…)} and
 * never calls the repositories itself.
 *
 * <p>Implementations: {@code io.fleetgate.store.jdbc.JdbcStore} for PostgreSQL and SQLite, and
 * {@code io.fleetgate.testing.InMemoryStore} for hosts' unit tests. Implementations are
 * thread-safe and enforce every invariant themselves (several hosts may share one database); the
 * store contract tests hold them to it.
 */
public interface FleetgateStore {

    /** {@return chargers and merchants, the reference data exclusive sessions need} */
    PlaceDirectory places();

    /** {@return exclusive sessions} */
    ExclusiveSessionRepository exclusiveSessions();

    /** {@return workspaces} */
    WorkspaceDirectory workspaces();

    /** {@return delivery batches and their stops} */
    BatchRepository batches();

    /** {@return the append-only event log and the quarantine it is committed with} */
    EventLog eventLog();

    /** {@return the review queue: flagged and quarantined events, and their review records} */
    ReviewQueue reviews();

    /** {@return usernames, PIN hashes and failed-login counts} */
    CredentialRepository credentials();

    /** {@return device sessions} */
    SessionRepository sessions();

    /** {@return the position stream: fixes, presence and the alerts they raise} */
    PositionLog positions();

    /** {@return the change feed's log, which the store writes itself as it writes the source rows} */
    ChangeLog changes();

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
