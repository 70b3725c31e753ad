package io.fleetgate.execution;

import io.fleetgate.Ids;
import io.fleetgate.Principal;
import io.fleetgate.access.Workspace;
import io.fleetgate.error.ErrorCode;
import io.fleetgate.error.FleetgateException;
import io.fleetgate.session.DeviceSession;
import io.fleetgate.spi.BatchRepository;
import io.fleetgate.spi.EventLog;
import io.fleetgate.spi.PositionLog;
import io.fleetgate.position.RecordedFix;
import io.fleetgate.spi.SessionRepository;
import io.fleetgate.spi.WorkspaceDirectory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * What one attempt at a sync call knows and has decided, shared by the stages of
 * {@link SyncPipeline}: the store's answers, each read at most once per attempt (the batches, the
 * sender's own known event hashes, the sessions, the workspaces, the driver's last located event
 * and batches on route), the batches as the call's accepted events leave them, and the answers so
 * far (outcomes, accepted events, quarantine records). Stages read the store only through it and
 * write only into it; the service commits what it holds.
 *
 * <p>Not thread-safe: one per attempt, used by the thread making the call.
 */
final class SyncCall {
    private final BatchRepository batchRepo;
    private final EventLog eventLog;
    private final SessionRepository deviceSessions;
    private final WorkspaceDirectory workspaces;
    private final PositionLog positions;
    private final Principal principal;
    private final Instant now;
    private final Set<String> hiddenIds;
    private final Map<String, Batch> batches = new HashMap<>();
    private final Map<String, Batch> read = new HashMap<>();
    /** The sender's own event ids by workspace: id to content hash. */
    private final Map<String, Map<String, String>> knownHashes = new HashMap<>();
    private final Map<String, Optional<DriverEvent>> lastLocated = new HashMap<>();
    private final Map<String, List<String>> storedOnRoute = new HashMap<>();
    /** Fixes read for arrivals: by driver, the spans read. */
    private final Map<String, List<Span>> fixSpans = new HashMap<>();
    private List<DriverEventRequest> events = List.of();
    private final Map<String, DeviceSession> sessionsById = new HashMap<>();
    private final Map<String, Optional<Workspace>> workspacesById = new HashMap<>();
    private Optional<DeviceSession> currentSession;
    private final List<DriverEvent> accepted = new ArrayList<>();
    private final List<QuarantinedEvent> quarantined = new ArrayList<>();
    private final List<EventOutcome> outcomes = new ArrayList<>();
    private final List<FleetgateException> refusals = new ArrayList<>();

    SyncCall(BatchRepository batchRepo, EventLog eventLog, SessionRepository deviceSessions,
             WorkspaceDirectory workspaces, PositionLog positions, Principal principal, Instant now,
             Set<String> hiddenIds) {
        this.batchRepo = batchRepo;
        this.positions = positions;
        this.eventLog = eventLog;
        this.deviceSessions = deviceSessions;
        this.workspaces = workspaces;
        this.principal = principal;
        this.now = now;
        this.hiddenIds = hiddenIds;
    }

