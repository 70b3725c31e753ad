package io.fleetgate.execution;

import io.fleetgate.FleetgateSettings;
import io.fleetgate.Ids;
import io.fleetgate.Principal;
import io.fleetgate.SyncSettings;
import io.fleetgate.access.Workspace;
import io.fleetgate.error.BadSignatureException;
import io.fleetgate.error.EventIdConflictException;
import io.fleetgate.error.FleetgateException;
import io.fleetgate.error.InvalidTransitionException;
import io.fleetgate.geo.Coordinate;
import io.fleetgate.geo.Geo;
import io.fleetgate.internal.AccessContext;
import io.fleetgate.internal.Context;
import io.fleetgate.internal.Cursor;
import io.fleetgate.internal.Json;
import io.fleetgate.internal.LogValues;
import io.fleetgate.session.DeviceSession;
import io.fleetgate.session.EventSignatures;
import io.fleetgate.spi.BatchRepository;
import io.fleetgate.spi.EventLog;
import io.fleetgate.spi.ReviewQueue;
import io.fleetgate.spi.SessionRepository;
import io.fleetgate.spi.WorkspaceDirectory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The driver execution layer (seed 004): delivery batches moving through the
 * {@link DriverStateMachine}, recorded as an append-only event log that phones may sync long after
 * the fact.
 *
 * <p>Every accepted event is one entry in the log and one step of its batch, committed together
 * and conditionally on the batch's version, so replaying a batch's log through the state machine
 * always gives its stored status, even with many host instances racing. A {@link #sync} of up to
 * {@value #MAX_EVENTS_PER_CALL} events is decided in memory in the order given (a refused event
 * does not stop the ones after it) and committed in one transaction; if another instance changed
 * a batch meanwhile, the whole call is decided again on fresh data.
 *
 * <p>Each event goes through ordered stages ({@code SyncPlan.apply}): parse, authorize, dedupe,
 * verify, decide, flag, persist; a stage never sees an event an earlier one refused. Authorization
 * comes before anything else reads the sender's events: an event naming a batch the sender may not
 * see is answered exactly as one naming an unknown batch ({@code NOT_FOUND}) and writes nothing.
 * Event ids are client-made and unique per workspace and sender: the sender's own id again with
 * the same content is {@code DUPLICATE} and changes nothing, so a phone may resend freely; with
 * different content it is refused ({@code EVENT_ID_CONFLICT}); another sender's use of the same id
 * is invisible. The sender's own refused events (on a batch they may see) are kept in the
 * quarantine of that batch's workspace with their reason, apart from the log. An unsigned event may
 * name only the sender's current session; an event recorded longer ago than
 * {@code EVENT_MAX_OFFLINE_AGE_H} is quarantined ({@code INVALID_REQUEST}).
 *
 * <p>Accepted events are flagged for review, never refused, when an arrival or a proof is outside
 * its stop's geofence (GPS accuracy counts in the driver's favour here, never for access), when an
 * event that needs a location has none, and when a driver's consecutive located events imply a
 * speed above {@code MAX_SPEED_KMH} (route hijack detection).
 *
 * <p>Events recorded offline may be signed ({@link EventSignatures}): an event carrying a
 * signature must name the sender's session and verify under that session's key, with its
 * {@code recorded_at} within the session's lifetime (give or take {@code EVENT_SESSION_SKEW_S}), and a workspace
 * may require every event a driver sends to be signed. A bad or missing required signature is refused
 * ({@code BAD_SIGNATURE}) and quarantined like any refusal.
 *
 * <p>Who may do what: a driver records route events for batches assigned to them; a supervisor
 * records {@code SUPERVISOR_OVERRIDE}s, creates and assigns batches in their workspace; a member
 * reads their workspace's batches; the system may do anything. Another workspace's batch is
 * "not found". Instances are immutable and thread-safe.
 */
public final class DriverExecutionService {
    /** The most events one {@link #sync} call takes. */
    public static final int MAX_EVENTS_PER_CALL = 1000;
    /** The most stops a batch may have. */
    public static final int MAX_STOPS = 1000;
    /** The longest encoded payload accepted, in characters. */
    public static final int MAX_PAYLOAD_CHARS = 16 * 1024;
    /** The longest override reason accepted, in characters. */
    public static final int MAX_REASON_CHARS = 500;

    private static final Logger LOG = LoggerFactory.getLogger(DriverExecutionService.class);
    private static final Instant EARLIEST = Instant.parse("2000-01-01T00:00:00Z");

    private final Context context;
    private final BatchRepository batchRepo;
    private final EventLog eventLog;
    private final ReviewQueue reviews;
    private final WorkspaceDirectory workspaces;
    private final SessionRepository deviceSessions;
    private final EventSignatures signatures;
    private final SyncSettings settings;
    private final DriverStateMachine machine = DriverStateMachine.standard();

    /**
     * Made by {@link io.fleetgate.Fleetgate}, which hosts build; not for hosts to call.
     *
     * @param context what the services of one {@code Fleetgate} share
     */
    public DriverExecutionService(Context context) {
        this.context = context;
        this.batchRepo = context.store().batches();
        this.eventLog = context.store().eventLog();
        this.reviews = context.store().reviews();
        this.workspaces = context.store().workspaces();
        this.deviceSessions = context.store().sessions();
        this.signatures = context.signatures();
        this.settings = context.settings().sync();
        context.onLogin(this::activateAssignedBatches);
    }

    // --- batches ----------------------------------------------------------------------------

