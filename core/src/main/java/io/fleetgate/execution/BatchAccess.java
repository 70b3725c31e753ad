package io.fleetgate.execution;

import io.fleetgate.Ids;
import io.fleetgate.Principal;
import io.fleetgate.error.FleetgateException;
import io.fleetgate.error.InvalidTransitionException;
import io.fleetgate.internal.Context;
import io.fleetgate.internal.LogValues;
import io.fleetgate.internal.Cursor;
import io.fleetgate.internal.StaleReads;
import io.fleetgate.spi.BatchRepository;
import io.fleetgate.spi.EventLog;
import io.fleetgate.spi.ReviewQueue;
import io.fleetgate.spi.WorkspaceDirectory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Batches outside sync: who may see them and their events, who may create and assign them, and
 * how. A driver sees the batches assigned to them, a supervisor or member those of their
 * workspace, the system all ({@link #visible}: the one rule, for these reads and for sync); a
 * supervisor of the workspace or the system creates batches (idempotently) and assigns them, never
 * while on route. Another workspace's batch or workspace is "not found", as an unknown one. Logs
 * {@code batch_created} and {@code batch_assigned} under the service's logger.
 *
 * <p>Immutable and thread-safe; one per service.
 */
final class BatchAccess {
    private static final Logger LOG = LoggerFactory.getLogger(DriverExecutionService.class);

    private final Context context;
    private final BatchRepository batchRepo;
    private final EventLog eventLog;
    private final ReviewQueue reviews;
    private final WorkspaceDirectory workspaces;

    BatchAccess(Context context) {
        this.context = context;
        this.batchRepo = context.store().batches();
        this.eventLog = context.store().eventLog();
        this.reviews = context.store().reviews();
        this.workspaces = context.store().workspaces();
    }

    /**
     * {@return whether the principal may see the batch}
     *
     * @param principal who asks
     * @param b         the batch
     */
    static boolean visible(Principal principal, Batch b) {
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

    /**
     * {@return the batch, if the principal may see it}
     *
     * @param principal who asks
     * @param batchId   the batch
     */
    Batch batch(Principal principal, String batchId) {
        Ids.require("batch_id", batchId);
        return readable(principal, batchId);
    }

    /**
     * {@return a page of the batch's events, oldest first}
     *
     * @param principal who asks
     * @param batchId   the batch
     * @param limit     1 to 1000
     * @param cursor    the previous page's cursor, or {@code null}
     */
    EventPage events(Principal principal, String batchId, int limit, String cursor) {
        Ids.require("batch_id", batchId);
        if (limit < 1 || limit > 1000) {
            throw FleetgateException.invalid("limit", "must be between 1 and 1000");
        }
        Cursor after = Cursor.decode(cursor);
        readable(principal, batchId);
        // the page may come from a replica that lags; who may read the batch was decided above
        List<DriverEvent> page = StaleReads.allow(() -> eventLog.findEvents(batchId,
                after == null ? null : after.at(), after == null ? null : after.id(), limit + 1));
        String next = null;
        if (page.size() > limit) {
            page = page.subList(0, limit);
            DriverEvent last = page.get(limit - 1);
            next = new Cursor(last.recordedAt(), last.eventId()).encode();
        }
        return new EventPage(visibleTo(principal, page), next);
    }

    /**
     * {@return the batch's log in the order it was applied}
     *
     * @param principal who asks
     * @param batchId   the batch
     */
    List<DriverEvent> log(Principal principal, String batchId) {
        Ids.require("batch_id", batchId);
        readable(principal, batchId);
        return visibleTo(principal, eventLog.findLog(batchId));
    }

    /**
     * {@return the events as the principal may read them: for a driver, a supervisor's plan change
     * that added a stop with a one-time code shows the stop without its {@code code_hash} (the hash
     * of a short code could be searched offline); everyone else reads the log as it is}
     */
    static List<DriverEvent> visibleTo(Principal principal, List<DriverEvent> events) {
        if (!(principal instanceof Principal.Driver)) {
            return events;
        }
        List<DriverEvent> out = new ArrayList<>(events.size());
        for (DriverEvent e : events) {
            out.add(e.payload().get(StopEffects.PLAN) instanceof Map<?, ?> plan
                    && plan.get("stop") instanceof Map<?, ?> stop && stop.containsKey(CODE_HASH)
                    ? withPayload(e, withoutCodeHash(e.payload(), plan, stop)) : e);
        }
        return out;
    }

    private static final String CODE_HASH = "code_hash";

    private static Map<String, Object> withoutCodeHash(Map<String, Object> payload, Map<?, ?> plan, Map<?, ?> stop) {
        Map<Object, Object> s = new LinkedHashMap<>(stop);
        s.remove(CODE_HASH);
        Map<Object, Object> p = new LinkedHashMap<>(plan);
        p.put("stop", s);
        Map<String, Object> out = new LinkedHashMap<>(payload);
        out.put(StopEffects.PLAN, p);
        return out;
    }

    private static DriverEvent withPayload(DriverEvent e, Map<String, Object> payload) {
        return new DriverEvent(e.eventId(), e.batchId(), e.workspaceId(), e.driverId(), e.actorId(), e.sessionId(),
                e.type(), e.previousStatus(), e.status(), e.batchVersion(), e.recordedAt(), e.syncedAt(), e.lat(),
                e.lng(), e.accuracyMeters(), e.stopIndex(), payload, e.reason(), e.contentHash(), e.flaggedForReview(),
                e.flagReasons(), e.stopId());
    }

    /**
     * {@return the batch's quarantined events; not for drivers}
     *
     * @param principal who asks
     * @param batchId   the batch
     */
    List<QuarantinedEvent> quarantined(Principal principal, String batchId) {
        Ids.require("batch_id", batchId);
        if (principal instanceof Principal.Driver) {
            throw FleetgateException.forbidden("drivers cannot read the quarantine");
        }
        readable(principal, batchId);
        return reviews.findQuarantined(batchId);
    }

    /** {@return the batch if the principal may see it; else {@code NOT_FOUND}, as an unknown one} */
    private Batch readable(Principal principal, String batchId) {
        Batch b = batchRepo.findBatch(batchId).orElseThrow(() -> FleetgateException.notFound("batch", batchId));
        if (!visible(principal, b)) {
            throw FleetgateException.notFound("batch", batchId);
        }
        return b;
    }

    /**
     * {@return the stored batch} Creates it INACTIVE with its stops; the same batch again (same id
     * and content) is the stored one and writes nothing.
     *
     * @param principal a supervisor of the workspace, or the system
     * @param request   the batch
     */
    Batch create(Principal principal, CreateBatchRequest request) {
        Objects.requireNonNull(request, "request");
        Ids.require("id", request.id());
        Ids.require("workspace_id", request.workspaceId());
        Ids.optional("driver_id", request.driverId());
        requireManager(principal, request.workspaceId());
        List<Stop> stops = request.stops();
        if (stops == null || stops.isEmpty() || stops.stream().anyMatch(Objects::isNull)) {
            throw FleetgateException.invalid("stops", "must list at least one stop");
        }
        if (stops.size() > DriverExecutionService.MAX_STOPS) {
            throw FleetgateException.invalid("stops", "must list at most " + DriverExecutionService.MAX_STOPS + " stops");
        }
        Map<String, Object> metadata = SyncParse.metadata("metadata", request.metadata());
        if (workspaces.findWorkspace(request.workspaceId()).isEmpty()) {
            throw FleetgateException.notFound("workspace", request.workspaceId());
        }
        Instant now = context.now();
        Batch batch = new Batch(request.id(), request.workspaceId(), request.driverId(), DriverStatus.INACTIVE,
                null, null, null, metadata, 0, stops, List.of(), null, null, request.corridor(), now, now);
        if (!batchRepo.insertBatch(batch)) {
            Batch existing = batchRepo.findBatch(request.id()).orElse(null);
            if (existing == null) { // taken by a batch the caller may not see
                throw FleetgateException.invalid("id", "is already used");
            }
            if (existing.workspaceId().equals(batch.workspaceId())
                    && Objects.equals(existing.driverId(), batch.driverId())
                    && existing.stops().equals(batch.stops()) && existing.metadata().equals(batch.metadata())
                    && Objects.equals(existing.corridor(), batch.corridor()) && existing.version() == 0) {
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
        context.tell(l -> l.batchChanged(batch, List.of()));
        return batch;
    }

    /**
     * {@return the batch after the change, retried while it races} Refused while the batch is on
     * route.
     *
     * @param principal a supervisor of the batch's workspace, or the system
     * @param batchId   the batch
     * @param driverId  the driver, or {@code null} to unassign
     */
    Batch assign(Principal principal, String batchId, String driverId) {
        Ids.require("batch_id", batchId);
        Ids.optional("driver_id", driverId);
        if (!(principal instanceof Principal.Supervisor) && !(principal instanceof Principal.System)) {
            throw FleetgateException.forbidden("only a supervisor of the workspace may manage its batches");
        }
        Batch assigned = context.contention().retry(() -> {
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
        context.tell(l -> l.batchChanged(assigned, List.of()));
        return assigned;
    }

    /** Refuses anyone but a supervisor of the workspace ({@code NOT_FOUND} for another's) or the system. */
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
