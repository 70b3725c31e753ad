package io.fleetgate.spi;

import io.fleetgate.supervisor.Change;

import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;

/**
 * The change feed's log: one row per committed change of the source tables (driver events,
 * batches, the quarantine, position alerts, review records), recorded by the store itself as the
 * source row is written, never by a service. Within a workspace, {@link Change#seq()} increases in
 * commit order: a reader that has seen a change of a workspace has already been able to see every
 * change of that workspace with a smaller seq (see {@code docs/changes.md} for how each store
 * keeps that promise). Methods never read a clock. Implementations are thread-safe.
 */
public interface ChangeLog {

    /**
     * {@return the workspace's changes with a seq above {@code afterSeq}, in seq order, at most
     * {@code limit}}
     *
     * @param workspaceId the workspace
     * @param driverId    only the changes about this driver, or {@code null} for all
     * @param afterSeq    the seq of the last change already read (0 for none)
     * @param limit       the most to return (1 or more)
     */
    List<Change> findChanges(String workspaceId, String driverId, long afterSeq, int limit);

    /**
     * {@return the greatest seq of the workspace's changes (of the driver's, when given), or the
     * workspace's purge floor when it has none; 0 for a workspace never purged and without changes}
     *
     * @param workspaceId the workspace
     * @param driverId    only the changes about this driver, or {@code null} for all
     */
    long head(String workspaceId, String driverId);

    /**
     * {@return the greatest seq the purge removed from the workspace, 0 when never purged: a cursor
     * below it has lost changes}
     *
     * @param workspaceId the workspace
     */
    long floor(String workspaceId);

    /**
     * Removes, in every workspace, each change up to and including the newest (by seq) one whose
     * instant lies before {@code before}, and raises the workspace's floor to it: the log stays a
     * contiguous tail of each workspace's feed.
     *
     * @param before the cut-off
     * @return how many changes were removed
     */
    long purge(Instant before);

    /**
     * Starts telling {@code changed} which workspaces' feeds may have grown, from now on until the
     * returned watch or the store is closed: after each commit that recorded changes, at least
     * once, the workspace's id; where the store is shared (PostgreSQL), commits of every process
     * on it. It may tell more often than needed (a reader woken finds nothing new and waits
     * again), and tells {@code null}, "any workspace", when it may have missed some (a lost
     * connection, once it is back). {@code changed} runs on a thread of the store's, possibly
     * while a write's lock is still held: it must return at once and never call the store.
     *
     * @param changed told of the workspaces whose feed may have grown
     * @return the watch; closing it stops the telling
     */
    Watch watch(Consumer<String> changed);

    /** A running {@link #watch}: closing it stops it (idempotent, never throws). */
    @FunctionalInterface
    interface Watch extends AutoCloseable {
        @Override
        void close();
    }
}