    /**
     * Creates a batch, INACTIVE, with its stops. Creating the same batch again (same id and
     * content) returns the stored one and writes nothing.
     *
     * @param principal a supervisor of the workspace, or the system
     * @param request   the batch
     * @return the stored batch
     * @throws FleetgateException {@code FORBIDDEN} for drivers and members; {@code NOT_FOUND} for
     *                            an unknown workspace or another workspace's supervisor;
     *                            {@code INVALID_REQUEST} for bad fields or an id already used by a
     *                            different batch
     */
    public Batch createBatch(Principal principal, CreateBatchRequest request) {
        try (AccessContext.Scope scope = AccessContext.enter(principal)) {
            Objects.requireNonNull(request, "request");
            Ids.require("id", request.id());
            Ids.require("workspace_id", request.workspaceId());
            Ids.optional("driver_id", request.driverId());
            requireManager(principal, request.workspaceId());
            List<Stop> stops = request.stops();
            if (stops == null || stops.isEmpty() || stops.stream().anyMatch(Objects::isNull)) {
                throw FleetgateException.invalid("stops", "must list at least one stop");
            }
            if (stops.size() > MAX_STOPS) {
                throw FleetgateException.invalid("stops", "must list at most " + MAX_STOPS + " stops");
            }
            Map<String, Object> metadata = metadata("metadata", request.metadata());
            if (workspaces.findWorkspace(request.workspaceId()).isEmpty()) {
                throw FleetgateException.notFound("workspace", request.workspaceId());
            }
            Instant now = context.now();
            Batch batch = new Batch(request.id(), request.workspaceId(), request.driverId(), DriverStatus.INACTIVE,
                    null, null, null, metadata, 0, stops, List.of(), now, now);
            if (!batchRepo.insertBatch(batch)) {
                Batch existing = batchRepo.findBatch(request.id()).orElse(null);
                if (existing == null) { // taken by a batch the caller may not see
                    throw FleetgateException.invalid("id", "is already used");
                }
                if (existing.workspaceId().equals(batch.workspaceId())
                        && Objects.equals(existing.driverId(), batch.driverId())
                        && existing.stops().equals(batch.stops()) && existing.metadata().equals(batch.metadata())
                        && existing.version() == 0) {
                    return existing;
                }
                if (!existing.workspaceId().equals(batch.workspaceId()) && !(principal instanceof Principal.System)) {
                    throw FleetgateException.invalid("id", "is already used");
                }
                throw FleetgateException.invalid("id", "already names a different batch");
            }
            LOG.atInfo().setMessage("batch_created").addKeyValue("batch_id", LogValues.text(batch.id()))
                    .addKeyValue("workspace_id", LogValues.text(batch.workspaceId()))
                    .addKeyValue("driver_id", LogValues.text(batch.driverId()))
                    .addKeyValue("stops", stops.size()).addKeyValue("actor_id", LogValues.text(principal.userId()))
                    .log();
            return batch;
        }
    }

    /**
     * Assigns (or reassigns, or with {@code null} unassigns) a batch's driver. Refused while the
     * batch is on route: a supervisor first overrides it off the route.
     *
     * @param principal a supervisor of the batch's workspace, or the system
     * @param batchId   the batch
     * @param driverId  the driver, or {@code null}
     * @return the batch after the change
     * @throws FleetgateException {@code FORBIDDEN} for drivers and members; {@code NOT_FOUND};
     *                            {@code INVALID_TRANSITION} while on route; {@code INVALID_REQUEST}
     */
    public Batch assignDriver(Principal principal, String batchId, String driverId) {
        try (AccessContext.Scope scope = AccessContext.enter(principal)) {
            Ids.require("batch_id", batchId);
            Ids.optional("driver_id", driverId);
            if (!(principal instanceof Principal.Supervisor) && !(principal instanceof Principal.System)) {
                throw FleetgateException.forbidden("only a supervisor of the workspace may manage its batches");
            }
            return context.contention().retry(() -> {
                Batch b = batchRepo.findBatch(batchId).orElseThrow(() -> FleetgateException.notFound("batch", batchId));
                requireManager(principal, b.workspaceId());
                if (b.status().onRoute()) {
                    throw InvalidTransitionException.reassignment(b.status(), "batch " + batchId + " is " + b.status()
                            + "; override it off the route before reassigning it");
                }
                Optional<Batch> changed = batchRepo.assignDriver(batchId, driverId, b.version(), context.now());
                changed.ifPresent(after -> LOG.atInfo().setMessage("batch_assigned")
                        .addKeyValue("batch_id", LogValues.text(batchId))
                        .addKeyValue("driver_id", LogValues.text(driverId))
                        .addKeyValue("previous_driver_id", LogValues.text(b.driverId()))
                        .addKeyValue("actor_id", LogValues.text(principal.userId())).log());
                return changed.orElse(null);
            }, "the batch");
        }
    }

    /**
     * {@return the batch with its stops and status}
     *
     * @param principal the batch's driver, a supervisor or member of its workspace, or the system
     * @param batchId   the batch
     * @throws FleetgateException {@code NOT_FOUND} if unknown or not visible to the caller
     */
    public Batch batch(Principal principal, String batchId) {
        try (AccessContext.Scope scope = AccessContext.enter(principal)) {
            Ids.require("batch_id", batchId);
            return readable(principal, batchId);
        }
    }

    // --- events -----------------------------------------------------------------------------

    /**
     * Records one event; the same as a {@link #sync} of one.
     *
     * @param principal who sends it
     * @param event     the event
     * @return its outcome
     */
    public EventOutcome record(Principal principal, DriverEventRequest event) {
        try (AccessContext.Scope scope = AccessContext.enter(principal)) {
            return sync(principal, List.of(event)).get(0);
        }
    }