    /**
     * Reads the call's batches in one query, then the sender's own known event ids in the
     * workspaces of the batches the sender may act on (one query per workspace, usually one),
     * rather than one read per event. Nothing of a batch the sender may not see is read beyond
     * the batch row itself. For a driver, a store that can ({@link EventLog#findDriverSyncReads},
     * PostgreSQL) reads all that and what the stages would read next (the workspace, the batches
     * on route, the latest located event) in one round trip; otherwise each of those is read when
     * an event first needs it.
     */
    void prefetch(List<DriverEventRequest> events) {
        this.events = events;
        Set<String> eventIds = new HashSet<>();
        Set<String> batchIds = new HashSet<>();
        for (DriverEventRequest e : events) {
            String eventId = validId(e.eventId());
            String batchId = validId(e.batchId());
            if (eventId != null) {
                eventIds.add(eventId);
            }
            if (batchId != null) {
                batchIds.add(batchId);
            }
        }
        if (principal instanceof Principal.Driver d && !batchIds.isEmpty()) {
            Optional<EventLog.DriverSyncReads> all = eventLog.findDriverSyncReads(d.userId(), batchIds, eventIds);
            if (all.isPresent()) {
                prefetched(all.get(), batchIds, !eventIds.isEmpty());
                return;
            }
        }
        if (!batchIds.isEmpty()) {
            Map<String, Batch> found = batchRepo.findBatches(batchIds);
            for (String id : batchIds) {
                Batch b = found.get(id);
                batches.put(id, b);
                if (b != null) {
                    read.put(id, b);
                }
            }
        }
        if (!eventIds.isEmpty()) {
            Set<String> workspaceIds = new TreeSet<>();
            for (Batch b : batches.values()) {
                if (b != null && visible(b)) {
                    workspaceIds.add(b.workspaceId());
                }
            }
            for (String ws : workspaceIds) {
                knownHashes.put(ws, new HashMap<>(eventLog.findEventHashes(ws, principal.userId(), eventIds)));
            }
        }
    }

    /**
     * Takes a driver's reads made at once ({@link EventLog#findDriverSyncReads}) as the reads the
     * stages would have made: the batches, then the sender's own event hashes and the workspace of
     * each batch the sender may act on (only those: a store's read of another workspace would not
     * be looked at), the batches on route and the latest located event.
     */
    private void prefetched(EventLog.DriverSyncReads all, Set<String> batchIds, boolean hashes) {
        for (String id : batchIds) {
            Batch b = all.batches().get(id);
            batches.put(id, b);
            if (b != null) {
                read.put(id, b);
            }
        }
        Set<String> workspaceIds = new TreeSet<>();
        for (Batch b : batches.values()) {
            if (b != null && visible(b)) {
                workspaceIds.add(b.workspaceId());
            }
        }
        for (String ws : workspaceIds) {
            if (hashes) {
                knownHashes.put(ws, new HashMap<>(all.eventHashes().getOrDefault(ws, Map.of())));
            }
            workspacesById.put(ws, Optional.ofNullable(all.workspaces().get(ws)));
        }
        storedOnRoute.put(principal.userId(), all.onRoute());
        lastLocated.put(principal.userId(), all.lastLocated());
    }

    // --- what the stages read -----------------------------------------------------------------

    Principal principal() {
        return principal;
    }

    Instant now() {
        return now;
    }

    /** {@return whether the sender may see the batch: {@link BatchAccess#visible}} */
    boolean visible(Batch b) {
        return BatchAccess.visible(principal, b);
    }

    /** {@return the batch as the call has left it so far, read once; {@code null} if unknown or no id} */
    Batch batch(String batchId) {
        if (batchId == null) {
            return null;
        }
        if (!batches.containsKey(batchId)) {
            Optional<Batch> b = batchRepo.findBatch(batchId);
            batches.put(batchId, b.orElse(null));
            b.ifPresent(found -> read.put(batchId, found));
        }
        return batches.get(batchId);
    }

    /** {@return every batch the call has read, as it has left them ({@code null} for unknown ids)} */
    Collection<Batch> batchesRead() {
        return batches.values();
    }

    /** {@return the content hash of the sender's own event with this id in the workspace, or {@code null}} */
    String knownHash(String workspaceId, String eventId) {
        return knownHashes.getOrDefault(workspaceId, Map.of()).get(eventId);
    }

    /** {@return whether the store found the id taken by an event it hides from the sender} */
    boolean hidden(String eventId) {
        return hiddenIds.contains(eventId);
    }

    /** {@return the sender's current session, read once per call and only if an event needs it} */
    Optional<DeviceSession> currentSession() {
        if (currentSession == null) {
            currentSession = deviceSessions.findCurrent(principal.userId());
        }
        return currentSession;
    }

    /** {@return the session with this id, read once; {@code null} if unknown} */
    DeviceSession session(String sessionId) {
        return sessionsById.computeIfAbsent(sessionId, id -> deviceSessions.findById(id).orElse(null));
    }

