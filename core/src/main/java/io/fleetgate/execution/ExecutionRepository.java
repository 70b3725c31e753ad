package io.fleetgate.execution;

import io.fleetgate.FleetgateException;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Storage of delivery batches, the append-only event log and the quarantine. The service decides;
 * the repository commits atomically and conditionally, and enforces in the database itself that
 * events are never updated or deleted, that event ids are unique per workspace and sender, that a batch's log has one event
 * per version, and that a driver has at most one batch on route. Methods never read a clock.
 * Implementations are thread-safe.
 */
public interface ExecutionRepository {

    /**
     * {@return false if a batch with that id exists (nothing written)}
     *
     * @param batch a new batch with version 0
     */
    boolean insertBatch(Batch batch);

    /**
     * {@return the batch with its stops}
     *
     * @param batchId a batch id
     */
    Optional<Batch> findBatch(String batchId);

    /**
     * {@return the known ones, by id}
     *
     * @param batchIds batch ids
     */
    Map<String, Batch> findBatches(Collection<String> batchIds);

    /**
     * Compare-and-set of the assigned driver; bumps the version.
     *
     * @param batchId         the batch
     * @param driverId        the new driver, or {@code null} to unassign
     * @param expectedVersion the version the decision was made on
     * @param now             the change's instant
     * @return the batch after the change, or empty if its version moved on (nothing written)
     */
    Optional<Batch> assignDriver(String batchId, String driverId, long expectedVersion, Instant now);

    /**
     * {@return ids of the driver's batches that are EN_ROUTE, AT_STOP or DELAYED (at most one)}
     *
     * @param driverId a driver
     */
    List<String> findInProgressBatches(String driverId);

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
     * Commits the outcome of a sync, all or nothing: each batch change only if the batch is still
     * at its expected version, each event only if its id is new for its workspace and sender, each quarantined record.
     *
     * @param changes     batches after their events, with the version each was read at
     * @param events      accepted events, in order
     * @param quarantined refused events
     * @return {@code true} if committed; {@code false} if a batch moved on, an event id was
     *         taken or another batch of the driver went on route meanwhile (nothing written)
     * @throws FleetgateException {@code EVENT_ID_CONFLICT}, nothing written, when an event id is
     *                            taken by an event the acting principal cannot see (a store with
     *                            row-level security hides it from {@link #findEventHashes}), with
     *                            those ids as a {@code List<String>} in the detail
     *                            {@value #TAKEN_EVENT_IDS}; a store where every taken id is visible
     *                            never throws it
     */
    boolean commit(List<BatchChange> changes, List<DriverEvent> events, List<QuarantinedEvent> quarantined);

    /**
     * The detail of a {@link #commit}'s {@code EVENT_ID_CONFLICT} that lists the event ids taken by
     * events the caller cannot see.
     */
    String TAKEN_EVENT_IDS = "taken_event_ids";

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
     * {@return the refused events that named it, oldest first}
     *
     * @param batchId a batch
     */
    List<QuarantinedEvent> findQuarantined(String batchId);

    /**
     * {@return its batches, by id}
     *
     * @param workspaceId a workspace
     */
    List<Batch> findBatchesInWorkspace(String workspaceId);

    /**
     * {@return the batches assigned to the driver, by id}
     *
     * @param driverId a driver
     */
    List<Batch> findBatchesAssignedTo(String driverId);

    /**
     * The workspace's open review items: flagged events and quarantined events without a review
     * record, ordered by arrival ({@code synced_at} / {@code received_at}), then id.
     *
     * @param workspaceId the workspace
     * @param afterAt     the cursor's instant, or {@code null} for the first page
     * @param afterId     the cursor's id (ties), or {@code null}
     * @param limit       the most to return
     * @return the items
     */
    List<ReviewItem> findReviewQueue(String workspaceId, Instant afterAt, String afterId, int limit);

    /**
     * {@return the item if it belongs to the workspace and is flagged or quarantined, reviewed or not}
     *
     * @param workspaceId the workspace
     * @param itemId      an event id or quarantine record id
     */
    Optional<ReviewItem> findReviewItem(String workspaceId, String itemId);

    /**
     * Appends a review record.
     *
     * @param review the record
     * @return false if the item already has one (nothing written)
     */
    boolean insertReview(ReviewRecord review);

    /**
     * A batch as it is after a sync's events, with the version it was read at.
     *
     * @param batch           the batch after
     * @param expectedVersion its version when read
     */
    record BatchChange(Batch batch, long expectedVersion) {
    }
}
