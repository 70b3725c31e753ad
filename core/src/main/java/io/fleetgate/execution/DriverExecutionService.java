package io.fleetgate.execution;

import io.fleetgate.Ids;
import io.fleetgate.Principal;
import io.fleetgate.error.BadSignatureException;
import io.fleetgate.error.EventIdConflictException;
import io.fleetgate.error.FleetgateException;
import io.fleetgate.error.ForbiddenException;
import io.fleetgate.error.InvalidRequestException;
import io.fleetgate.error.InvalidTransitionException;
import io.fleetgate.error.NotFoundException;
import io.fleetgate.error.StoreUnavailableException;
import io.fleetgate.internal.AccessContext;
import io.fleetgate.internal.Context;
import io.fleetgate.internal.Cursor;
import io.fleetgate.internal.LogValues;
import io.fleetgate.spi.BatchRepository;
import io.fleetgate.spi.EventLog;
import io.fleetgate.spi.ReviewQueue;
import io.fleetgate.spi.WorkspaceDirectory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
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
 * <p>Each event goes through ordered stages, one type each ({@code SyncPipeline} shows the order):
 * parse, authorize, dedupe, verify, decide, flag, persist; a stage never sees an event an earlier
 * one refused. Authorization
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

    private final Context context;
    private final BatchRepository batchRepo;
    private final EventLog eventLog;
    private final ReviewQueue reviews;
    private final WorkspaceDirectory workspaces;
    private final SyncPipeline pipeline;

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
        this.pipeline = new SyncPipeline(context);
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
            Map<String, Object> metadata = SyncParse.metadata("metadata", request.metadata());
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
            Set<String> hiddenIds = new HashSet<>();
            // Decided in memory and committed only if no batch moved meanwhile; a call that keeps
            // losing (many devices syncing one batch at once, from any instance) waits in line.
            SyncCall committed = context.contention().decide(
                    () -> events.stream().map(e -> "batch:" + e.batchId()).distinct().toList(),
                    () -> trySync(principal, events, now, hiddenIds, keepRefusals), "the batch");
            log(committed);
            return committed.outcomes();
        }
    }

    /** One decision and commit: the committed call, or {@code null} if a batch moved meanwhile. */
    private SyncCall trySync(Principal principal, List<DriverEventRequest> events, Instant now, Set<String> hiddenIds,
                             boolean keepRefusals) {
        while (true) {
            SyncCall call = pipeline.decide(principal, events, now, hiddenIds);
            if (!keepRefusals) {
                FleetgateException refused = call.firstRefusal();
                if (refused != null) {
                    log(call);
                    throw refused; // before the commit: nothing written
                }
            }
            try {
                return eventLog.commit(call.changes(), call.accepted(), call.quarantined()) ? call : null;
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

    /** Logs each answer of a decided call, in order. */
    private static void log(SyncCall call) {
        String actorId = LogValues.text(call.principal().userId());
        List<DriverEvent> accepted = call.accepted();
        int a = 0;
        for (EventOutcome o : call.outcomes()) {
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
                        .addKeyValue("event_id", LogValues.text(o.eventId())).addKeyValue("actor_id", actorId).log();
                case REJECTED -> LOG.atInfo().setMessage("driver_event_rejected")
                        .addKeyValue("event_id", LogValues.text(o.eventId())).addKeyValue("actor_id", actorId)
                        .addKeyValue("reason", o.error().name())
                        .addKeyValue("message", LogValues.text(o.message())).log();
            }
        }
    }

    // --- access -----------------------------------------------------------------------------

    private Batch readable(Principal principal, String batchId) {
        Batch b = batchRepo.findBatch(batchId).orElseThrow(() -> FleetgateException.notFound("batch", batchId));
        if (!SyncAuthorize.visible(principal, b)) {
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
}
