package io.fleetgate.testing;

import io.fleetgate.execution.Batch;
import io.fleetgate.execution.DriverEvent;
import io.fleetgate.execution.QuarantinedEvent;
import io.fleetgate.execution.ReviewItem;
import io.fleetgate.execution.ReviewRecord;
import io.fleetgate.position.PositionAlert;
import io.fleetgate.spi.BatchRepository;
import io.fleetgate.spi.EventLog;
import io.fleetgate.spi.ReviewQueue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/** {@link BatchRepository}, {@link EventLog} and {@link ReviewQueue} in memory, serialised on the store's lock. */
final class InMemoryExecution implements BatchRepository, EventLog, ReviewQueue {
    private final Object lock;
    private final Map<String, Batch> batches = new TreeMap<>(CodePoints.ORDER);
    private final Map<String, DriverEvent> events = new LinkedHashMap<>();
    /** {@link #version} of every logged event. */
    private final Set<String> loggedVersions = new HashSet<>();
    private final Map<String, QuarantinedEvent> quarantine = new LinkedHashMap<>();
    private final Map<String, ReviewRecord> reviews = new LinkedHashMap<>();
    private InMemoryPositions positions;
    private InMemoryChanges changeLog;

    InMemoryExecution(Object lock) {
        this.lock = lock;
    }

    /** Joins the change feed's log, which records every write under the lock. */
    void changes(InMemoryChanges c) {
        this.changeLog = c;
    }

    /** {@return the change feed's log} */
    InMemoryChanges changeLog() {
        return changeLog;
    }

    /** Joins the position stream, whose alerts are review items too. */
    void positions(InMemoryPositions p) {
        this.positions = p;
    }

    /** {@return every logged event (the caller holds the lock)} */
    Collection<DriverEvent> events() {
        return events.values();
    }

    /** {@return whether the flagged event has a review record (the caller holds the lock)} */
    boolean reviewed(DriverEvent event) {
        return reviews.containsKey(reviewKey(event.workspaceId(), ReviewItem.Kind.EVENT, event.actorId(), event.eventId()));
    }

    @Override
    public boolean insertBatch(Batch batch) {
        synchronized (lock) {
            if (batches.putIfAbsent(batch.id(), batch) != null) {
                return false;
            }
            changeLog.batch(null, batch);
            return true;
        }
    }

    @Override
    public Optional<Batch> findBatch(String batchId) {
        synchronized (lock) {
            return Optional.ofNullable(batches.get(batchId));
        }
    }

    @Override
    public Map<String, Batch> findBatches(Collection<String> batchIds) {
        synchronized (lock) {
            Map<String, Batch> out = new HashMap<>();
            for (String id : batchIds) {
                Batch b = batches.get(id);
                if (b != null) {
                    out.put(id, b);
                }
            }
            return out;
        }
    }

    @Override
    public Optional<Batch> assignDriver(String batchId, String driverId, long expectedVersion, Instant now) {
        synchronized (lock) {
            Batch b = batches.get(batchId);
            if (b == null || b.version() != expectedVersion) {
                return Optional.empty();
            }
            Batch changed = new Batch(b.id(), b.workspaceId(), driverId, b.status(), b.currentStopIndex(),
                    b.actualStartTime(), b.actualEndTime(), b.metadata(), b.version() + 1, b.stops(),
                    b.visitedStops(), b.progress(), b.removedStops(), b.corridor(), b.createdAt(), now);
            batches.put(batchId, changed);
            changeLog.batch(b, changed);
            return Optional.of(changed);
        }
    }

    @Override
    public List<String> findInProgressBatches(String driverId) {
        synchronized (lock) {
            return batches.values().stream()
                    .filter(b -> driverId.equals(b.driverId()) && b.status().onRoute())
                    .map(Batch::id).toList();
        }
    }

    @Override
    public Map<String, String> findEventHashes(String workspaceId, String actorId, Collection<String> eventIds) {
        synchronized (lock) {
            Map<String, String> out = new HashMap<>();
            for (String id : eventIds) {
                DriverEvent e = events.get(key(workspaceId, actorId, id));
                if (e != null) {
                    out.put(id, e.contentHash());
                }
            }
            return out;
        }
    }

