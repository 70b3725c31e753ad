package io.fleetgate.spi;

import io.fleetgate.execution.Batch;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Storage of delivery batches and their stops. The service decides; the repository commits
 * conditionally (a batch's version is its compare-and-set guard) and enforces in the database that
 * a driver has at most one batch on route. Methods never read a clock. Implementations are
 * thread-safe.
 */
public interface BatchRepository {

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
}
