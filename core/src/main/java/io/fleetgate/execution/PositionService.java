package io.fleetgate.execution;

import io.fleetgate.DecisionKind;
import io.fleetgate.Ids;
import io.fleetgate.Principal;
import io.fleetgate.error.FleetgateException;
import io.fleetgate.error.ForbiddenException;
import io.fleetgate.error.InvalidRequestException;
import io.fleetgate.error.NotFoundException;
import io.fleetgate.error.StoreUnavailableException;
import io.fleetgate.internal.AccessContext;
import io.fleetgate.internal.Context;
import io.fleetgate.internal.LogValues;
import io.fleetgate.internal.PositionStream;
import io.fleetgate.position.Fix;
import io.fleetgate.position.PositionReceipt;
import io.fleetgate.position.RecordedFix;
import io.fleetgate.position.SweepReport;
import io.fleetgate.spi.PositionLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The position stream: a driver's phone sends its fixes every few seconds, in batches, online or
 * long after the fact; fleetgate keeps every one (implausible ones marked, never dropped) in a
 * store of their own, apart from the event log, and turns them into facts a supervisor can trust.
 *
 * <ul>
 *   <li><b>Arrivals.</b> An {@code ARRIVED_AT_STOP} is confirmed when the driver's fixes around
 *       it show them in the stop's fence ({@code ARRIVAL_CONFIRM_FIXES} fixes whose whole accuracy
 *       circle lies inside, or a stay of {@code ARRIVAL_CONFIRM_DWELL_S} until they are beyond the
 *       exit fence, {@code EXIT_RADIUS_FACTOR} times the radius); otherwise the event is accepted
 *       and flagged {@code ARRIVAL_UNCONFIRMED}. Fixes that arrive later and confirm it close that
 *       review item with a system review record saying so; a fix never un-accepts an event.</li>
 *   <li><b>Corridor.</b> Plausible fixes, and located events, outside a batch's corridor are one
 *       {@code OFF_CORRIDOR} review item per excursion.</li>
 *   <li><b>Jumps.</b> Two plausible fixes close in time but farther apart than {@code
 *       MAX_SPEED_KMH} allows are one {@code IMPLAUSIBLE_SPEED} review item per episode.</li>
 *   <li><b>Quiet.</b> {@link #sweep} raises one {@code QUIET} review item per silence of a driver
 *       on route; it is closed when the phone speaks again.</li>
 * </ul>
 *
 * <p>Every verdict is computed from the fixes around each event's {@code recorded_at}, whenever
 * they arrive, and only grows as fixes are added: results do not depend on how a phone splits its
 * uploads. Who may do what: a driver sends fixes for a batch assigned to them and reads their own;
 * a supervisor or member reads their workspace's; the system sweeps and purges. Immutable and
 * thread-safe.
 */
public final class PositionService {
    /** The most fixes one {@link #ingest} takes. */
    public static final int MAX_FIXES_PER_CALL = 1000;
    /** The most fixes one {@link #fixes} read returns. */
    public static final int MAX_FIXES_PER_READ = 10_000;
    /** How many fixes the purge removes per statement. */
    private static final int PURGE_CHUNK = 10_000;

    private static final Logger LOG = LoggerFactory.getLogger(PositionService.class);

    private final Context context;
    private final PositionLog log;
    private final PositionStream stream;

    /**
     * Made by {@link io.fleetgate.Fleetgate}, which hosts build; not for hosts to call.
     *
     * @param context what the services of one {@code Fleetgate} share
     * @param stream  the stream logic the event sync shares
     */
    public PositionService(Context context, PositionStream stream) {
        this.context = context;
        this.log = context.store().positions();
        this.stream = stream;
    }

    /**
     * Takes a driver's fixes for a batch assigned to them. Each fix is keyed by the driver and its
     * {@code recorded_at}: the same fix again is a duplicate and changes nothing, another fix at
     * that instant is a conflict (the stored one is kept). The whole call is checked before
     * anything is read or written: one bad fix refuses the call and nothing is written.
     *
     * @param principal the batch's driver
     * @param batchId   the batch the phone is working
     * @param fixes     1 to {@value #MAX_FIXES_PER_CALL} fixes, in any order
     * @return what was stored, duplicated, conflicted, marked and confirmed
     * @throws InvalidRequestException   for a bad batch id, no fixes, more than
     *                                   {@value #MAX_FIXES_PER_CALL} or a null fix
     * @throws ForbiddenException        for anyone but a driver
     * @throws NotFoundException         for an unknown batch, or one not assigned to the driver
     * @throws StoreUnavailableException if the store fails
     */
    public PositionReceipt ingest(Principal principal, String batchId, List<Fix> fixes) {
        return context.decide(DecisionKind.POSITION_INGEST, () -> {
            try (AccessContext.Scope scope = AccessContext.enter(principal)) {
                Objects.requireNonNull(principal, "principal");
                Ids.require("batch_id", batchId);
                if (fixes == null || fixes.isEmpty() || fixes.size() > MAX_FIXES_PER_CALL) {
                    throw FleetgateException.invalid("fixes", "must list 1 to " + MAX_FIXES_PER_CALL + " fixes");
                }
                for (Fix f : fixes) {
                    if (f == null) {
                        throw FleetgateException.invalid("fixes", "must not hold null");
                    }
                }
                Principal.Driver driver = Principal.requireDriver(principal, "send fixes");
                Instant now = context.now();
                Map<Instant, Fix> distinct = new HashMap<>();
                List<Fix> rows = new ArrayList<>(fixes.size());
                int sameInCall = 0;
                List<Instant> conflictsInCall = new ArrayList<>();
                for (Fix f : fixes) {
                    Fix first = distinct.putIfAbsent(f.recordedAt(), f);
                    if (first == null) {
                        rows.add(f);
                    } else if (first.equals(f)) {
                        sameInCall++;
                    } else {
                        conflictsInCall.add(f.recordedAt());
                    }
                }
                // the batch is read, and the driver's right to it checked, under the driver's lock
                // and before anything is written
                PositionStream.Taken taken = stream.ingest(driver.userId(), batchId, rows, now);
                int marked = 0;
                for (RecordedFix r : taken.accepted()) {
                    marked += r.plausible() ? 0 : 1;
                }
                List<Instant> conflicts = new ArrayList<>(taken.conflicts());
                conflicts.addAll(conflictsInCall);
                PositionReceipt receipt = new PositionReceipt(taken.accepted().size(), taken.duplicates() + sameInCall,
                        conflicts, marked, taken.confirmed());
                LOG.atDebug().setMessage("fixes_taken").addKeyValue("driver_id", LogValues.text(driver.userId()))
                        .addKeyValue("batch_id", LogValues.text(batchId)).addKeyValue("accepted", receipt.accepted())
                        .addKeyValue("duplicates", receipt.duplicates()).addKeyValue("conflicts", conflicts.size())
                        .addKeyValue("marked", marked).addKeyValue("arrivals_confirmed", receipt.arrivalsConfirmed()).log();
                return receipt;
            }
        });
    }

    /**
     * {@return a driver's fixes recorded from {@code from} to {@code to} (both included), oldest
     * first, those the caller may see}
     *
     * @param principal the driver themself, a supervisor or member (their workspace's fixes), or the system
     * @param driverId  the driver
     * @param from      the earliest {@code recorded_at}
     * @param to        the latest, not before {@code from}
     * @param limit     1 to {@value #MAX_FIXES_PER_READ}
     * @throws InvalidRequestException   for a bad driver id, span or limit
     * @throws ForbiddenException        for a driver asking for another driver's fixes
     * @throws StoreUnavailableException if the store fails
     */
    public List<RecordedFix> fixes(Principal principal, String driverId, Instant from, Instant to, int limit) {
        try (AccessContext.Scope scope = AccessContext.enter(principal)) {
            Objects.requireNonNull(principal, "principal");
            Ids.require("driver_id", driverId);
            if (from == null || to == null || to.isBefore(from)) {
                throw FleetgateException.invalid("from", "and to must be instants, from not after to");
            }
            if (limit < 1 || limit > MAX_FIXES_PER_READ) {
                throw FleetgateException.invalid("limit", "must be between 1 and " + MAX_FIXES_PER_READ);
            }
            if (principal instanceof Principal.Driver d && !d.userId().equals(driverId)) {
                throw FleetgateException.forbidden("a driver reads only their own fixes");
            }
            String workspace = principal instanceof Principal.Supervisor s ? s.workspaceId()
                    : principal instanceof Principal.Member m ? m.workspaceId() : null;
            if (workspace == null) {
                return log.findFixes(driverId, from, to, limit);
            }
            // a store without row-level security returns the driver's fixes of every workspace:
            // page on until the limit is reached with the reader's own
            List<RecordedFix> out = new ArrayList<>();
            Instant after = from;
            while (true) {
                List<RecordedFix> page = log.findFixes(driverId, after, to, limit);
                for (RecordedFix f : page) {
                    if (f.workspaceId().equals(workspace)) {
                        out.add(f);
                        if (out.size() == limit) {
                            return out;
                        }
                    }
                }
                if (page.size() < limit) {
                    return out;
                }
                after = page.get(page.size() - 1).recordedAt().plusNanos(1000);
            }
        }
    }

    /**
     * The sweeper's pass, for a host to run every minute or so (one instance is enough; several
     * are safe): raises a {@code QUIET} review item for each driver on route silent for {@code
     * QUIET_AFTER_MIN} (once per silence; no per-driver timers), and confirms unconfirmed arrivals
     * the stored fixes now show.
     *
     * @param principal the system
     * @return what it found
     * @throws ForbiddenException        for anyone but the system
     * @throws StoreUnavailableException if the store fails
     */
    public SweepReport sweep(Principal principal) {
        try (AccessContext.Scope scope = AccessContext.enter(principal)) {
            requireSystem(principal, "sweeps");
            SweepReport report = stream.sweep(context.now());
            LOG.atInfo().setMessage("positions_swept").addKeyValue("quiet_raised", report.quietRaised())
                    .addKeyValue("arrivals_confirmed", report.arrivalsConfirmed()).log();
            return report;
        }
    }

    /**
     * Removes fixes recorded longer ago than {@code FIX_RETENTION_D}, oldest first, in chunks (each
     * its own short statement), until none is left.
     *
     * @param principal the system
     * @return how many were removed
     * @throws ForbiddenException        for anyone but the system
     * @throws StoreUnavailableException if the store fails
     */
    public long purge(Principal principal) {
        try (AccessContext.Scope scope = AccessContext.enter(principal)) {
            requireSystem(principal, "purges fixes");
            Instant before = context.now().minus(stream.settings().retention());
            long total = 0;
            int n;
            do {
                n = log.purgeFixes(before, PURGE_CHUNK);
                total += n;
            } while (n == PURGE_CHUNK);
            LOG.atInfo().setMessage("fixes_purged").addKeyValue("before", before.toString())
                    .addKeyValue("removed", total).log();
            return total;
        }
    }

    private static void requireSystem(Principal principal, String what) {
        Objects.requireNonNull(principal, "principal");
        if (!(principal instanceof Principal.System)) {
            throw FleetgateException.forbidden("only the system " + what);
        }
    }
}