    @Override
    public Optional<DriverEvent> findLastLocatedEvent(String driverId) {
        synchronized (lock) {
            return events.values().stream()
                    .filter(e -> driverId.equals(e.driverId()) && e.located())
                    .max(Comparator.comparing(DriverEvent::recordedAt).thenComparing(DriverEvent::eventId, CodePoints.ORDER));
        }
    }

    @Override
    public boolean commit(List<BatchChange> changes, List<DriverEvent> accepted, List<QuarantinedEvent> refused) {
        synchronized (lock) {
            Set<String> newIds = new HashSet<>();
            Set<String> newVersions = new HashSet<>();
            for (DriverEvent e : accepted) {
                if (events.containsKey(key(e)) || !newIds.add(key(e))) {
                    return false;
                }
                if (loggedVersions.contains(version(e)) || !newVersions.add(version(e))) {
                    return false;
                }
            }
            Map<String, Batch> after = new HashMap<>(batches);
            for (BatchChange c : changes) {
                Batch current = batches.get(c.batch().id());
                if (current == null || current.version() != c.expectedVersion()) {
                    return false;
                }
                after.put(c.batch().id(), c.batch());
            }
            Map<String, Long> onRoute = new HashMap<>();
            for (Batch b : after.values()) {
                if (b.driverId() != null && b.status().onRoute() && onRoute.merge(b.driverId(), 1L, Long::sum) > 1) {
                    return false;
                }
            }
            // In the JDBC stores' order: the batches' updates, then the events, then the quarantine.
            for (BatchChange c : changes) {
                changeLog.batch(batches.get(c.batch().id()), c.batch());
            }
            batches.putAll(after);
            accepted.forEach(e -> events.put(key(e), e));
            accepted.forEach(changeLog::event);
            loggedVersions.addAll(newVersions);
            for (QuarantinedEvent q : refused) {
                boolean seen = quarantine.values().stream().anyMatch(old -> q.contentHash().equals(old.contentHash())
                        && java.util.Objects.equals(q.eventId(), old.eventId()));
                if (!seen) {
                    quarantine.put(q.id(), q);
                    changeLog.quarantined(q);
                }
            }
            return true;
        }
    }

    /** Event ids are unique per workspace and sender (V7 on the JDBC stores). */
    private static String key(String workspaceId, String actorId, String eventId) {
        return workspaceId + '\u0000' + actorId + '\u0000' + eventId;
    }

    /** A batch's log has one event per version (UNIQUE (batch_id, batch_version) on the JDBC stores). */
    private static String version(DriverEvent e) {
        return e.batchId() + '\u0000' + e.batchVersion();
    }

    private static String key(DriverEvent e) {
        return key(e.workspaceId(), e.actorId(), e.eventId());
    }

    @Override
    public List<DriverEvent> findEvents(String batchId, Instant afterRecorded, String afterEventId, int limit) {
        synchronized (lock) {
            return events.values().stream()
                    .filter(e -> e.batchId().equals(batchId))
                    .filter(e -> after(e.recordedAt(), e.eventId(), afterRecorded, afterEventId))
                    .sorted(Comparator.comparing(DriverEvent::recordedAt).thenComparing(DriverEvent::eventId, CodePoints.ORDER))
                    .limit(limit)
                    .toList();
        }
    }

    /**
     * Keyset pagination as the databases compare row values: {@code (at, id) > (afterAt, afterId)};
     * a cursor without an id ({@code NULL} in SQL) lets through only what is strictly later.
     */
    private static boolean after(Instant at, String id, Instant afterAt, String afterId) {
        if (afterAt == null) {
            return true;
        }
        int c = at.compareTo(afterAt);
        return c > 0 || (c == 0 && afterId != null && CodePoints.compare(id, afterId) > 0);
    }

