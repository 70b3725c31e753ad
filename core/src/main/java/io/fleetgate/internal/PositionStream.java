package io.fleetgate.internal;

import io.fleetgate.PositionSettings;
import io.fleetgate.Principal;
import io.fleetgate.error.FleetgateException;
import io.fleetgate.execution.Batch;
import io.fleetgate.execution.DriverEvent;
import io.fleetgate.execution.ReviewItem;
import io.fleetgate.execution.ReviewRecord;
import io.fleetgate.execution.Stop;
import io.fleetgate.geo.Coordinate;
import io.fleetgate.geo.Corridor;
import io.fleetgate.geo.Geo;
import io.fleetgate.position.AlertKind;
import io.fleetgate.position.DriverPresence;
import io.fleetgate.position.Fix;
import io.fleetgate.position.FixMark;
import io.fleetgate.position.PositionAlert;
import io.fleetgate.position.RecordedFix;
import io.fleetgate.position.SweepReport;
import io.fleetgate.spi.FleetgateStore;
import io.fleetgate.spi.PositionLog;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * What the position stream does with what a phone says, for the position service and the event
 * sync alike: marks implausible fixes, keeps when each driver was last heard (closing a QUIET alert
 * when they speak again), gathers off-corridor fixes and located events and implausible jumps into
 * one alert per episode, and confirms earlier arrivals that new fixes show. Every write of one
 * driver happens under {@link FleetgateStore#exclusively} on {@code "positions:" + driverId}, so
 * two hosts taking one driver's fixes at once cannot raise one episode twice. The fixes are written
 * as the driver; presence, alerts and review records are the library's own records, written as
 * the system (a driver may not write a review record, on PostgreSQL not even through its
 * connection).
 *
 * <p>Episodes are kept as spans of recorded time: a trigger within {@code EXCURSION_GAP_S} of an
 * alert widens it, one within the gap of two merges them. That is one-dimensional clustering by
 * gap, whose result depends only on the set of trigger times, not on their order: so alerts do
 * not depend on how a phone split its uploads. Immutable and thread-safe.
 */
public final class PositionStream {
    /** How far apart in time two fixes may be and still be compared for an implausible jump. */
    public static final Duration JUMP_HORIZON = Duration.ofMinutes(2);
    /** The most unconfirmed arrivals re-judged per call or sweep. */
    private static final int CONFIRM_LIMIT = 1000;
    /** The most fixes read in one span: around a call's fixes for jumps, or around one arrival. */
    private static final int JUMP_READ_LIMIT = 20_000;

    private final FleetgateStore store;
    private final PositionLog log;
    private final PositionSettings settings;
    private final double maxSpeedKmh;
    private final Duration futureTolerance;
    private final Duration maxOfflineAge;

    /**
     * Made once per {@code Fleetgate}.
     *
     * @param context what the services share
     */
    public PositionStream(Context context) {
        this.store = context.store();
        this.log = store.positions();
        this.settings = context.settings().positions();
        this.maxSpeedKmh = context.settings().sync().maxSpeedKmh();
        this.futureTolerance = context.settings().sync().futureTolerance();
        this.maxOfflineAge = context.settings().sync().maxOfflineAge();
    }

    /** {@return the rules} */
    public PositionSettings settings() {
        return settings;
    }

    /**
     * {@return why a fix is implausible at {@code now}; empty when it is plausible}
     *
     * @param fix the fix
     * @param now the server's instant
     */
    public Set<FixMark> marks(Fix fix, Instant now) {
        Set<FixMark> marks = EnumSet.noneOf(FixMark.class);
        if (fix.accuracyMeters() != null && fix.accuracyMeters() > settings.maxFixAccuracyMeters()) {
            marks.add(FixMark.ACCURACY);
        }
        if (fix.recordedAt().isAfter(now.plus(futureTolerance))) {
            marks.add(FixMark.FUTURE);
        }
        if (fix.recordedAt().isBefore(now.minus(maxOfflineAge))) {
            marks.add(FixMark.STALE);
        }
        if (fix.speedMps() != null && fix.speedMps() * 3.6 > maxSpeedKmh) {
            marks.add(FixMark.SPEED);
        }
        return marks;
    }

    /**
     * What one call of fixes did.
     *
     * @param accepted  the fixes stored now
     * @param duplicates how many were stored already alike
     * @param conflicts recorded times stored already with other content
     * @param confirmed arrivals confirmed
     */
    public record Taken(List<RecordedFix> accepted, int duplicates, List<Instant> conflicts, int confirmed) {
    }

    /**
     * Stores a driver's fixes for a batch and does what they imply, all in one transaction under
     * the driver's lock: reads the batch and checks it is the driver's (else {@code NOT_FOUND},
     * nothing written), reads the stored fixes around the new ones, writes the new ones as the
     * driver, then the library's own records as the system.
     *
     * @param driverId the driver sending them
     * @param batchId  the batch they name
     * @param fixes    the fixes, recorded times distinct
     * @param now      the call's instant
     * @return what was done
     * @throws io.fleetgate.error.NotFoundException if the batch is unknown or not the driver's
     */
    public Taken ingest(String driverId, String batchId, List<Fix> fixes, Instant now) {
        return store.exclusively(List.of("positions:" + driverId), () -> {
            List<Fix> sorted = new ArrayList<>(fixes);
            sorted.sort((x, y) -> x.recordedAt().compareTo(y.recordedAt()));
            Instant first = sorted.get(0).recordedAt();
            Instant last = sorted.get(sorted.size() - 1).recordedAt();
            // one read with the insert: the batch, the stored fixes around the new ones (when the
            // call spans at most an hour; else per run below) and whether an arrival near them
            // awaits fixes
            boolean compact = Duration.between(first, last).compareTo(Duration.ofHours(1)) <= 0;
            PositionLog.Reads reads = new PositionLog.Reads(first.minus(JUMP_HORIZON), last.plus(JUMP_HORIZON),
                    compact ? JUMP_READ_LIMIT : 0, first.minus(settings.confirmWindow()),
                    last.plus(settings.confirmWindow()));
            // the read and the insert (as the driver) in one go where the store can
            PositionLog.Taking taking = log.takeFixes(batchId, driverId, reads, sorted, f -> marks(f, now), now)
                    .orElseThrow(() -> FleetgateException.notFound("batch", batchId));
            PositionLog.Intake intake = taking.intake();
            PositionLog.BatchRoute batch = intake.batch();
            List<RecordedFix> rows = taking.fixes();
            List<RecordedFix> taken = taking.taken();
            List<Fix> before = compact ? intake.plausible() : storedAround(driverId, rows, taken);
            try (AccessContext.Scope system = AccessContext.enter(Principal.system())) {
                return bookkeeping(batch, driverId, rows, before, taken, intake, now);
            }
        });
    }

    /**
     * The plausible fixes stored before this call within {@link #JUMP_HORIZON} of its fixes, read per run of
     * them (a run ends where the next is more than two horizons later), so that an upload spread
     * over days reads only around its fixes; oldest first. Read after the insert, so the call's
     * own new fixes are left out (a key that was taken keeps its stored fix).
     */
    private List<Fix> storedAround(String driverId, List<RecordedFix> sorted, List<RecordedFix> taken) {
        Set<Instant> stayed = new HashSet<>();
        for (RecordedFix f : taken) {
            stayed.add(f.recordedAt());
        }
        Set<Instant> fresh = new HashSet<>();
        for (RecordedFix f : sorted) {
            if (!stayed.contains(f.recordedAt())) {
                fresh.add(f.recordedAt());
            }
        }
        List<Fix> around = new ArrayList<>();
        int start = 0;
        for (int i = 1; i <= sorted.size(); i++) {
            if (i == sorted.size() || sorted.get(i).recordedAt().isAfter(
                    sorted.get(i - 1).recordedAt().plus(JUMP_HORIZON.multipliedBy(2)))) {
                for (RecordedFix f : log.findFixes(driverId, sorted.get(start).recordedAt().minus(JUMP_HORIZON),
                        sorted.get(i - 1).recordedAt().plus(JUMP_HORIZON), JUMP_READ_LIMIT)) {
                    if (f.plausible() && !fresh.contains(f.recordedAt())) {
                        around.add(f.fix());
                    }
                }
                start = i;
            }
        }
        return around;
    }

    private Taken bookkeeping(PositionLog.BatchRoute batch, String driverId, List<RecordedFix> fixes,
                              List<Fix> before, List<RecordedFix> taken, PositionLog.Intake intake,
                              Instant now) {
        Map<Instant, RecordedFix> stored = new HashMap<>();
        for (RecordedFix f : taken) {
            stored.put(f.recordedAt(), f);
        }
        List<RecordedFix> accepted = new ArrayList<>(fixes.size());
        int duplicates = 0;
        List<Instant> conflicts = new ArrayList<>();
        for (RecordedFix f : fixes) {
            RecordedFix there = stored.get(f.recordedAt());
            if (there == null) {
                accepted.add(f);
            } else if (there.fix().equals(f.fix())) {
                duplicates++;
            } else {
                conflicts.add(f.recordedAt());
            }
        }
        Instant lastFix = null;
        List<RecordedFix> plausible = new ArrayList<>();
        for (RecordedFix f : accepted) {
            if (f.plausible()) {
                plausible.add(f);
                lastFix = lastFix == null || f.recordedAt().isAfter(lastFix) ? f.recordedAt() : lastFix;
            }
        }
        if (presenceStale(intake.presence(), batch.workspaceId(), lastFix, now)) {
            heard(batch.workspaceId(), driverId, now, lastFix);
        }
        int confirmed = 0;
        if (!plausible.isEmpty()) {
            offCorridor(batch, driverId, plausible, now);
            jumps(batch, driverId, plausible, before, now);
            confirmed = intake.unconfirmedArrivals() ? confirmArrivals(driverId, plausible.get(0).recordedAt(),
                    plausible.get(plausible.size() - 1).recordedAt(), now) : 0;
        }
        return new Taken(accepted, duplicates, conflicts, confirmed);
    }

    /**
     * {@return whether a call of fixes must write the driver's presence: never heard, a QUIET
     * item open, another workspace, no fix known yet, or last heard more than {@link
     * #PRESENCE_RESOLUTION} ago; a phone sending every few seconds writes it every fifteen, not
     * with every call (its last fix then catches up with the next write)}
     */
    private static boolean presenceStale(DriverPresence p, String workspaceId, Instant lastFix, Instant now) {
        return p == null || p.quietAlertId() != null || !p.workspaceId().equals(workspaceId)
                || (lastFix != null && p.lastFixAt() == null)
                || p.lastHeardAt().isBefore(now.minus(PRESENCE_RESOLUTION));
    }

    /**
     * How far behind a driver's presence may be after a call of their fixes: the quiet sweep and
     * the board's last fix may lag the phone by this much (the quiet threshold is a minute or more).
     */
    public static final Duration PRESENCE_RESOLUTION = Duration.ofSeconds(15);

    /**
     * After a committed sync: the driver was heard, and their located events on a batch with a
     * corridor join its excursions.
     *
     * @param driverId the driver who sent them
     * @param events   their accepted events, with the batches after them
     * @param batches  those batches by id
     * @param now      the call's instant
     */
    public void synced(String driverId, List<DriverEvent> events, Map<String, Batch> batches, Instant now) {
        if (events.isEmpty()) {
            return;
        }
        Map<String, List<Trigger>> outside = new LinkedHashMap<>();
        for (DriverEvent e : events) {
            Batch b = batches.get(e.batchId());
            if (b == null || b.corridor() == null || e.lat() == null) {
                continue;
            }
            Double accuracy = e.accuracyMeters();
            if (accuracy != null && accuracy > settings.maxFixAccuracyMeters()) {
                continue;
            }
            if (!b.corridor().check(Coordinate.of(e.lat(), e.lng()), accuracy).plausiblyInside()) {
                outside.computeIfAbsent(b.id(), id -> new ArrayList<>())
                        .add(new Trigger(e.recordedAt(), e.recordedAt(), 1));
            }
        }
        try (AccessContext.Scope system = AccessContext.enter(Principal.system())) {
            // one statement, atomic on its own: no lock needed unless there is an excursion to record
            heard(events.get(events.size() - 1).workspaceId(), driverId, now, null);
            if (!outside.isEmpty()) {
                store.exclusively(List.of("positions:" + driverId), () -> {
                    outside.forEach((batchId, triggers) -> {
                        Batch b = batches.get(batchId);
                        raise(new PositionLog.BatchRoute(b.id(), b.workspaceId(), b.driverId(), b.corridor()), driverId,
                                AlertKind.OFF_CORRIDOR, triggers, corridorDetail(b.corridor()), now);
                    });
                    return null;
                });
            }
        }
    }

    /**
     * Raises a QUIET alert for each driver on route silent longer than {@code QUIET_AFTER_MIN},
     * once per silence, then re-judges unconfirmed arrivals of the last {@code
     * EVENT_MAX_OFFLINE_AGE_H} against the fixes stored now (which also heals a confirmation a
     * race between a sync and an upload missed).
     *
     * @param now the sweep's instant
     * @return quiet alerts raised and arrivals confirmed
     */
    public SweepReport sweep(Instant now) {
        int raised = 0;
        for (PositionLog.Silence s : log.findSilent(now.minus(settings.quietAfter()), CONFIRM_LIMIT)) {
            String driverId = s.presence().driverId();
            Instant since = s.presence().lastHeardAt();
            boolean added = store.exclusively(List.of("positions:" + driverId), () -> {
                PositionAlert alert = new PositionAlert(UUID.randomUUID().toString(), s.presence().workspaceId(),
                        driverId, s.batchId(), AlertKind.QUIET, since, since, 1,
                        "no fix and no event since " + since, now, null);
                if (!log.insertAlert(alert)) {
                    return false;
                }
                if (!log.markQuiet(driverId, since, alert.id())) {
                    close(alert.workspaceId(), alert.id(), ReviewItem.Kind.ALERT, null,
                            "SPOKE_AGAIN: heard before the sweep finished", now);
                }
                return true;
            });
            raised += added ? 1 : 0;
        }
        int confirmed = store.exclusively(List.of("positions:sweep"), () -> confirm(
                log.findUnconfirmedArrivals(null, now.minus(maxOfflineAge), now.plus(futureTolerance), CONFIRM_LIMIT),
                now));
        return new SweepReport(raised, confirmed);
    }

    // --- the parts -----------------------------------------------------------------------------

    private void heard(String workspaceId, String driverId, Instant now, Instant lastFix) {
        Optional<String> quiet = log.heard(workspaceId, driverId, now, lastFix);
        quiet.ifPresent(alertId -> log.findAlert(workspaceId, alertId).ifPresent(a ->
                close(a.workspaceId(), a.id(), ReviewItem.Kind.ALERT, null, "SPOKE_AGAIN: heard at " + now, now)));
    }

    private void close(String workspaceId, String itemId, ReviewItem.Kind kind, String senderId, String note,
                       Instant now) {
        store.reviews().insertReview(new ReviewRecord(UUID.randomUUID().toString(), workspaceId, itemId, kind,
                senderId, Principal.system().userId(), note, now));
    }

    private void offCorridor(PositionLog.BatchRoute batch, String driverId, List<RecordedFix> plausible, Instant now) {
        Corridor corridor = batch.corridor();
        if (corridor == null) {
            return;
        }
        List<Trigger> triggers = new ArrayList<>();
        for (RecordedFix f : plausible) {
            if (!corridor.check(f.fix().location(), f.fix().accuracyMeters()).plausiblyInside()) {
                triggers.add(new Trigger(f.recordedAt(), f.recordedAt(), 1));
            }
        }
        if (!triggers.isEmpty()) {
            raise(batch, driverId, AlertKind.OFF_CORRIDOR, triggers, corridorDetail(corridor), now);
        }
    }

    private static String corridorDetail(Corridor corridor) {
        return String.format(Locale.ROOT, "outside the planned route's corridor (%.0f m wide)", corridor.widthMeters());
    }

    /**
     * Every pair of plausible fixes at most {@link #JUMP_HORIZON} apart, one of them new, farther
     * apart (less both accuracies) than {@code MAX_SPEED_KMH} allows in the time between them. A
     * pair is found once: when the later-stored of the two arrives.
     */
    private void jumps(PositionLog.BatchRoute batch, String driverId, List<RecordedFix> fresh, List<Fix> before,
                       Instant now) {
        // the plausible fixes stored before this call near the new ones, and the new ones, oldest
        // first, as arrays: the pairs are many and each must cost little
        List<Fix> around = new ArrayList<>(before.size() + fresh.size());
        around.addAll(before);
        int stored = around.size();
        for (RecordedFix f : fresh) {
            around.add(f.fix());
        }
        int n = around.size();
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (x, y) -> around.get(x).recordedAt().compareTo(around.get(y).recordedAt()));
        long[] micros = new long[n];
        double[] lat = new double[n];
        double[] lng = new double[n];
        double[] acc = new double[n];
        boolean[] isNew = new boolean[n];
        for (int k = 0; k < n; k++) {
            Fix f = around.get(order[k]);
            micros[k] = ChronoUnit.MICROS.between(Instant.EPOCH, f.recordedAt());
            lat[k] = f.location().lat();
            lng[k] = f.location().lng();
            acc[k] = orZero(f.accuracyMeters());
            isNew[k] = order[k] >= stored;
        }
        long horizon = JUMP_HORIZON.toNanos() / 1000;
        double metresPerMicro = maxSpeedKmh / 3.6 / 1e6;
        List<Trigger> triggers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (!isNew[i]) {
                continue;
            }
            for (int j = i - 1; j >= 0 && micros[i] - micros[j] <= horizon; j--) {
                jump(i, j, micros, lat, lng, acc, metresPerMicro, triggers);
            }
            for (int j = i + 1; j < n && micros[j] - micros[i] <= horizon; j++) {
                if (!isNew[j]) { // a pair of two new fixes is judged once, from its later fix
                    jump(i, j, micros, lat, lng, acc, metresPerMicro, triggers);
                }
            }
        }
        if (!triggers.isEmpty()) {
            raise(batch, driverId, AlertKind.IMPLAUSIBLE_SPEED, triggers, String.format(Locale.ROOT,
                    "fixes imply more than %.0f km/h (route hijack?)", maxSpeedKmh), now);
        }
    }

    /** Adds a trigger if fixes {@code i} and {@code j} are farther apart than the time between them allows. */
    private static void jump(int i, int j, long[] micros, double[] lat, double[] lng, double[] acc,
                             double metresPerMicro, List<Trigger> triggers) {
        long dt = Math.abs(micros[i] - micros[j]);
        if (dt == 0) {
            return; // one instant: the same key, never two stored fixes
        }
        double allowed = metresPerMicro * dt + acc[i] + acc[j];
        double dLng = Math.abs(lng[i] - lng[j]);
        if ((Math.abs(lat[i] - lat[j]) + (dLng > 180 ? 360 - dLng : dLng)) * METRES_PER_DEGREE_BOUND <= allowed) {
            return; // certainly not too far: no great-circle distance needed
        }
        if (Geo.haversineMeters(lat[i], lng[i], lat[j], lng[j]) > allowed) {
            int a = Math.min(i, j);
            int b = Math.max(i, j);
            triggers.add(new Trigger(Instant.EPOCH.plus(micros[a], ChronoUnit.MICROS),
                    Instant.EPOCH.plus(micros[b], ChronoUnit.MICROS), 1));
        }
    }

    /** Metres per degree of a great circle, rounded up (a mean radius of 6,371.0088 km gives 111,195.08). */
    private static final double METRES_PER_DEGREE_BOUND = 111_196;

    private static double orZero(Double d) {
        return d == null ? 0 : d;
    }

    /** A span of recorded time that belongs in an episode, and how much it adds to its count. */
    private record Trigger(Instant from, Instant to, int weight) {
    }

    /**
     * Folds triggers into the driver's alerts of that kind: each run of triggers (gaps within
     * {@code EXCURSION_GAP_S}) widens the alerts it comes within the gap of, merging them into the
     * earliest, or starts a new one.
     */
    private void raise(PositionLog.BatchRoute batch, String driverId, AlertKind kind, List<Trigger> triggers, String detail,
                       Instant now) {
        if (triggers.isEmpty()) {
            return;
        }
        triggers.sort((x, y) -> x.from().compareTo(y.from()));
        Duration gap = settings.excursionGap();
        Instant runFrom = null;
        Instant runTo = null;
        int runCount = 0;
        for (Trigger t : triggers) {
            if (runFrom != null && t.from().isAfter(runTo.plus(gap))) {
                fold(batch, driverId, kind, runFrom, runTo, runCount, detail, now);
                runFrom = null;
            }
            if (runFrom == null) {
                runFrom = t.from();
                runTo = t.to();
                runCount = 0;
            }
            runTo = t.to().isAfter(runTo) ? t.to() : runTo;
            runCount += t.weight();
        }
        fold(batch, driverId, kind, runFrom, runTo, runCount, detail, now);
    }

    private void fold(PositionLog.BatchRoute batch, String driverId, AlertKind kind, Instant from, Instant to, int count, String detail,
                      Instant now) {
        Duration gap = settings.excursionGap();
        List<PositionAlert> near = log.findAlerts(driverId, kind, from.minus(gap), to.plus(gap));
        if (near.isEmpty()) {
            log.insertAlert(new PositionAlert(UUID.randomUUID().toString(), batch.workspaceId(), driverId, batch.batchId(),
                    kind, from, to, count, detail, now, null));
            return;
        }
        PositionAlert survivor = near.get(0);
        Instant first = from.isBefore(survivor.firstAt()) ? from : survivor.firstAt();
        Instant last = to.isAfter(survivor.lastAt()) ? to : survivor.lastAt();
        int total = survivor.count() + count;
        for (PositionAlert other : near.subList(1, near.size())) {
            first = other.firstAt().isBefore(first) ? other.firstAt() : first;
            last = other.lastAt().isAfter(last) ? other.lastAt() : last;
            total += other.count();
            log.updateAlert(new PositionAlert(other.id(), other.workspaceId(), other.driverId(), other.batchId(),
                    other.kind(), other.firstAt(), other.lastAt(), other.count(), other.detail(), other.createdAt(),
                    survivor.id()));
        }
        log.updateAlert(new PositionAlert(survivor.id(), survivor.workspaceId(), survivor.driverId(),
                survivor.batchId(), kind, first, last, total, survivor.detail(), survivor.createdAt(), null));
    }

    /** Re-judges the driver's unconfirmed arrivals near the new fixes; {@return how many are now confirmed} */
    private int confirmArrivals(String driverId, Instant firstFix, Instant lastFix, Instant now) {
        return confirm(log.findUnconfirmedArrivals(driverId, firstFix.minus(settings.confirmWindow()),
                lastFix.plus(settings.confirmWindow()), CONFIRM_LIMIT), now);
    }

    private int confirm(List<DriverEvent> arrivals, Instant now) {
        int confirmed = 0;
        Map<String, Optional<Batch>> batches = new HashMap<>();
        for (DriverEvent e : arrivals) {
            Optional<Batch> b = batches.computeIfAbsent(e.batchId(), store.batches()::findBatch);
            Stop stop = b.flatMap(batch -> stopOf(batch, e)).orElse(null);
            if (stop == null || e.driverId() == null) {
                continue;
            }
            List<RecordedFix> fixes = log.findFixes(e.driverId(), ArrivalPresence.from(e.recordedAt(), settings),
                    ArrivalPresence.to(e.recordedAt(), settings), JUMP_READ_LIMIT);
            ArrivalPresence.Verdict v = ArrivalPresence.judge(stop, e.recordedAt(), fixes, settings);
            if (v.confirmed() && e.flagReasons().stream().allMatch(r -> r.startsWith(ARRIVAL_UNCONFIRMED))) {
                close(e.workspaceId(), e.eventId(), ReviewItem.Kind.EVENT, e.actorId(), "ARRIVAL_CONFIRMED: " + v.describe(settings) + ", by fixes"
                        + " that arrived later", now);
                confirmed++;
            }
        }
        return confirmed;
    }

    private static Optional<Stop> stopOf(Batch b, DriverEvent e) {
        if (e.stopId() != null) {
            int i = b.indexOf(e.stopId());
            return i < 0 ? Optional.empty() : Optional.of(b.stops().get(i));
        }
        Integer i = e.stopIndex();
        return i == null || i < 0 || i >= b.stops().size() ? Optional.empty() : Optional.of(b.stops().get(i));
    }

    /** The flag reason of an arrival the fixes did not show when it was accepted. */
    public static final String ARRIVAL_UNCONFIRMED = "ARRIVAL_UNCONFIRMED";
}