    /**
     * Applies events, typically recorded offline, in the order given, and commits them together.
     * Each gets an outcome; a refused one is quarantined and does not stop the others.
     *
     * @param principal who sends them (a driver for their batches, a supervisor for overrides)
     * @param events    up to {@value #MAX_EVENTS_PER_CALL} events
     * @return one outcome per event, in order
     * @throws FleetgateException {@code INVALID_REQUEST} for a null or too long list;
     *                            {@code STORE_UNAVAILABLE} if the store fails or stays contended
     */
    public List<EventOutcome> sync(Principal principal, List<DriverEventRequest> events) {
        return sync(principal, events, true);
    }

    /**
     * Records one event that the caller's own request makes (a supervisor's override, say), rather
     * than one a phone sends: a refusal is the answer to the request, so it is thrown and nothing at
     * all is written (no quarantine record). The same stages decide as in {@link #sync}.
     *
     * @param principal who sends it
     * @param event     the event
     * @return its outcome, {@code ACCEPTED} or {@code DUPLICATE}
     * @throws FleetgateException the refusal with its code, message and details (for an invalid
     *                            transition {@code from} and {@code event_type}); nothing written
     */
    public EventOutcome recordOrRefuse(Principal principal, DriverEventRequest event) {
        try (AccessContext.Scope scope = AccessContext.enter(principal)) {
            Objects.requireNonNull(event, "event");
            return sync(principal, List.of(event), false).get(0);
        }
    }

    private List<EventOutcome> sync(Principal principal, List<DriverEventRequest> events, boolean keepRefusals) {
        try (AccessContext.Scope scope = AccessContext.enter(principal)) {
            Objects.requireNonNull(principal, "principal");
            if (events == null || events.stream().anyMatch(Objects::isNull)) {
                throw FleetgateException.invalid("events", "must be a list of events");
            }
            if (events.size() > MAX_EVENTS_PER_CALL) {
                throw FleetgateException.invalid("events", "must hold at most " + MAX_EVENTS_PER_CALL + " events");
            }
            Instant now = context.now();
            // Ids the store found taken by events this principal cannot see (row-level security):
            // refused as conflicts when the call is decided again.
            Set<String> hiddenIds = new java.util.HashSet<>();
            // Decided in memory and committed only if no batch moved meanwhile; a call that keeps
            // losing (many devices syncing one batch at once, from any instance) waits in line.
            SyncPlan committed = context.contention().decide(
                    () -> events.stream().map(e -> "batch:" + e.batchId()).distinct().toList(),
                    () -> trySync(principal, events, now, hiddenIds, keepRefusals), "the batch");
            committed.log();
            return committed.outcomes;
        }
    }

    /** One decision and commit: the committed plan, or {@code null} if a batch moved meanwhile. */
    private SyncPlan trySync(Principal principal, List<DriverEventRequest> events, Instant now, Set<String> hiddenIds,
                             boolean keepRefusals) {
        while (true) {
            SyncPlan plan = new SyncPlan(principal, now, hiddenIds);
            plan.prefetch(events);
            for (DriverEventRequest e : events) {
                plan.apply(e);
            }
            if (!keepRefusals) {
                FleetgateException refused = plan.firstRefusal();
                if (refused != null) {
                    plan.log();
                    throw refused; // before the commit: nothing written
                }
            }
            try {
                return eventLog.commit(plan.changes(), plan.accepted, plan.quarantined) ? plan : null;
            } catch (EventIdConflictException e) {
                if (e.eventIds().isEmpty() || !hiddenIds.addAll(e.eventIds())) {
                    throw e;
                }
                // nothing raced: decide again at once, refusing those ids (each round adds some)
            }
        }
    }

    /**
     * A page of a batch's events, oldest first by {@code recorded_at}.
     *
     * @param principal the batch's driver, a supervisor or member of its workspace, or the system
     * @param batchId   the batch
     * @param limit     1 to 1000
     * @param cursor    {@link EventPage#next()} of the previous page, or {@code null}
     * @return the page
     * @throws FleetgateException {@code NOT_FOUND}; {@code INVALID_REQUEST} for a bad limit or cursor
     */
    public EventPage events(Principal principal, String batchId, int limit, String cursor) {
        try (AccessContext.Scope scope = AccessContext.enter(principal)) {
            Ids.require("batch_id", batchId);
            if (limit < 1 || limit > 1000) {
                throw FleetgateException.invalid("limit", "must be between 1 and 1000");
            }
            Cursor after = Cursor.decode(cursor);
            readable(principal, batchId);
            List<DriverEvent> page = eventLog.findEvents(batchId, after == null ? null : after.at(),
                    after == null ? null : after.id(), limit + 1);
            String next = null;
            if (page.size() > limit) {
                page = page.subList(0, limit);
                DriverEvent last = page.get(limit - 1);
                next = new Cursor(last.recordedAt(), last.eventId()).encode();
            }
            return new EventPage(page, next);
        }
    }

    /**
     * A batch's whole log in the order it was applied: its timeline, and what a replay uses.
     *
     * @param principal the batch's driver, a supervisor or member of its workspace, or the system
     * @param batchId   the batch
     * @return the accepted events by batch version
     * @throws FleetgateException {@code NOT_FOUND}
     */
    public List<DriverEvent> log(Principal principal, String batchId) {
        try (AccessContext.Scope scope = AccessContext.enter(principal)) {
            Ids.require("batch_id", batchId);
            readable(principal, batchId);
            return eventLog.findLog(batchId);
        }
    }