    /** {@return the batch's workspace, read once} */
    Optional<Workspace> workspaceOf(Batch b) {
        return workspacesById.computeIfAbsent(b.workspaceId(), workspaces::findWorkspace);
    }

    /** {@return the driver's latest located event, stored or accepted in this call; read once} */
    Optional<DriverEvent> lastLocated(String driverId) {
        return lastLocated.computeIfAbsent(driverId, eventLog::findLastLocatedEvent);
    }

    /**
     * {@return the driver's stored fixes recorded from {@code from} to {@code to}, oldest first}
     *
     * <p>The first time a driver's fixes are needed, the windows around every located arrival of
     * the call on that driver's batches are planned together: overlapping windows are read as one
     * span (at most {@link #MAX_SPAN} long), so a fix is read once per call however many
     * arrivals it lies near. A window the plan did not foresee is read on its own.
     *
     * @param window how far either side of an arrival its fixes count
     */
    List<RecordedFix> fixes(String driverId, Instant from, Instant to, Duration window) {
        List<Span> spans = fixSpans.computeIfAbsent(driverId, d -> plan(d, window));
        for (Span span : spans) {
            if (!from.isBefore(span.from()) && !to.isAfter(span.to())) {
                return span.slice(from, to);
            }
        }
        Span alone = new Span(from, to, positions.findFixes(driverId, from, to, MAX_FIXES_PER_SPAN));
        spans.add(alone);
        return alone.fixes();
    }

    /** Reads the driver's fixes around the call's located arrivals, overlapping windows as one. */
    private List<Span> plan(String driverId, Duration window) {
        List<Instant> arrivals = new ArrayList<>();
        for (DriverEventRequest e : events) {
            Batch b = e.type() == DriverEventType.ARRIVED_AT_STOP && e.lat() != null && e.recordedAt() != null
                    ? batches.get(e.batchId()) : null;
            if (b != null && driverId.equals(b.driverId())) {
                arrivals.add(e.recordedAt());
            }
        }
        arrivals.sort(null);
        List<Span> spans = new ArrayList<>();
        Instant from = null;
        Instant to = null;
        for (Instant t : arrivals) {
            Instant f = t.minus(window);
            Instant u = t.plus(window);
            if (from != null && (f.isAfter(to) || Duration.between(from, u).compareTo(MAX_SPAN) > 0)) {
                spans.add(new Span(from, to, positions.findFixes(driverId, from, to, MAX_FIXES_PER_SPAN)));
                from = null;
            }
            if (from == null) {
                from = f;
            }
            to = u;
        }
        if (from != null) {
            spans.add(new Span(from, to, positions.findFixes(driverId, from, to, MAX_FIXES_PER_SPAN)));
        }
        return spans;
    }

    /** Fixes read from {@code from} to {@code to}, oldest first. */
    private record Span(Instant from, Instant to, List<RecordedFix> fixes) {
        List<RecordedFix> slice(Instant a, Instant b) {
            int lo = first(a, false);
            int hi = first(b, true);
            return fixes.subList(lo, hi);
        }

        /** The index of the first fix after {@code t} ({@code strictly}) or at or after it. */
        private int first(Instant t, boolean strictly) {
            int lo = 0;
            int hi = fixes.size();
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                int c = fixes.get(mid).recordedAt().compareTo(t);
                if (c < 0 || (strictly && c == 0)) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            return lo;
        }
    }

    /** The longest span of fixes read at once: two hours (at one fix a second, 7,200 fixes). */
    static final Duration MAX_SPAN = Duration.ofHours(2);
    /** The most fixes one span returns. */
    static final int MAX_FIXES_PER_SPAN = 20_000;

    /** {@return the ids of the driver's batches on route in the store, read once} */
    List<String> storedOnRoute(String driverId) {
        return storedOnRoute.computeIfAbsent(driverId, batchRepo::findInProgressBatches);
    }

