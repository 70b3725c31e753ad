package io.fleetgate.execution;

import io.fleetgate.Decision;
import io.fleetgate.DecisionKind;
import io.fleetgate.error.ErrorCode;
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
import io.fleetgate.internal.LogValues;
import io.fleetgate.internal.PositionStream;
import io.fleetgate.spi.EventLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.function.BiConsumer;

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
 * one refused. Authorization comes before anything else reads the sender's events: an event naming
 * a batch the sender may not see is answered exactly as one naming an unknown batch
 * ({@code NOT_FOUND}) and writes nothing. Event ids are client-made and unique per workspace and
 * sender: the sender's own id again with the same content is {@code DUPLICATE} and changes nothing,
 * so a phone may resend freely; with different content it is refused ({@code EVENT_ID_CONFLICT});
 * another sender's use of the same id is invisible. The sender's own refused events (on a batch
 * they may see) are kept in the quarantine of that batch's workspace with their reason, apart from
 * the log. An unsigned event may name only the sender's current session; an event recorded longer
 * ago than {@code EVENT_MAX_OFFLINE_AGE_H} is quarantined ({@code INVALID_REQUEST}).
 *
 * <p>Accepted events are flagged for review, never refused, when an arrival or a proof is outside
 * its stop's geofence (GPS accuracy counts in the driver's favour here, never for access), when an
 * event that needs a location has none, and when a driver's consecutive located events imply a
 * speed above {@code MAX_SPEED_KMH} (route hijack detection).
 *
 * <p>Events recorded offline may be signed ({@link io.fleetgate.session.EventSignatures}): an event
 * carrying a signature must name the sender's session and verify under that session's key, with its
 * {@code recorded_at} within the session's lifetime (give or take {@code EVENT_SESSION_SKEW_S}), and
 * a workspace may require every event a driver sends to be signed. A bad or missing required
 * signature is refused ({@code BAD_SIGNATURE}) and quarantined like any refusal.
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
    private final EventLog eventLog;
    private final BatchAccess batches;
    private final SyncPipeline pipeline;
    private final PositionStream positions;

    /**
     * Made by {@link io.fleetgate.Fleetgate}, which hosts build; not for hosts to call.
     *
     * @param context what the services of one {@code Fleetgate} share
     */
    public DriverExecutionService(Context context) {
        this.context = context;
        this.eventLog = context.store().eventLog();
        this.batches = new BatchAccess(context);
        this.pipeline = new SyncPipeline(context);
        this.positions = new PositionStream(context);
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
     * @throws ForbiddenException       for drivers and members
     * @throws NotFoundException        for an unknown workspace, or another workspace's supervisor
     * @throws InvalidRequestException  for bad fields, or an id already used by a different batch
     * @throws StoreUnavailableException if the store fails
     */
    public Batch createBatch(Principal principal, CreateBatchRequest request) {
        return context.decide(DecisionKind.BATCH_CREATE, () -> {
            try (AccessContext.Scope scope = AccessContext.enter(principal)) {
                return batches.create(principal, request);
            }
        });
    }

    /**
     * Assigns (or reassigns, or with {@code null} unassigns) a batch's driver. Refused while the
     * batch is on route: a supervisor first overrides it off the route.
     *
     * @param principal a supervisor of the batch's workspace, or the system
     * @param batchId   the batch
     * @param driverId  the driver, or {@code null}
     * @return the batch after the change
     * @throws ForbiddenException         for drivers and members
     * @throws NotFoundException          for an unknown batch, or one of another workspace
     * @throws InvalidTransitionException while the batch is on route
     * @throws InvalidRequestException    for a bad batch or driver id
     * @throws StoreUnavailableException  if the store fails or the batch keeps changing
     */
    public Batch assignDriver(Principal principal, String batchId, String driverId) {
        return context.decide(DecisionKind.BATCH_ASSIGN, () -> {
            try (AccessContext.Scope scope = AccessContext.enter(principal)) {
                return batches.assign(principal, batchId, driverId);
            }
        });
    }

    /**
     * {@return the batch with its stops and status}
     *
     * @param principal the batch's driver, a supervisor or member of its workspace, or the system
     * @param batchId   the batch
     * @throws NotFoundException         if unknown or not visible to the caller
     * @throws InvalidRequestException   for a bad batch id
     * @throws StoreUnavailableException if the store fails
     */
    public Batch batch(Principal principal, String batchId) {
        try (AccessContext.Scope scope = AccessContext.enter(principal)) {
            return batches.batch(principal, batchId);
        }
    }

    // --- events -----------------------------------------------------------------------------

    /**
     * Records one event; the same as a {@link #sync} of one: a refused event is an outcome, not
     * an exception.
     *
     * @param principal who sends it
     * @param event     the event
     * @return its outcome
     * @throws StoreUnavailableException as {@link #sync}
     * @throws EventIdConflictException  as {@link #sync}
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
     * @throws InvalidRequestException   for a null list, a null event or more than
     *                                   {@value #MAX_EVENTS_PER_CALL} events; a refused event is an
     *                                   outcome, not an exception
     * @throws StoreUnavailableException if the store fails or a batch stays contended
     * @throws EventIdConflictException  only if the store refuses an event id it does not name (a
     *                                   store fault); otherwise a conflict is an outcome
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
     * @throws InvalidRequestException    for bad fields, an unknown stop, or an event older than
     *                                    {@code EVENT_MAX_OFFLINE_AGE_H}
     * @throws NotFoundException           for an unknown batch, or one the caller may not see
     * @throws ForbiddenException          for an event the caller's role may not record
     * @throws EventIdConflictException    for the caller's own event id with other content
     * @throws BadSignatureException       for a bad, or missing but required, signature or session
     * @throws InvalidTransitionException  when the state machine or the stop and route rules refuse
     *                                    it, with details {@code from} and {@code event_type}
     * @throws StoreUnavailableException   if the store fails or the batch stays contended
     */
    public EventOutcome recordOrRefuse(Principal principal, DriverEventRequest event) {
        try (AccessContext.Scope scope = AccessContext.enter(principal)) {
            Objects.requireNonNull(event, "event");
            return sync(principal, List.of(event), false).get(0);
        }
    }

    private List<EventOutcome> sync(Principal principal, List<DriverEventRequest> events, boolean keepRefusals) {
        return context.decide(DecisionKind.SYNC, () -> {
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
                heard(committed, now);
                tell(committed);
                return committed.outcomes();
            }
        }, DriverExecutionService::decisions);
    }

    /** One decision per event: accepted (or flagged), duplicate, or quarantined with its code. */
    private static void decisions(List<EventOutcome> outcomes, BiConsumer<Decision.Outcome, ErrorCode> decision) {
        for (EventOutcome o : outcomes) {
            switch (o.result()) {
                case ACCEPTED -> decision.accept(o.flaggedForReview() ? Decision.Outcome.FLAGGED
                        : Decision.Outcome.ACCEPTED, null);
                case DUPLICATE -> decision.accept(Decision.Outcome.DUPLICATE, null);
                case REJECTED -> decision.accept(Decision.Outcome.QUARANTINED, o.error());
            }
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
     * @throws NotFoundException         for an unknown batch, or one the caller may not see
     * @throws InvalidRequestException   for a bad batch id, limit or cursor
     * @throws StoreUnavailableException if the store fails
     */
    public EventPage events(Principal principal, String batchId, int limit, String cursor) {
        try (AccessContext.Scope scope = AccessContext.enter(principal)) {
            return batches.events(principal, batchId, limit, cursor);
        }
    }

    /**
     * A batch's whole log in the order it was applied: its timeline, and what a replay uses.
     *
     * @param principal the batch's driver, a supervisor or member of its workspace, or the system
     * @param batchId   the batch
     * @return the accepted events by batch version
     * @throws NotFoundException         for an unknown batch, or one the caller may not see
     * @throws InvalidRequestException   for a bad batch id
     * @throws StoreUnavailableException if the store fails
     */
    public List<DriverEvent> log(Principal principal, String batchId) {
        try (AccessContext.Scope scope = AccessContext.enter(principal)) {
            return batches.log(principal, batchId);
        }
    }

    /**
     * {@return the refused events that named it, oldest first}
     *
     * @param principal a supervisor or member of the batch's workspace, or the system
     * @param batchId   the batch
     * @throws ForbiddenException        for drivers
     * @throws NotFoundException         for an unknown batch, or one the caller may not see
     * @throws InvalidRequestException   for a bad batch id
     * @throws StoreUnavailableException if the store fails
     */
    public List<QuarantinedEvent> quarantined(Principal principal, String batchId) {
        try (AccessContext.Scope scope = AccessContext.enter(principal)) {
            return batches.quarantined(principal, batchId);
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
        // only the INACTIVE ones: a login reads none of the driver's finished batches, however many
        for (Batch b : context.store().batches().findBatchesAssignedTo(userId, DriverStatus.INACTIVE)) {
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

    /**
     * After a committed call of a driver's own events: the driver was heard (a QUIET item closes),
     * and located events outside their batch's corridor join its excursions. Runs after the commit,
     * under the driver's position lock, so the event log's commit is never held by it.
     */
    private void heard(SyncCall call, Instant now) {
        if (!(call.principal() instanceof Principal.Driver d) || call.accepted().isEmpty()) {
            return;
        }
        Map<String, Batch> after = new HashMap<>();
        for (EventLog.BatchChange change : call.changes()) {
            after.put(change.batch().id(), change.batch());
        }
        positions.synced(d.userId(), call.accepted(), after, now);
    }

    /**
     * Tells the listener what a committed call changed: each batch moved, with its events (grouped
     * in one pass over the call's events), then what it quarantined. Nothing to gather when no
     * listener is set.
     */
    private void tell(SyncCall call) {
        if (!context.listening()) {
            return;
        }
        Map<String, List<DriverEvent>> recorded = new HashMap<>();
        for (DriverEvent e : call.accepted()) {
            recorded.computeIfAbsent(e.batchId(), id -> new ArrayList<>()).add(e);
        }
        for (EventLog.BatchChange change : call.changes()) {
            Batch batch = change.batch();
            List<DriverEvent> events = List.copyOf(recorded.getOrDefault(batch.id(), List.of()));
            context.tell(l -> l.batchChanged(batch, events));
        }
        if (!call.quarantined().isEmpty()) {
            List<QuarantinedEvent> quarantined = List.copyOf(call.quarantined());
            context.tell(l -> l.quarantined(quarantined));
        }
    }

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
}