    /**
     * {@return the refused events that named it, oldest first}
     *
     * @param principal a supervisor or member of the batch's workspace, or the system
     * @param batchId   the batch
     * @throws FleetgateException {@code FORBIDDEN} for drivers; {@code NOT_FOUND}
     */
    public List<QuarantinedEvent> quarantined(Principal principal, String batchId) {
        try (AccessContext.Scope scope = AccessContext.enter(principal)) {
            Ids.require("batch_id", batchId);
            if (principal instanceof Principal.Driver) {
                throw FleetgateException.forbidden("drivers cannot read the quarantine");
            }
            readable(principal, batchId);
            return reviews.findQuarantined(batchId);
        }
    }

    /**
     * The seed's "INACTIVE → ACTIVE (login)": each INACTIVE batch assigned to the user moves to
     * ACTIVE through a {@code DRIVER_LOGGED_IN} event, so the log still replays to the batch's
     * status. The event id is derived from the session and batch, so a retried login adds nothing.
     * Run by the session service after each login, through {@link Context#onLogin}.
     */
    private void activateAssignedBatches(String userId, String sessionId, Instant now) {
        List<DriverEventRequest> logins = new ArrayList<>();
        for (Batch b : batchRepo.findBatchesAssignedTo(userId)) {
            if (b.status() == DriverStatus.INACTIVE) {
                String eventId = UUID.nameUUIDFromBytes(("login:" + sessionId + ":" + b.id())
                        .getBytes(StandardCharsets.UTF_8)).toString();
                logins.add(DriverEventRequest.of(eventId, b.id(), DriverEventType.DRIVER_LOGGED_IN, now).session(sessionId));
            }
        }
        if (!logins.isEmpty()) {
            sync(Principal.system(), logins);
        }
    }

    // --- access -----------------------------------------------------------------------------

    private Batch readable(Principal principal, String batchId) {
        Batch b = batchRepo.findBatch(batchId).orElseThrow(() -> FleetgateException.notFound("batch", batchId));
        boolean visible;
        if (principal instanceof Principal.Driver d) {
            visible = d.userId().equals(b.driverId());
        } else if (principal instanceof Principal.Supervisor s) {
            visible = s.workspaceId().equals(b.workspaceId());
        } else if (principal instanceof Principal.Member m) {
            visible = m.workspaceId().equals(b.workspaceId());
        } else {
            visible = principal instanceof Principal.System;
        }
        if (!visible) {
            throw FleetgateException.notFound("batch", batchId);
        }
        return b;
    }

    private static void requireManager(Principal principal, String workspaceId) {
        Objects.requireNonNull(principal, "principal");
        if (principal instanceof Principal.Supervisor s) {
            if (!s.workspaceId().equals(workspaceId)) {
                throw FleetgateException.notFound("workspace", workspaceId);
            }
            return;
        }
        if (!(principal instanceof Principal.System)) {
            throw FleetgateException.forbidden("only a supervisor of the workspace may manage its batches");
        }
    }

    private static Map<String, Object> metadata(String field, Map<String, Object> value) {
        if (value == null) {
            return Map.of();
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) Json.normalise(field, value);
        if (Json.write(m).length() > MAX_PAYLOAD_CHARS) {
            throw FleetgateException.invalid(field, "must encode to at most " + MAX_PAYLOAD_CHARS + " characters");
        }
        return m;
    }

    /**
     * One sync call's decisions, made in memory on one read of the store. Not thread-safe; one
     * per attempt.
     */
    private final class SyncPlan {
        private final Principal principal;
        private final Instant now;
        private final Set<String> hiddenIds;
        private final Map<String, Batch> batches = new java.util.HashMap<>();
        private final Map<String, Long> readVersions = new java.util.HashMap<>();
        /** The sender's own event ids by workspace: id to content hash. */
        private final Map<String, Map<String, String>> knownHashes = new java.util.HashMap<>();
        private final Map<String, Optional<DriverEvent>> lastLocated = new java.util.HashMap<>();
        private final Map<String, List<String>> storedOnRoute = new java.util.HashMap<>();
        private final Map<String, DeviceSession> sessionsById = new java.util.HashMap<>();
        private final Map<String, Optional<Workspace>> workspacesById = new java.util.HashMap<>();
        private Optional<DeviceSession> currentSession;
        final List<DriverEvent> accepted = new ArrayList<>();
        final List<QuarantinedEvent> quarantined = new ArrayList<>();
        final List<EventOutcome> outcomes = new ArrayList<>();
        private final List<FleetgateException> refusals = new ArrayList<>();

        SyncPlan(Principal principal, Instant now, Set<String> hiddenIds) {
            this.principal = principal;
            this.now = now;
            this.hiddenIds = hiddenIds;
        }

        /**
         * Reads the call's batches in one query, then the sender's own known event ids in the
         * workspaces of the batches the sender may act on (one query per workspace, usually one),
         * rather than one read per event. Nothing of a batch the sender may not see is read beyond
         * the batch row itself.
         */
        void prefetch(List<DriverEventRequest> events) {
            Set<String> eventIds = new java.util.HashSet<>();
            Set<String> batchIds = new java.util.HashSet<>();
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
            if (!batchIds.isEmpty()) {
                Map<String, Batch> found = batchRepo.findBatches(batchIds);
                for (String id : batchIds) {
                    Batch b = found.get(id);
                    batches.put(id, b);
                    if (b != null) {
                        readVersions.put(id, b.version());
                    }
                }
            }
            if (!eventIds.isEmpty()) {
                Set<String> workspaceIds = new java.util.TreeSet<>();
                for (Batch b : batches.values()) {
                    if (b != null && visible(b)) {
                        workspaceIds.add(b.workspaceId());
                    }
                }
                for (String ws : workspaceIds) {
                    knownHashes.put(ws, new java.util.HashMap<>(eventLog.findEventHashes(ws, principal.userId(), eventIds)));
                }
            }
        }

