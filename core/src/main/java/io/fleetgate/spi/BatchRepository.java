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

    /**
     * {@return the batches assigned to the driver that have that status, by id} (a login activates
     * the INACTIVE ones). A store should read only those rows, by an index on (driver, status), so
     * that the cost does not grow with the driver's finished batches; this default filters {@link
     * #findBatchesAssignedTo(String)}, which reads them all.
     *
     * @param driverId a driver
     * @param status   the status
     */
    default List<Batch> findBatchesAssignedTo(String driverId, io.fleetgate.execution.DriverStatus status) {
        return findBatchesAssignedTo(driverId).stream().filter(b -> b.status() == status).toList();
    }

    /**
     * Each driver's current batch in the workspace, as the status board shows it: the one on route
     * (EN_ROUTE, AT_STOP or DELAYED), else the most recently updated (ties: the smallest id). A
     * store should read one batch per driver by index (issue #19: cost flat however many batches
     * the workspace and the drivers have had); this default filters {@link
     * #findBatchesInWorkspace(String)}, which reads them all.
     *
     * @param workspaceId a workspace
     * @param driverIds   drivers (a page of the board: at most a few hundred)
     * @return driver id to batch, for the drivers that have a batch in the workspace
     */
    default Map<String, Batch> findCurrentBatches(String workspaceId, Collection<String> driverIds) {
        Map<String, Batch> out = new java.util.HashMap<>();
        java.util.Comparator<Batch> current = java.util.Comparator.comparing((Batch b) -> b.status().onRoute())
                .thenComparing(Batch::updatedAt).thenComparing(Batch::id, java.util.Comparator.reverseOrder());
        for (Batch b : findBatchesInWorkspace(workspaceId)) {
            if (b.driverId() != null && driverIds.contains(b.driverId())) {
                out.merge(b.driverId(), b, (x, y) -> current.compare(x, y) >= 0 ? x : y);
            }
        }
        return out;
    }
}
