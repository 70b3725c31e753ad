package io.fleetgate.spi;

import io.fleetgate.access.Workspace;
import io.fleetgate.error.EventIdConflictException;
import io.fleetgate.execution.Batch;
import io.fleetgate.execution.DriverEvent;
import io.fleetgate.execution.QuarantinedEvent;

import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The append-only event log: a sync's accepted events, their batches' new versions and its
 * refused events (the quarantine) are committed together. The database itself refuses to update or
 * delete an event, keeps event ids unique per workspace and sender, and gives a batch's log one
 * event per version. Methods never read a clock. Implementations are thread-safe.
 */
public interface EventLog {

    /**
     * {@return the content hash of each one the sender already has in the log, by event id}
     *
     * <p>Event ids are unique per workspace and sender ({@link DriverEvent#actorId()}), not
     * globally: another sender's event with the same id is a different event and is never
     * returned.
     *
     * @param workspaceId the workspace of the events' batches
     * @param actorId     the sender
     * @param eventIds    client event ids
     */
    Map<String, String> findEventHashes(String workspaceId, String actorId, Collection<String> eventIds);

    /**
     * {@return the driver's located event with the latest {@code recorded_at}, if any}
     *
     * @param driverId a driver
     */
    Optional<DriverEvent> findLastLocatedEvent(String driverId);

    /**
     * What a driver's sync call reads before it decides, in one round trip where the store can:
     * the batches the call names (with their stops, as {@link BatchRepository#findBatches}), and,
     * for the workspaces of those of them assigned to the driver (the only batches a driver may act
     * on), the driver's own events with the call's ids ({@link #findEventHashes}) and the
     * workspaces' rows ({@link WorkspaceDirectory#findWorkspace}); then the driver's batches on route
     * ({@link BatchRepository#findInProgressBatches}) and latest located event
     * ({@link #findLastLocatedEvent}). Nothing of a batch that is not the driver's is read beyond
     * the batch row itself. The reads need not share one snapshot: the commit checks again what
     * they decided on (versions, ids, the one batch on route).
     *
     * <p>The default returns empty: the caller then makes each read itself, and only when an
     * event needs it (a store whose reads cost no round trip, or whose round trips are cheap).
     *
     * @param driverId the driver sending the events
     * @param batchIds the batches the events name
     * @param eventIds the events' ids
     * @return the reads, or empty when the store reads them one by one
     */
    default Optional<DriverSyncReads> findDriverSyncReads(String driverId, Collection<String> batchIds,
                                                          Collection<String> eventIds) {
        return Optional.empty();
    }

    /**
     * Commits the outcome of a sync, all or nothing: each batch change only if the batch is still
     * at its expected version, each event only if its id is new for its workspace and sender, each quarantined record.
     *
     * @param changes     batches after their events, with the version each was read at
     * @param events      accepted events, in order
     * @param quarantined refused events
     * @return {@code true} if committed; {@code false} if a batch moved on, an event id was
     *         taken or another batch of the driver went on route meanwhile (nothing written)
     * @throws EventIdConflictException nothing written, when an event id is taken by an event the
     *                                   acting principal cannot see (a store with row-level security
     *                                   hides it from {@link #findEventHashes}), with those ids in
     *                                   {@link EventIdConflictException#eventIds()}; a store where
     *                                   every taken id is visible never throws it
     */
    boolean commit(List<BatchChange> changes, List<DriverEvent> events, List<QuarantinedEvent> quarantined);

    /**
     * {@return the batch's events ordered by {@code recorded_at}, then event id}
     *
     * @param batchId       a batch
     * @param afterRecorded the cursor's {@code recorded_at}, or {@code null} for the first page
     * @param afterEventId  the cursor's event id (ties on {@code recorded_at}), or {@code null}
     * @param limit         the most to return
     */
    List<DriverEvent> findEvents(String batchId, Instant afterRecorded, String afterEventId, int limit);

    /**
     * {@return its whole log in the order it was applied (by batch version)}
     *
     * @param batchId a batch
     */
    List<DriverEvent> findLog(String batchId);

    /**
     * What {@link #findDriverSyncReads} read.
     *
     * @param batches     the batches found, by id (unknown ids, and batches the store hides from
     *                    the driver, absent)
     * @param eventHashes by workspace of the driver's batches among them: the content hash of each
     *                    of the driver's own events with one of the call's ids, by event id (a
     *                    workspace with none maps to an empty map)
     * @param workspaces  those workspaces' rows, by id (absent when the row is not found)
     * @param onRoute     the ids of the driver's batches on route, as stored
     * @param lastLocated the driver's latest located event, if any
     */
    record DriverSyncReads(Map<String, Batch> batches, Map<String, Map<String, String>> eventHashes,
                           Map<String, Workspace> workspaces, List<String> onRoute, Optional<DriverEvent> lastLocated) {
        /**
         * Copies the collections.
         *
         * @param batches     the batches
         * @param eventHashes the hashes
         * @param workspaces  the workspaces
         * @param onRoute     the batches on route
         * @param lastLocated the latest located event
         */
        public DriverSyncReads {
            batches = Map.copyOf(batches);
            Map<String, Map<String, String>> hashes = new HashMap<>();
            eventHashes.forEach((ws, byId) -> hashes.put(ws, Map.copyOf(byId)));
            eventHashes = Map.copyOf(hashes);
            workspaces = Map.copyOf(workspaces);
            onRoute = List.copyOf(onRoute);
            Objects.requireNonNull(lastLocated, "lastLocated");
        }
    }

    /**
     * A batch as it is after a sync's events, with the version it was read at.
     *
     * @param batch           the batch after
     * @param expectedVersion its version when read
     * @param stopsChanged    whether its stops (their ids, order or definitions) differ from those
     *                        read: a supervisor's plan change; the store then rewrites them with
     *                        the row
     */
    record BatchChange(Batch batch, long expectedVersion, boolean stopsChanged) {
        /**
         * A change that leaves the stops as they were.
         *
         * @param batch           the batch after
         * @param expectedVersion its version when read
         */
        public BatchChange(Batch batch, long expectedVersion) {
            this(batch, expectedVersion, false);
        }
    }
}