        /**
         * The sync pipeline for one event, in order: parse, authorize, dedupe, verify, decide, flag,
         * persist. A stage that refuses the event answers it (and files it, see {@link #refuse}) and
         * returns {@code null} or {@code false}; no later stage sees it.
         */
        void apply(DriverEventRequest raw) {
            Parsed p = parse(raw);
            if (p == null) {
                return;
            }
            Batch b = authorize(p.event());
            if (b == null) {
                return;
            }
            if (dedupe(p, b)) {
                return;
            }
            if (!verify(p, b)) {
                return;
            }
            DriverStateMachine.Decision d = decide(p.event(), b);
            if (d == null) {
                return;
            }
            persist(p, b, d, flag(p.event(), b));
        }

        /** An event that passed {@link #parse}: normalised, with its canonical encoding and hash. */
        private record Parsed(DriverEventRequest event, String canonical, String hash) {
        }

        /**
         * Stage 1, parse: fields, ranges and the encoding, without reading the store. A refused
         * event is quarantined only if its batch id names a batch the sender may see.
         */
        private Parsed parse(DriverEventRequest raw) {
            try {
                DriverEventRequest e = validate(raw);
                String canonical = canonical(e);
                return new Parsed(e, canonical, EventEncoding.sha256(canonical));
            } catch (FleetgateException ex) {
                Batch b = batch(validId(raw.batchId()));
                refuse(raw, b != null && visible(b) ? b : null, ex);
                return null;
            }
        }

        /**
         * Stage 2, authorize: the batch exists and the sender may act on it. A batch the sender may
         * not see is answered exactly as an unknown one ({@code NOT_FOUND}) and leaves no row
         * anywhere; a visible batch the sender's role may not act on ({@code FORBIDDEN}) is
         * quarantined in the batch's workspace.
         */
        private Batch authorize(DriverEventRequest e) {
            Batch b = batch(e.batchId());
            if (b == null || !visible(b)) {
                refuse(e, null, FleetgateException.notFound("batch", e.batchId()));
                return null;
            }
            try {
                if (principal instanceof Principal.Driver
                        && (e.type() == DriverEventType.SUPERVISOR_OVERRIDE || e.type() == DriverEventType.DRIVER_LOGGED_IN)) {
                    throw FleetgateException.forbidden("a driver may not record " + e.type());
                }
                if (principal instanceof Principal.Supervisor && e.type() != DriverEventType.SUPERVISOR_OVERRIDE) {
                    throw FleetgateException.forbidden("a supervisor records only SUPERVISOR_OVERRIDE");
                }
                if (principal instanceof Principal.Member) {
                    throw FleetgateException.forbidden("a workspace member may only read");
                }
            } catch (FleetgateException ex) {
                refuse(e, b, ex);
                return null;
            }
            return b;
        }

        /**
         * Stage 3, dedupe, against the sender's own events only (event ids are unique per workspace
         * and sender): the same content again is {@code DUPLICATE} with the batch's status, other
         * content under the id is {@code EVENT_ID_CONFLICT}. Another sender's use of the id is a
         * different event and is never seen here. {@return whether the event was answered}
         */
        private boolean dedupe(Parsed p, Batch b) {
            DriverEventRequest e = p.event();
            String known = knownHashes.getOrDefault(b.workspaceId(), Map.of()).get(e.eventId());
            if (known == null && hiddenIds.contains(e.eventId())) {
                known = ""; // taken by an event the store hid from the sender: never the same content
            }
            if (known == null) {
                return false;
            }
            if (known.equals(p.hash())) {
                outcomes.add(new EventOutcome(e.eventId(), EventOutcome.Result.DUPLICATE, b.status(), false, List.of(),
                        null, null));
                refusals.add(null);
            } else {
                refuse(e, b, new EventIdConflictException(List.of(e.eventId()),
                        "event " + e.eventId() + " was already recorded with different content"));
            }
            return true;
        }

        /**
         * Stage 4, verify: the event is not older than the offline limit, names only a session it
         * may name, and its signature (if any, or if the workspace requires one) verifies within
         * the session's lifetime. {@return whether it passed}
         */
        private boolean verify(Parsed p, Batch b) {
            DriverEventRequest e = p.event();
            try {
                Duration maxAge = settings.maxOfflineAge();
                if (e.recordedAt().isBefore(now.minus(maxAge))) {
                    throw FleetgateException.invalid("recorded_at", "is more than " + maxAge.toHours()
                            + " h before the server clock (" + FleetgateSettings.EVENT_MAX_OFFLINE_AGE_H
                            + "); kept for review, not applied");
                }
                checkSignature(e, p.canonical(), b);
                return true;
            } catch (FleetgateException ex) {
                refuse(e, b, ex);
                return false;
            }
        }

        /**
         * Stage 5, decide: the state machine, the stop rules and the one-batch-on-route rule.
         * {@return the decision, or {@code null} if refused}
         */
        private DriverStateMachine.Decision decide(DriverEventRequest e, Batch b) {
            try {
                DriverStateMachine.Decision d = machine.decide(b.status(), e.type(), e.targetStatus());
                if (!d.allowed()) {
                    throw new InvalidTransitionException(d);
                }
                Integer stop = e.stopIndex();
                if (stop != null && stop >= b.stops().size()) {
                    throw FleetgateException.invalid("stop_index", "names no stop of batch " + b.id()
                            + " (it has " + b.stops().size() + ")");
                }
                if (e.type() == DriverEventType.ARRIVED_AT_STOP) {
                    if (stop == null) {
                        throw FleetgateException.invalid("stop_index", "is required for ARRIVED_AT_STOP");
                    }
                    if (b.visitedStops().contains(stop)) {
                        throw new InvalidTransitionException(b.status(), e.type(), "stop " + stop
                                + " was already visited; only a supervisor override can return to it");
                    }
                }
                String driverId = b.driverId();
                if (!b.status().onRoute() && d.to().onRoute() && driverId != null) {
                    String other = otherBatchOnRoute(driverId, b.id());
                    if (other != null) {
                        throw new InvalidTransitionException(b.status(), e.type(), "driver " + driverId
                                + " already has batch " + other + " on route");
                    }
                }
                return d;
            } catch (FleetgateException ex) {
                refuse(e, b, ex);
                return null;
            }
        }

