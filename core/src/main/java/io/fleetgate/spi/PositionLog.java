package io.fleetgate.spi;

import io.fleetgate.execution.DriverEvent;
import io.fleetgate.geo.Corridor;
import io.fleetgate.position.AlertKind;
import io.fleetgate.position.DriverPresence;
import io.fleetgate.position.Fix;
import io.fleetgate.position.FixMark;
import io.fleetgate.position.PositionAlert;
import io.fleetgate.position.RecordedFix;

import java.time.Instant;
import java.util.Collection;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The position stream's records: fixes (append-only, many, keyed by driver and {@code
 * recorded_at}, purged by age), each driver's presence (when their phone last spoke), and the
 * alerts the stream raises. Methods never read a clock. Implementations are thread-safe; the
 * service calls the alert and presence methods of one driver under
 * {@link FleetgateStore#exclusively} on {@code "positions:" + driverId}.
 */
public interface PositionLog {

    /**
     * {@return what taking a call of fixes for a batch needs, in one read, or empty for an unknown
     * batch: the batch's workspace, driver and corridor (without its stops), the driver's stored
     * plausible fixes (no mark) recorded from {@code from} to {@code to} (oldest first, at most
     * {@code limit}), the driver's presence, and whether the driver has an arrival {@linkplain
     * #findUnconfirmedArrivals unconfirmed} recorded from {@code arrivalsFrom} to {@code arrivalsTo}}
     *
     * @param batchId      the batch
     * @param driverId     the driver sending the fixes
     * @param from         the earliest {@code recorded_at} of the fixes to read
     * @param to           the latest
     * @param limit        the most fixes to read
     * @param arrivalsFrom the earliest {@code recorded_at} of the arrivals to look for
     * @param arrivalsTo   the latest
     */
    Optional<Intake> findIntake(String batchId, String driverId, Instant from, Instant to, int limit,
                                Instant arrivalsFrom, Instant arrivalsTo);

    /**
     * Stores each fix whose driver and {@code recorded_at} are new, in one statement or a few; a
     * fix whose key is taken is left as stored.
     *
     * @param fixes up to 1000 fixes, keys distinct
     * @return the stored fixes at the keys that were already taken (as stored), in any order;
     *         empty when all were new
     */
    List<RecordedFix> insertFixes(List<RecordedFix> fixes);

    /**
     * Takes one phone's call of fixes for a batch: reads what {@link #findIntake} reads and, when
     * the batch is the driver's, stores the fixes as {@link #insertFixes} does, each in the
     * batch's workspace. The read sees the driver's fixes as they were before the insert. A store
     * may do both in one round trip; this default calls the two in turn.
     *
     * @param batchId      the batch
     * @param driverId     the driver sending the fixes (each fix is stored as theirs)
     * @param reads        the spans of the read, as {@link #findIntake} takes them
     * @param fixes        up to 1000 fixes, recorded times distinct
     * @param marks        each fix's marks
     * @param receivedAt   when the server took them
     * @return what was read and what was taken, or empty for an unknown batch or another driver's
     *         (nothing written)
     */
    default Optional<Taking> takeFixes(String batchId, String driverId, Reads reads, List<Fix> fixes,
                                       Function<? super Fix, Set<FixMark>> marks, Instant receivedAt) {
        Optional<Intake> found = findIntake(batchId, driverId, reads.from(), reads.to(), reads.limit(),
                reads.arrivalsFrom(), reads.arrivalsTo()).filter(i -> driverId.equals(i.batch().driverId()));
        if (found.isEmpty()) {
            return Optional.empty();
        }
        List<RecordedFix> rows = Taking.rows(found.get().batch(), driverId, fixes, marks, receivedAt);
        return Optional.of(new Taking(found.get(), rows, insertFixes(rows)));
    }

    /**
     * {@return the driver's fixes recorded from {@code from} to {@code to} (both included),
     * oldest first, at most {@code limit}}
     *
     * @param driverId the driver
     * @param from     the earliest {@code recorded_at}
     * @param to       the latest {@code recorded_at}
     * @param limit    the most to return
     */
    List<RecordedFix> findFixes(String driverId, Instant from, Instant to, int limit);

    /**
     * Removes up to {@code limit} fixes recorded before {@code before}, oldest first.
     *
     * @param before the cut-off (excluded)
     * @param limit  the most to remove in one go
     * @return how many were removed
     */
    int purgeFixes(Instant before, int limit);

    /**
     * Records that the driver's phone spoke: {@code lastHeardAt} and {@code lastFixAt} move
     * forward only (a later value wins, an earlier one is ignored), and the open QUIET alert is
     * cleared.
     *
     * @param workspaceId the workspace of the batch it spoke about
     * @param driverId    the driver
     * @param heardAt     when the server took it
     * @param lastFixAt   the latest {@code recorded_at} of the fixes it sent, or {@code null}
     * @return the QUIET alert that was open, now cleared, if any
     */
    Optional<String> heard(String workspaceId, String driverId, Instant heardAt, Instant lastFixAt);

    /**
     * {@return the presence of the workspace's drivers that have one}
     *
     * @param workspaceId the workspace
     */
    List<DriverPresence> findPresence(String workspaceId);

    /**
     * {@return the presence of these drivers of the workspace that have one} (the status board's
     * page). This default filters {@link #findPresence(String)}, which reads the whole workspace.
     *
     * @param workspaceId the workspace
     * @param driverIds   drivers (a page of the board: at most a few hundred)
     */
    default List<DriverPresence> findPresence(String workspaceId, Collection<String> driverIds) {
        return findPresence(workspaceId).stream().filter(p -> driverIds.contains(p.driverId())).toList();
    }

    /**
     * {@return drivers with a batch on route (EN_ROUTE, AT_STOP or DELAYED), last heard before {@code heardBefore} and without an
     * open QUIET alert, each with that batch's id, oldest silence first, at most {@code limit}}
     *
     * @param heardBefore the cut-off
     * @param limit       the most to return
     */
    List<Silence> findSilent(Instant heardBefore, int limit);

    /**
     * Sets the driver's open QUIET alert, only if they were not heard since {@code lastHeardAt}.
     *
     * @param driverId    the driver
     * @param lastHeardAt when they were last heard, as read by {@link #findSilent}
     * @param alertId     the alert
     * @return false if they spoke meanwhile (nothing written)
     */
    boolean markQuiet(String driverId, Instant lastHeardAt, String alertId);

    /**
     * {@return the driver's alerts of that kind not merged into another that overlap from
     * {@code from} to {@code to} ({@code lastAt >= from} and {@code firstAt <= to}), oldest first}
     *
     * @param driverId the driver
     * @param kind     the kind
     * @param from     the start of the span
     * @param to       its end
     */
    List<PositionAlert> findAlerts(String driverId, AlertKind kind, Instant from, Instant to);

    /**
     * {@return the alert, if it is the workspace's}
     *
     * @param workspaceId the workspace
     * @param alertId     the alert
     */
    Optional<PositionAlert> findAlert(String workspaceId, String alertId);

    /**
     * Stores a new alert.
     *
     * @param alert the alert
     * @return false if the driver already has an alert of that kind starting at that
     *         {@code firstAt} (nothing written)
     */
    boolean insertAlert(PositionAlert alert);

    /**
     * Rewrites an alert's span, count, detail and {@code mergedInto}.
     *
     * @param alert the alert as it is now (by id)
     */
    void updateAlert(PositionAlert alert);

    /**
     * {@return the driver's {@code ARRIVED_AT_STOP} events flagged {@code ARRIVAL_UNCONFIRMED}
     * without a review record, recorded from {@code from} to {@code to}, oldest first, at most
     * {@code limit}}
     *
     * @param driverId the driver, or {@code null} for every driver
     * @param from     the earliest {@code recorded_at}
     * @param to       the latest {@code recorded_at}
     * @param limit    the most to return
     */
    List<DriverEvent> findUnconfirmedArrivals(String driverId, Instant from, Instant to, int limit);

    /**
     * A batch as the position stream needs it.
     *
     * @param batchId     the batch
     * @param workspaceId its workspace
     * @param driverId    its driver, or {@code null} when unassigned
     * @param corridor    its corridor, or {@code null}
     */
    record BatchRoute(String batchId, String workspaceId, String driverId, Corridor corridor) {
    }

    /**
     * What {@link #findIntake} read.
     *
     * @param batch               the batch
     * @param plausible           the driver's stored fixes without a mark in the span, oldest first
     * @param presence            the driver's presence, or {@code null} if never heard
     * @param unconfirmedArrivals whether the driver has an unconfirmed arrival in the arrivals' span
     */
    record Intake(BatchRoute batch, List<Fix> plausible, DriverPresence presence, boolean unconfirmedArrivals) {
        /**
         * Copies the list.
         *
         * @param batch               the batch
         * @param plausible           the fixes
         * @param presence            the presence, or {@code null}
         * @param unconfirmedArrivals whether there is an unconfirmed arrival
         */
        public Intake {
            plausible = List.copyOf(plausible);
        }
    }

    /**
     * The spans {@link #findIntake} reads.
     *
     * @param from         the earliest {@code recorded_at} of the stored fixes to read
     * @param to           the latest
     * @param limit        the most fixes to read
     * @param arrivalsFrom the earliest {@code recorded_at} of the arrivals to look for
     * @param arrivalsTo   the latest
     */
    record Reads(Instant from, Instant to, int limit, Instant arrivalsFrom, Instant arrivalsTo) {
    }

    /**
     * What {@link #takeFixes} read and wrote.
     *
     * @param intake the read (its plausible fixes as they were before the insert)
     * @param fixes  the call's fixes as stored, in the order given
     * @param taken  the stored fixes at the keys that were already taken (as stored), in any order
     */
    record Taking(Intake intake, List<RecordedFix> fixes, List<RecordedFix> taken) {
        /**
         * Copies the lists.
         *
         * @param intake the read
         * @param fixes  the fixes
         * @param taken  the taken
         */
        public Taking {
            fixes = List.copyOf(fixes);
            taken = List.copyOf(taken);
        }

        /**
         * {@return the call's fixes as they are stored for that batch}
         *
         * @param batch      the batch
         * @param driverId   the driver
         * @param fixes      the fixes
         * @param marks      each fix's marks
         * @param receivedAt when the server took them
         */
        public static List<RecordedFix> rows(BatchRoute batch, String driverId, List<Fix> fixes,
                                             Function<? super Fix, Set<FixMark>> marks, Instant receivedAt) {
            List<RecordedFix> rows = new ArrayList<>(fixes.size());
            for (Fix f : fixes) {
                rows.add(new RecordedFix(driverId, batch.workspaceId(), batch.batchId(), f, marks.apply(f), receivedAt));
            }
            return rows;
        }
    }

    /**
     * A driver on route gone silent.
     *
     * @param presence their presence
     * @param batchId  their batch on route
     */
    record Silence(DriverPresence presence, String batchId) {
    }
}