    // --- what the stages write ----------------------------------------------------------------

    /**
     * Answers a refused event. {@code b} is the event's batch when the sender may see it: the
     * refusal is then quarantined in that batch's workspace, so nothing a phone sends about its
     * own work is lost. With {@code b == null} (an unknown batch, or one the sender may not see)
     * nothing is written: a sender cannot leave traces in a workspace they do not belong to.
     */
    void refuse(DriverEventRequest e, Batch b, FleetgateException why) {
        if (why.code() == ErrorCode.STORE_UNAVAILABLE) {
            // not a verdict on the event: a read the stage needed failed (the database is down, a
            // failover is under way), so the whole call fails before its commit, nothing written
            throw why;
        }
        if (b != null) {
            String content = EventEncoding.lenient(e);
            // Only well-formed ids go into columns; whatever was sent is in the content.
            quarantined.add(new QuarantinedEvent(UUID.randomUUID().toString(), validId(e.eventId()),
                    b.id(), b.workspaceId(), principal.userId(), validId(e.sessionId()), content,
                    EventEncoding.sha256(content), why.code(), why.getMessage(), now));
        }
        outcomes.add(new EventOutcome(e.eventId(), EventOutcome.Result.REJECTED, null, false, List.of(),
                why.code(), why.getMessage()));
        refusals.add(why);
    }

    /** Answers an event already recorded by the sender with the same content. */
    void duplicate(String eventId, DriverStatus status) {
        outcomes.add(new EventOutcome(eventId, EventOutcome.Result.DUPLICATE, status, false, List.of(), null, null));
        refusals.add(null);
    }

    /**
     * Takes an accepted event: it joins the events to commit, its batch becomes {@code after},
     * its id and hash are known to the rest of the call, and, if it is the sender's own located
     * event, the latest one the speed check compares with.
     */
    void accept(DriverEvent stored, Batch after) {
        batches.put(after.id(), after);
        knownHashes.computeIfAbsent(after.workspaceId(), ws -> new HashMap<>()).put(stored.eventId(), stored.contentHash());
        accepted.add(stored);
        String driverId = stored.driverId();
        if (stored.located() && driverId != null && driverId.equals(principal.userId())) {
            Optional<DriverEvent> prev = lastLocated.get(driverId);
            if (prev == null || prev.isEmpty() || !stored.recordedAt().isBefore(prev.get().recordedAt())) {
                lastLocated.put(driverId, Optional.of(stored));
            }
        }
        outcomes.add(new EventOutcome(stored.eventId(), EventOutcome.Result.ACCEPTED, stored.status(),
                stored.flaggedForReview(), stored.flagReasons(), null, null));
        refusals.add(null);
    }

    // --- what the service commits and logs ----------------------------------------------------

    /** {@return one answer per event so far, in order} */
    List<EventOutcome> outcomes() {
        return outcomes;
    }

    /** {@return the accepted events, in order} */
    List<DriverEvent> accepted() {
        return accepted;
    }

    /** {@return the quarantine records of refused events} */
    List<QuarantinedEvent> quarantined() {
        return quarantined;
    }

    /** {@return the first refusal of the call, or {@code null}} */
    FleetgateException firstRefusal() {
        return refusals.stream().filter(Objects::nonNull).findFirst().orElse(null);
    }

    /** {@return each batch the call moved, with the version it was read at and whether its stops changed} */
    List<EventLog.BatchChange> changes() {
        List<EventLog.BatchChange> out = new ArrayList<>();
        for (Batch before : read.values()) {
            Batch b = batches.get(before.id());
            if (b != null && b.version() != before.version()) {
                out.add(new EventLog.BatchChange(b, before.version(), !b.stops().equals(before.stops())));
            }
        }
        return out;
    }

    /** {@return the id if it is a well-formed one, else {@code null}} */
    static String validId(String id) {
        try {
            return Ids.optional("id", id);
        } catch (FleetgateException notAnId) {
            return null;
        }
    }
}