        // Stage 6, flag: see flags(…) below.
        private List<String> flag(DriverEventRequest e, Batch b) {
            return flags(e, b, b.driverId());
        }

        /** Stage 7, persist: the event joins the call's accepted events, its batch moves on. */
        private void persist(Parsed p, Batch b, DriverStateMachine.Decision d, List<String> flags) {
            DriverEventRequest e = p.event();
            String driverId = b.driverId();
            Batch after = next(b, e, d.to());
            DriverEvent stored = new DriverEvent(e.eventId(), b.id(), b.workspaceId(), driverId,
                    principal.userId(), e.sessionId(), e.type(), b.status(), d.to(), after.version(),
                    e.recordedAt(), now, e.lat(), e.lng(), e.accuracyMeters(), e.stopIndex(),
                    e.payload() == null ? Map.of() : e.payload(), e.reason(), p.hash(), !flags.isEmpty(), flags);
            batches.put(b.id(), after);
            knownHashes.computeIfAbsent(b.workspaceId(), ws -> new java.util.HashMap<>()).put(e.eventId(), p.hash());
            accepted.add(stored);
            if (stored.located() && driverId != null && driverId.equals(principal.userId())) {
                Optional<DriverEvent> prev = lastLocated.get(driverId);
                if (prev == null || prev.isEmpty() || !stored.recordedAt().isBefore(prev.get().recordedAt())) {
                    lastLocated.put(driverId, Optional.of(stored));
                }
            }
            outcomes.add(new EventOutcome(e.eventId(), EventOutcome.Result.ACCEPTED, d.to(), !flags.isEmpty(),
                    flags, null, null));
            refusals.add(null);
        }

        /** {@return whether the sender may see the batch: the rule of {@link #readable}} */
        private boolean visible(Batch b) {
            if (principal instanceof Principal.Driver d) {
                return d.userId().equals(b.driverId());
            }
            if (principal instanceof Principal.Supervisor s) {
                return s.workspaceId().equals(b.workspaceId());
            }
            if (principal instanceof Principal.Member m) {
                return m.workspaceId().equals(b.workspaceId());
            }
            return principal instanceof Principal.System;
        }

        /** {@return the first refusal of the call, or {@code null}} */
        FleetgateException firstRefusal() {
            return refusals.stream().filter(Objects::nonNull).findFirst().orElse(null);
        }

        /** The encoding, or a refusal for values validation let through but the encoding cannot hold. */
        private String canonical(DriverEventRequest e) {
            try {
                return EventEncoding.canonical(e);
            } catch (IllegalArgumentException ex) {
                throw FleetgateException.invalid("event", "cannot be encoded: " + ex.getMessage());
            }
        }

        /** The sender's current session, read once per call and only if an event needs it. */
        private Optional<DeviceSession> currentSession() {
            if (currentSession == null) {
                currentSession = deviceSessions.findCurrent(principal.userId());
            }
            return currentSession;
        }

        private void checkSignature(DriverEventRequest e, String canonical, Batch b) {
            // The requirement protects what devices send; the library's own events and supervisors'
            // authenticated calls are not signed.
            boolean required = principal instanceof Principal.Driver
                    && workspaceOf(b).map(Workspace::requireSignedEvents).orElse(false);
            if (e.signature() == null) {
                if (required) {
                    throw badSignature("workspace " + b.workspaceId() + " requires signed events");
                }
                // Unsigned, an event may name only the sender's current session: nothing else
                // proves it was recorded under another one. The system's own events (a login's
                // DRIVER_LOGGED_IN) name the session they open.
                if (e.sessionId() != null && !(principal instanceof Principal.System)
                        && !currentSession().map(DeviceSession::id).filter(e.sessionId()::equals).isPresent()) {
                    throw badSignature("an unsigned event may name only the sender's current session; "
                            + "an event recorded under an earlier session must be signed with it");
                }
                return;
            }
            if (signatures == null) {
                throw badSignature("this host cannot verify signatures: FLEETGATE_SIGNING_SECRET is not set");
            }
            if (e.sessionId() == null) {
                throw badSignature("a signed event must name the session_id it was recorded under");
            }
            String signer = principal instanceof Principal.Driver ? principal.userId() : b.driverId();
            DeviceSession session = sessionsById.computeIfAbsent(e.sessionId(),
                    id -> deviceSessions.findById(id).orElse(null));
            if (session == null || !session.userId().equals(signer)) {
                throw badSignature("session " + e.sessionId() + " is not a session of " + signer);
            }
            if (!signatures.verify(e.sessionId(), canonical, e.signature())) {
                throw badSignature("the signature does not match the event");
            }
            // The key proves the event was made on the session's device, so only while the session
            // lived: an ended session's key signs nothing after its end.
            Duration skew = settings.sessionSkew();
            Instant end = session.invalidatedAt() == null || session.invalidatedAt().isAfter(session.expiresAt())
                    ? session.expiresAt() : session.invalidatedAt();
            if (e.recordedAt().isBefore(session.createdAt().minus(skew)) || e.recordedAt().isAfter(end.plus(skew))) {
                throw badSignature("recorded_at lies outside the lifetime of session " + e.sessionId()
                        + " (" + session.createdAt() + " to " + end + ", give or take " + skew.toSeconds() + " s)");
            }
        }

