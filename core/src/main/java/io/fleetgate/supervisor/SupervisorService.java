package io.fleetgate.supervisor;

import io.fleetgate.DecisionKind;
import io.fleetgate.Ids;
import io.fleetgate.Principal;
import io.fleetgate.access.Membership;
import io.fleetgate.access.Role;
import io.fleetgate.error.FleetgateException;
import io.fleetgate.error.ForbiddenException;
import io.fleetgate.error.InvalidRequestException;
import io.fleetgate.error.InvalidTransitionException;
import io.fleetgate.error.NotFoundException;
import io.fleetgate.error.StoreUnavailableException;
import io.fleetgate.execution.Batch;
import io.fleetgate.execution.DriverEvent;
import io.fleetgate.execution.DriverEventRequest;
import io.fleetgate.execution.DriverEventType;
import io.fleetgate.execution.DriverExecutionService;
import io.fleetgate.execution.DriverStatus;
import io.fleetgate.execution.PlanChange;
import io.fleetgate.execution.StopStatus;
import io.fleetgate.execution.ReviewItem;
import io.fleetgate.execution.ReviewRecord;
import io.fleetgate.internal.AccessContext;
import io.fleetgate.internal.StaleReads;
import io.fleetgate.internal.Context;
import io.fleetgate.internal.Cursor;
import io.fleetgate.internal.LogValues;
import io.fleetgate.position.DriverPresence;
import io.fleetgate.session.DeviceSession;
import io.fleetgate.spi.BatchRepository;
import io.fleetgate.spi.ReviewQueue;
import io.fleetgate.spi.SessionRepository;
import io.fleetgate.spi.WorkspaceDirectory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * The supervisor's tools (seed 004, "For Supervisors"): the workspace's status board, the review
 * queue of flagged and quarantined events with append-only review records, state overrides with
 * a reason (recorded as {@code SUPERVISOR_OVERRIDE} events) and a batch's event timeline. Forced
 * session invalidation is {@link io.fleetgate.session.SessionService#invalidateCurrent}.
 *
 * <p>A supervisor acts only within their workspace; a member may read the board, the queue and
 * timelines; drivers may use none of these. Another workspace's batches, drivers and items are
 * "not found". Immutable and thread-safe.
 */
public final class SupervisorService {
    private static final Logger LOG = LoggerFactory.getLogger(SupervisorService.class);
    /** The longest review note accepted. */
    public static final int MAX_NOTE_CHARS = 2000;
    /** How often a plan change without an expected version is decided again when another change wins. */
    private static final int PLAN_ATTEMPTS = 5;

    private final BatchRepository batches;
    private final ReviewQueue reviews;
    private final WorkspaceDirectory directory;
    private final SessionRepository sessions;
    private final DriverExecutionService events;
    private final Context context;

    /**
     * Made by {@link io.fleetgate.Fleetgate}, which hosts build; not for hosts to call.
     *
     * @param context what the services of one {@code Fleetgate} share
     * @param events  the execution service overrides go through
     */
    public SupervisorService(Context context, DriverExecutionService events) {
        this.batches = context.store().batches();
        this.reviews = context.store().reviews();
        this.directory = context.store().workspaces();
        this.sessions = context.store().sessions();
        this.events = events;
        this.context = context;
    }

    /** The most drivers a board page holds. */
    public static final int MAX_BOARD_PAGE = 1000;

    /**
     * The whole status board: every page of {@link #statusBoard(Principal, int, String)} in turn
     * (each page one bounded read of each table). A workspace of many drivers is better read page
     * by page.
     *
     * @param principal a supervisor or member of the workspace
     * @return one row per driver member, by driver id
     * @throws ForbiddenException        for drivers and the system (name a workspace by acting as
     *                                   its supervisor)
     * @throws StoreUnavailableException if the store fails
     */
    public List<DriverBoardRow> statusBoard(Principal principal) {
        List<DriverBoardRow> all = new ArrayList<>();
        String after = null;
        do {
            BoardPage page = statusBoard(principal, MAX_BOARD_PAGE, after);
            all.addAll(page.drivers());
            after = page.next();
        } while (after != null);
        return all;
    }

    /**
     * One page of the workspace's drivers, by driver id, each with their current batch (the one on
     * route, else the most recently changed): its status, its next stop, how many stops are done,
     * failed and late, and its lateness (at the injected clock's now), their last activity, whether
     * they are quiet (on route, not heard for {@code QUIET_AFTER_MIN}) and how old their last fix
     * is. A page reads only its own drivers' rows (their memberships, current batches, device
     * sessions and presence), however large the workspace and its history.
     *
     * @param principal a supervisor or member of the workspace
     * @param limit     1 to {@value #MAX_BOARD_PAGE}
     * @param after     {@link BoardPage#next()} of the previous page (a driver id), or {@code null}
     *                  for the first
     * @return the page; its {@code next} is {@code null} on the last
     * @throws ForbiddenException        for drivers and the system (name a workspace by acting as
     *                                   its supervisor)
     * @throws InvalidRequestException   for a bad limit or cursor ({@code after} not an id)
     * @throws StoreUnavailableException if the store fails
     */
    public BoardPage statusBoard(Principal principal, int limit, String after) {
        try (AccessContext.Scope scope = AccessContext.enter(principal)) {
            String ws = readerWorkspace(principal);
            if (limit < 1 || limit > MAX_BOARD_PAGE) {
                throw FleetgateException.invalid("limit", "must be between 1 and " + MAX_BOARD_PAGE);
            }
            if (after != null) {
                Ids.require("after", after);
            }
            // what the board shows may lag (a replica); who may read it was decided above
            return StaleReads.allow(() -> boardPage(ws, limit, after));
        }
    }

    /** One page of the board of a workspace: reads only, that may lag (a replica). */
    private BoardPage boardPage(String ws, int limit, String after) {
        List<Membership> members = directory.findMembers(ws, Role.DRIVER, after, limit + 1);
        String next = null;
        if (members.size() > limit) {
            members = members.subList(0, limit);
            next = members.get(limit - 1).userId();
        }
        if (members.isEmpty()) {
            return new BoardPage(List.of(), null);
        }
        List<String> ids = members.stream().map(Membership::userId).toList();
        Map<String, Batch> current = batches.findCurrentBatches(ws, ids);
        Map<String, Instant> lastActive = new java.util.HashMap<>();
        for (DeviceSession d : sessions.findCurrentSessions(ids)) {
            lastActive.put(d.userId(), d.lastActiveAt());
        }
        Map<String, DriverPresence> heard = new java.util.HashMap<>();
        for (DriverPresence p : context.store().positions().findPresence(ws, ids)) {
            heard.put(p.driverId(), p);
        }
        Instant now = context.now();
        java.time.Duration quietAfter = context.settings().positions().quietAfter();
        List<DriverBoardRow> rows = new ArrayList<>(members.size());
        for (String id : ids) {
            Batch b = current.get(id);
            DriverPresence p = heard.get(id);
            Instant lastFixAt = p == null ? null : p.lastFixAt();
            boolean quiet = b != null && b.status().onRoute() && p != null
                    && p.lastHeardAt().isBefore(now.minus(quietAfter));
            rows.add(b == null
                    ? new DriverBoardRow(id, null, null, lastActive.get(id), null, 0, 0, 0,
                            java.time.Duration.ZERO, false, lastFixAt, now)
                    : new DriverBoardRow(id, b.id(), b.status(), lastActive.get(id),
                            b.nextStop().map(io.fleetgate.execution.Stop::id).orElse(null),
                            b.count(StopStatus.COMPLETED), b.count(StopStatus.FAILED), b.lateStops(now).size(),
                            b.lateness(now), quiet, lastFixAt, now));
        }
        return new BoardPage(rows, next);
    }

    /**
     * The workspace's open review items, oldest first.
     *
     * @param principal a supervisor or member of the workspace
     * @param limit     1 to 1000
     * @param cursor    {@link ReviewPage#next()} of the previous page, or {@code null}
     * @return the page
     * @throws ForbiddenException        for drivers and the system
     * @throws InvalidRequestException   for a bad limit or cursor
     * @throws StoreUnavailableException if the store fails
     */
    public ReviewPage reviewQueue(Principal principal, int limit, String cursor) {
        try (AccessContext.Scope scope = AccessContext.enter(principal)) {
            String ws = readerWorkspace(principal);
            if (limit < 1 || limit > 1000) {
                throw FleetgateException.invalid("limit", "must be between 1 and 1000");
            }
            Cursor after = Cursor.decode(cursor);
            List<ReviewItem> items = StaleReads.allow(() -> reviews.findReviewQueue(ws,
                    after == null ? null : after.at(), after == null ? null : after.id(), limit + 1));
            String next = null;
            if (items.size() > limit) {
                items = items.subList(0, limit);
                ReviewItem last = items.get(limit - 1);
                next = new Cursor(last.at(), last.id()).encode();
            }
            return new ReviewPage(items, next);
        }
    }

    /**
     * Marks a queue item reviewed with a note, as an append-only review record; the item leaves
     * the open queue and the event itself never changes. Same as {@link #review(Principal, String,
     * String, String)} without a sender.
     *
     * @param principal a supervisor of the workspace
     * @param itemId    an event id, quarantine record id or alert id from the queue
     * @param note      what the supervisor concluded (1 to {@value #MAX_NOTE_CHARS} characters)
     * @return the record
     * @throws ForbiddenException        for anyone but a supervisor
     * @throws NotFoundException         for an item not in the workspace's queue
     * @throws InvalidRequestException   for a bad item id or note, an item already reviewed, or an id
     *                                   that several items share ({@code sender_id} is then required)
     * @throws StoreUnavailableException if the store fails
     */
    public ReviewRecord review(Principal principal, String itemId, String note) {
        return review(principal, itemId, null, note);
    }

    /**
     * Marks a queue item reviewed with a note, as an append-only review record; the item leaves
     * the open queue and the event itself never changes. Event ids are chosen by phones and unique
     * only per sender: when two senders' flagged events of the workspace share the id, the sender
     * must be named, and a review closes that sender's event only.
     *
     * @param principal a supervisor of the workspace
     * @param itemId    an event id, quarantine record id or alert id from the queue
     * @param senderId  the sender of the flagged event meant ({@link ReviewItem#senderId()}), or
     *                  {@code null} when the id is the workspace's only item of that id
     * @param note      what the supervisor concluded (1 to {@value #MAX_NOTE_CHARS} characters)
     * @return the record
     * @throws ForbiddenException        for anyone but a supervisor
     * @throws NotFoundException         for an item not in the workspace's queue (with that sender)
     * @throws InvalidRequestException   for a bad item id, sender id or note, an item already
     *                                   reviewed, or an id several items share without a sender
     * @throws StoreUnavailableException if the store fails
     */
    public ReviewRecord review(Principal principal, String itemId, String senderId, String note) {
        return context.decide(DecisionKind.REVIEW, () -> {
            try (AccessContext.Scope scope = AccessContext.enter(principal)) {
                Principal.Supervisor s = requireSupervisor(principal);
                Ids.require("event_id", itemId);
                if (senderId != null) {
                    Ids.require("sender_id", senderId);
                }
                if (note == null || note.isBlank() || note.length() > MAX_NOTE_CHARS || note.indexOf('\u0000') >= 0) {
                    throw FleetgateException.invalid("note", "must be 1 to " + MAX_NOTE_CHARS + " characters");
                }
                List<ReviewItem> items = reviews.findReviewItems(s.workspaceId(), itemId).stream()
                        .filter(i -> senderId == null || senderId.equals(i.senderId())).toList();
                if (items.isEmpty()) {
                    throw FleetgateException.notFound("review item", itemId);
                }
                if (items.size() > 1) {
                    throw FleetgateException.invalid("sender_id", "is required: " + items.size()
                            + " items of the review queue have this id");
                }
                ReviewItem item = items.get(0);
                ReviewRecord record = ReviewRecord.of(UUID.randomUUID().toString(), item, s.userId(), note, context.now());
                if (!reviews.insertReview(record)) {
                    throw FleetgateException.invalid("event_id", "was already reviewed");
                }
                LOG.atInfo().setMessage("review_recorded").addKeyValue("item_id", LogValues.text(item.id()))
                        .addKeyValue("quarantined", item.isQuarantined())
                        .addKeyValue("item_kind", item.kind())
                        .addKeyValue("sender_id", LogValues.text(item.senderId()))
                        .addKeyValue("workspace_id", LogValues.text(s.workspaceId()))
                        .addKeyValue("reviewer_id", LogValues.text(s.userId())).log();
                return record;
            }
        });
    }

    /**
     * Moves a batch to any status, recorded as a {@code SUPERVISOR_OVERRIDE} event with the reason.
     *
     * @param principal a supervisor of the batch's workspace
     * @param batchId   the batch
     * @param target    the status to move to
     * @param reason    why (required)
     * @return the batch after the override
     * @throws ForbiddenException         for anyone but a supervisor
     * @throws NotFoundException          for an unknown batch, or one of another workspace
     * @throws InvalidRequestException    for a bad batch id, a missing target, or a missing or too
     *                                    long reason
     * @throws InvalidTransitionException when the state machine refuses it, with details {@code from}
     *                                    and {@code event_type}
     * @throws StoreUnavailableException  if the store fails or the batch stays contended
     */
    public Batch override(Principal principal, String batchId, DriverStatus target, String reason) {
        return context.decide(DecisionKind.OVERRIDE, () -> {
            try (AccessContext.Scope scope = AccessContext.enter(principal)) {
                requireSupervisor(principal);
                Ids.require("batch_id", batchId);
                if (target == null) {
                    throw FleetgateException.invalid("target_status", "is required");
                }
                // A refusal is this request's answer, thrown with its details (from, event_type); it
                // writes nothing, not even a quarantine record: only what phones send is quarantined.
                events.recordOrRefuse(principal, DriverEventRequest.of(UUID.randomUUID().toString(), batchId,
                        DriverEventType.SUPERVISOR_OVERRIDE, context.now()).override(target, reason));
                return events.batch(principal, batchId);
            }
        });
    }

    /**
     * Changes a batch's plan mid-route: adds, removes, reorders or skips stops, or records or
     * corrects a stop's outcome. Recorded as a {@code SUPERVISOR_OVERRIDE} event that leaves the
     * status as it is, with the reason and the change in its {@code payload.plan}, under the batch's
     * compare-and-set: the change applies only to the version it was decided on. A refusal writes
     * nothing.
     *
     * @param principal       a supervisor of the batch's workspace
     * @param batchId         the batch
     * @param change          the change
     * @param reason          why (required, at most {@value DriverExecutionService#MAX_REASON_CHARS}
     *                        characters)
     * @param expectedVersion the batch version the supervisor saw (refused if it moved on), or
     *                        {@code null} to apply it to whatever version is current
     * @return the batch after the change
     * @throws ForbiddenException         for anyone but a supervisor
     * @throws NotFoundException          for an unknown batch, or one of another workspace
     * @throws InvalidRequestException    for a missing change or reason, an unknown or removed stop, a
     *                                    stop id already used, a removal of a stop with an outcome or
     *                                    of the one the driver is at, a reorder that moves a stop that
     *                                    is not PENDING, a reason code not configured, or an {@code
     *                                    expectedVersion} the batch has moved on from
     * @throws InvalidTransitionException for a skip of a stop that has an outcome
     * @throws io.fleetgate.error.ProofRequiredException for an outcome COMPLETED without the stop's proof
     * @throws StoreUnavailableException  if the store fails or the batch stays contended
     */
    public Batch changePlan(Principal principal, String batchId, PlanChange change, String reason,
                            Long expectedVersion) {
        return context.decide(DecisionKind.PLAN_CHANGE, () -> {
            try (AccessContext.Scope scope = AccessContext.enter(principal)) {
                requireSupervisor(principal);
                Ids.require("batch_id", batchId);
                if (change == null) {
                    throw FleetgateException.invalid("plan", "is required");
                }
                for (int attempt = 1; ; attempt++) {
                    Batch b = events.batch(principal, batchId);
                    long version = expectedVersion == null ? b.version() : expectedVersion;
                    Map<String, Object> plan = new LinkedHashMap<>(change.toJson());
                    plan.put("expected_version", version);
                    try {
                        events.recordOrRefuse(principal, DriverEventRequest.of(UUID.randomUUID().toString(), batchId,
                                DriverEventType.SUPERVISOR_OVERRIDE, context.now()).override(b.status(), reason)
                                .payload(Map.of("plan", plan)));
                    } catch (InvalidRequestException stale) {
                        // another change won the version read above: decide again on the batch as it is now
                        if (expectedVersion == null && attempt < PLAN_ATTEMPTS
                                && PlanChange.STALE_VERSION_FIELD.equals(stale.field())) {
                            continue;
                        }
                        throw stale;
                    }
                    Batch after = events.batch(principal, batchId);
                    LOG.atInfo().setMessage("plan_changed").addKeyValue("batch_id", LogValues.text(batchId))
                            .addKeyValue("op", change.toJson().get("op"))
                            .addKeyValue("version", after.version())
                            .addKeyValue("actor_id", LogValues.text(principal.userId())).log();
                    return after;
                }
            }
        });
    }

    /**
     * A batch's events in the order they were applied.
     *
     * @param principal a supervisor or member of the batch's workspace
     * @param batchId   the batch
     * @return the timeline
     * @throws ForbiddenException        for drivers (they read their own through
     *                                   {@link DriverExecutionService#log}) and the system
     * @throws NotFoundException         for an unknown batch, or one of another workspace
     * @throws InvalidRequestException   for a bad batch id
     * @throws StoreUnavailableException if the store fails
     */
    public List<DriverEvent> timeline(Principal principal, String batchId) {
        try (AccessContext.Scope scope = AccessContext.enter(principal)) {
            readerWorkspace(principal);
            return events.log(principal, batchId);
        }
    }

    private static String readerWorkspace(Principal principal) {
        Objects.requireNonNull(principal, "principal");
        if (principal instanceof Principal.Supervisor s) {
            return s.workspaceId();
        }
        if (principal instanceof Principal.Member m) {
            return m.workspaceId();
        }
        throw FleetgateException.forbidden("only supervisors and members of a workspace may read its board and queue");
    }

    private static Principal.Supervisor requireSupervisor(Principal principal) {
        if (Objects.requireNonNull(principal, "principal") instanceof Principal.Supervisor s) {
            return s;
        }
        throw FleetgateException.forbidden("only a supervisor may do this");
    }
}