    @Override
    public List<DriverEvent> findLog(String batchId) {
        synchronized (lock) {
            return events.values().stream().filter(e -> e.batchId().equals(batchId))
                    .sorted(Comparator.comparingLong(DriverEvent::batchVersion)).toList();
        }
    }

    @Override
    public List<QuarantinedEvent> findQuarantined(String batchId) {
        synchronized (lock) {
            // oldest first, ties in the order kept (ORDER BY received_at, seq on the databases); the sort is stable
            return quarantine.values().stream().filter(q -> batchId.equals(q.batchId()))
                    .sorted(Comparator.comparing(QuarantinedEvent::receivedAt)).toList();
        }
    }

    @Override
    public List<Batch> findBatchesInWorkspace(String workspaceId) {
        synchronized (lock) {
            return batches.values().stream().filter(b -> b.workspaceId().equals(workspaceId)).toList();
        }
    }

    @Override
    public List<Batch> findBatchesAssignedTo(String driverId) {
        synchronized (lock) {
            return batches.values().stream().filter(b -> driverId.equals(b.driverId())).toList();
        }
    }

    @Override
    public List<ReviewItem> findReviewQueue(String workspaceId, Instant afterAt, String afterId, int limit) {
        synchronized (lock) {
            return items(workspaceId).stream()
                    .filter(i -> !reviews.containsKey(reviewKey(workspaceId, i.kind(), i.senderId(), i.id())))
                    .filter(i -> after(i.at(), i.id(), afterAt, afterId))
                    .sorted(Comparator.comparing(ReviewItem::at).thenComparing(ReviewItem::id, CodePoints.ORDER))
                    .limit(limit)
                    .toList();
        }
    }

    @Override
    public List<ReviewItem> findReviewItems(String workspaceId, String itemId) {
        synchronized (lock) {
            // flagged events first, by synced_at then sender (as the databases order them), then the rest
            return items(workspaceId).stream().filter(i -> i.id().equals(itemId))
                    .sorted(Comparator.comparing((ReviewItem i) -> i.kind().ordinal())
                            .thenComparing(ReviewItem::at)
                            .thenComparing(i -> i.senderId() == null ? "" : i.senderId(), CodePoints.ORDER))
                    .toList();
        }
    }

    private List<ReviewItem> items(String workspaceId) {
        List<ReviewItem> out = new ArrayList<>();
        for (DriverEvent e : events.values()) {
            if (e.flaggedForReview() && e.workspaceId().equals(workspaceId)) {
                out.add(new ReviewItem(e.eventId(), workspaceId, e.syncedAt(), e, null));
            }
        }
        for (QuarantinedEvent q : quarantine.values()) {
            if (workspaceId.equals(q.workspaceId())) {
                out.add(new ReviewItem(q.id(), workspaceId, q.receivedAt(), null, q));
            }
        }
        if (positions != null) {
            for (PositionAlert a : positions.alertsOf(workspaceId)) {
                out.add(new ReviewItem(a.id(), workspaceId, a.createdAt(), null, null, a));
            }
        }
        return out;
    }

    @Override
    public boolean insertReview(ReviewRecord review) {
        synchronized (lock) {
            if (reviews.putIfAbsent(reviewKey(review.workspaceId(), review.itemKind(), review.itemSenderId(),
                    review.itemId()), review) != null) {
                return false;
            }
            changeLog.review(review);
            return true;
        }
    }

    /**
     * An item has one review (UNIQUE (workspace_id, item_kind, item_sender_id, item_id) on the
     * JDBC stores, V13): a flagged event is named by its sender too.
     */
    private static String reviewKey(String workspaceId, ReviewItem.Kind kind, String senderId, String itemId) {
        return workspaceId + '\u0000' + kind + '\u0000' + (senderId == null ? "" : senderId) + '\u0000' + itemId;
    }

    String dump() {
        synchronized (lock) {
            return batches + "\n" + new ArrayList<>(events.values()) + "\n" + new ArrayList<>(quarantine.values())
                    + "\n" + new ArrayList<>(reviews.values());
        }
    }
}