        private Optional<Workspace> workspaceOf(Batch b) {
            return workspacesById.computeIfAbsent(b.workspaceId(), workspaces::findWorkspace);
        }

        private List<String> flags(DriverEventRequest e, Batch b, String driverId) {
            List<String> flags = new ArrayList<>(2);
            if (e.type() == DriverEventType.ARRIVED_AT_STOP || e.type() == DriverEventType.PROOF_CAPTURED) {
                Integer index = e.stopIndex() != null ? e.stopIndex() : b.currentStopIndex();
                if (e.lat() == null) {
                    flags.add("NO_LOCATION: " + e.type() + " without a location");
                } else if (index != null) {
                    Stop stop = b.stops().get(index);
                    var check = stop.fence().check(Coordinate.of(e.lat(), e.lng()), e.accuracyMeters());
                    if (!check.plausiblyInside()) {
                        flags.add(String.format(java.util.Locale.ROOT,
                                "OUTSIDE_GEOFENCE: %.0f m from stop %d (radius %.0f m)",
                                check.distanceMeters(), index, stop.radiusMeters()));
                    }
                }
            }
            if (e.lat() != null && driverId != null && driverId.equals(principal.userId())) {
                Optional<DriverEvent> prev = lastLocated.computeIfAbsent(driverId, eventLog::findLastLocatedEvent);
                if (prev.isPresent()) {
                    DriverEvent p = prev.get();
                    double metres = Geo.haversineMeters(p.lat(), p.lng(), e.lat(), e.lng())
                            - orZero(p.accuracyMeters()) - orZero(e.accuracyMeters());
                    double seconds = Math.abs(ChronoUnit.MICROS.between(p.recordedAt(), e.recordedAt())) / 1e6;
                    if (metres > 0) {
                        double kmh = seconds == 0 ? Double.POSITIVE_INFINITY : metres / seconds * 3.6;
                        if (kmh > settings.maxSpeedKmh()) {
                            flags.add(String.format(java.util.Locale.ROOT,
                                    "IMPLAUSIBLE_SPEED: %.0f km/h since event %s", Math.min(kmh, 1e9), p.eventId()));
                        }
                    }
                }
            }
            return flags;
        }

        private Batch next(Batch b, DriverEventRequest e, DriverStatus to) {
            Integer current = b.currentStopIndex();
            List<Integer> visited = b.visitedStops();
            Instant start = b.actualStartTime();
            Instant end = b.actualEndTime();
            boolean arrivesAtStop = e.type() == DriverEventType.ARRIVED_AT_STOP
                    || (e.type() == DriverEventType.SUPERVISOR_OVERRIDE && to == DriverStatus.AT_STOP
                    && e.stopIndex() != null);
            if (arrivesAtStop) {
                current = e.stopIndex();
                Set<Integer> v = new java.util.TreeSet<>(visited);
                v.add(e.stopIndex());
                visited = List.copyOf(v);
            }
            switch (e.type()) {
                case ROUTE_STARTED -> {
                    start = e.recordedAt();
                    end = null;
                }
                case ROUTE_COMPLETED -> end = e.recordedAt();
                case ROUTE_CANCELLED -> {
                    current = null;
                    visited = List.of();
                }
                default -> {
                }
            }
            Map<String, Object> metadata = b.metadata();
            if (e.payload() != null && e.payload().get("metadata") instanceof Map<?, ?> extra && !extra.isEmpty()) {
                Map<String, Object> merged = new java.util.TreeMap<>(metadata);
                extra.forEach((k, v) -> merged.put((String) k, v));
                metadata = merged;
            }
            return new Batch(b.id(), b.workspaceId(), b.driverId(), to, current, start, end, metadata,
                    b.version() + 1, b.stops(), visited, b.createdAt(), now);
        }

        private String otherBatchOnRoute(String driverId, String batchId) {
            List<String> stored = storedOnRoute.computeIfAbsent(driverId, batchRepo::findInProgressBatches);
            Set<String> candidates = new LinkedHashSet<>(stored);
            for (Batch touched : batches.values()) {
                if (touched != null && driverId.equals(touched.driverId())) {
                    candidates.add(touched.id());
                }
            }
            for (String id : candidates) {
                if (id.equals(batchId)) {
                    continue;
                }
                Batch other = batch(id);
                if (other != null && other.status().onRoute() && driverId.equals(other.driverId())) {
                    return id;
                }
            }
            return null;
        }

        private DriverEventRequest validate(DriverEventRequest e) {
            Ids.require("event_id", e.eventId());
            Ids.require("batch_id", e.batchId());
            if (e.type() == null) {
                throw FleetgateException.invalid("event_type", "is required");
            }
            if (e.recordedAt() == null) {
                throw FleetgateException.invalid("recorded_at", "is required");
            }
            if (e.recordedAt().isBefore(EARLIEST)) {
                throw FleetgateException.invalid("recorded_at", "must not be before " + EARLIEST);
            }
            if (e.recordedAt().isAfter(now.plus(settings.futureTolerance()))) {
                throw FleetgateException.invalid("recorded_at", "is more than "
                        + settings.futureTolerance().toSeconds() + " s ahead of the server clock");
            }
            Ids.optional("session_id", e.sessionId());
            if ((e.lat() == null) != (e.lng() == null)) {
                throw FleetgateException.invalid(e.lat() == null ? "lat" : "lng", "must be given with the other coordinate");
            }
            if (e.lat() != null) {
                Coordinate.of(e.lat(), e.lng());
            }
            Geo.checkAccuracy("accuracy_m", e.accuracyMeters());
            if (e.stopIndex() != null && e.stopIndex() < 0) {
                throw FleetgateException.invalid("stop_index", "must be 0 or more");
            }
            Map<String, Object> payload = e.payload() == null ? null : metadata("payload", e.payload());
            if (payload != null && payload.containsKey("metadata") && !(payload.get("metadata") instanceof Map)) {
                throw FleetgateException.invalid("payload.metadata", "must be an object");
            }
            boolean override = e.type() == DriverEventType.SUPERVISOR_OVERRIDE;
            if (override && e.targetStatus() == null) {
                throw FleetgateException.invalid("target_status", "is required for SUPERVISOR_OVERRIDE");
            }
            if (!override && e.targetStatus() != null) {
                throw FleetgateException.invalid("target_status", "is only for SUPERVISOR_OVERRIDE");
            }
            if (override && (e.reason() == null || e.reason().isBlank())) {
                throw FleetgateException.invalid("reason", "is required for SUPERVISOR_OVERRIDE");
            }
            if (e.reason() != null && e.reason().length() > MAX_REASON_CHARS) {
                throw FleetgateException.invalid("reason", "must be at most " + MAX_REASON_CHARS + " characters");
            }
            if (e.reason() != null && e.reason().indexOf('\u0000') >= 0) {
                throw FleetgateException.invalid("reason", "must not contain NUL characters");
            }
            if (e.signature() != null && (e.signature().isBlank() || e.signature().length() > 200)) {
                throw FleetgateException.invalid("signature", "must be a base64 HMAC-SHA256");
            }
            return new DriverEventRequest(e.eventId(), e.batchId(), e.type(), e.recordedAt().truncatedTo(ChronoUnit.MICROS),
                    e.sessionId(), positiveZero(e.lat()), positiveZero(e.lng()), positiveZero(e.accuracyMeters()),
                    e.stopIndex(), payload, e.targetStatus(), e.reason(), e.signature());
        }

        private Batch batch(String batchId) {
            if (batchId == null) {
                return null;
            }
            if (!batches.containsKey(batchId)) {
                Optional<Batch> b = batchRepo.findBatch(batchId);
                batches.put(batchId, b.orElse(null));
                b.ifPresent(found -> readVersions.put(batchId, found.version()));
            }
            return batches.get(batchId);
        }

        /**
         * Answers a refused event. {@code b} is the event's batch when the sender may see it: the
         * refusal is then quarantined in that batch's workspace, so nothing a phone sends about its
         * own work is lost. With {@code b == null} (an unknown batch, or one the sender may not see)
         * nothing is written: a sender cannot leave traces in a workspace they do not belong to.
         */
        private void refuse(DriverEventRequest e, Batch b, FleetgateException why) {
            if (b != null) {
                String content = EventEncoding.lenient(e);
                // Only well-formed ids go into columns; whatever was sent is in the content.
                quarantined.add(new QuarantinedEvent(java.util.UUID.randomUUID().toString(), validId(e.eventId()),
                        b.id(), b.workspaceId(), principal.userId(), validId(e.sessionId()), content,
                        EventEncoding.sha256(content), why.code(), why.getMessage(), now));
            }
            outcomes.add(new EventOutcome(e.eventId(), EventOutcome.Result.REJECTED, null, false, List.of(),
                    why.code(), why.getMessage()));
            refusals.add(why);
        }

        List<EventLog.BatchChange> changes() {
            List<EventLog.BatchChange> out = new ArrayList<>();
            for (Map.Entry<String, Long> read : readVersions.entrySet()) {
                Batch b = batches.get(read.getKey());
                if (b != null && b.version() != read.getValue()) {
                    out.add(new EventLog.BatchChange(b, read.getValue()));
                }
            }
            return out;
        }

        void log() {
            for (int i = 0, a = 0; i < outcomes.size(); i++) {
                EventOutcome o = outcomes.get(i);
                switch (o.result()) {
                    case ACCEPTED -> {
                        DriverEvent e = accepted.get(a++);
                        LOG.atInfo().setMessage("driver_event_accepted")
                                .addKeyValue("event_id", LogValues.text(e.eventId()))
                                .addKeyValue("batch_id", LogValues.text(e.batchId()))
                                .addKeyValue("driver_id", LogValues.text(e.driverId()))
                                .addKeyValue("actor_id", LogValues.text(e.actorId()))
                                .addKeyValue("event_type", e.type().name())
                                .addKeyValue("from", e.previousStatus().name()).addKeyValue("to", e.status().name())
                                .addKeyValue("flagged_for_review", e.flaggedForReview())
                                .addKeyValue("flag_reasons", e.flagReasons().stream().map(LogValues::text).toList())
                                .log();
                    }
                    case DUPLICATE -> LOG.atInfo().setMessage("driver_event_duplicate")
                            .addKeyValue("event_id", LogValues.text(o.eventId()))
                            .addKeyValue("actor_id", LogValues.text(principal.userId())).log();
                    case REJECTED -> LOG.atInfo().setMessage("driver_event_rejected")
                            .addKeyValue("event_id", LogValues.text(o.eventId()))
                            .addKeyValue("actor_id", LogValues.text(principal.userId()))
                            .addKeyValue("reason", o.error().name())
                            .addKeyValue("message", LogValues.text(o.message())).log();
                }
            }
        }
    }

    private static String validId(String id) {
        try {
            return Ids.optional("id", id);
        } catch (FleetgateException notAnId) {
            return null;
        }
    }

    private static Double positiveZero(Double d) {
        return d == null ? null : d + 0.0;
    }

    private static FleetgateException badSignature(String why) {
        return new BadSignatureException(why);
    }

    private static double orZero(Double d) {
        return d == null ? 0 : d;
    }
}
