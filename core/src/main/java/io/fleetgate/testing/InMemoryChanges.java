package io.fleetgate.testing;

import io.fleetgate.execution.Batch;
import io.fleetgate.execution.DriverEvent;
import io.fleetgate.execution.QuarantinedEvent;
import io.fleetgate.execution.ReviewRecord;
import io.fleetgate.position.PositionAlert;
import io.fleetgate.spi.ChangeLog;
import io.fleetgate.supervisor.Change;
import io.fleetgate.supervisor.ChangeKind;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The change feed's log in memory: the other in-memory repositories record each change here while
 * they hold the store's one lock, as they write, so the seqs are in commit order (the JDBC stores
 * do it with triggers, see V14). The same rows and summaries as the JDBC stores' triggers.
 */
final class InMemoryChanges implements ChangeLog {
    private final Object lock;
    private final List<Change> changes = new ArrayList<>();
    private final Map<String, Long> floors = new HashMap<>();
    private final List<Consumer<String>> watchers = new CopyOnWriteArrayList<>();
    private long seq;

    InMemoryChanges(Object lock) {
        this.lock = lock;
    }

    /** Records an appended event (the caller holds the lock). */
    void event(DriverEvent e) {
        Map<String, String> s = summary("event_type", e.type().name(), "status", e.status().name(),
                "flagged", Boolean.toString(e.flaggedForReview()), "stop_id", e.stopId());
        add(e.workspaceId(), ChangeKind.EVENT, e.eventId(), e.driverId(), e.batchId(), e.recordedAt(), s);
    }

    /** Records a created batch ({@code before} null) or a moved one (the caller holds the lock). */
    void batch(Batch before, Batch after) {
        if (before != null && before.status() == after.status() && before.version() == after.version()
                && java.util.Objects.equals(before.driverId(), after.driverId())
                && java.util.Objects.equals(before.currentStopIndex(), after.currentStopIndex())) {
            return;
        }
        Map<String, String> s = summary("status", after.status().name(), "version", Long.toString(after.version()),
                "current_stop_index", after.currentStopIndex() == null ? null : after.currentStopIndex().toString(),
                "op", before == null ? "created" : "updated");
        add(after.workspaceId(), ChangeKind.BATCH, after.id(), after.driverId(), after.id(), after.updatedAt(), s);
    }

    /** Records a kept refusal that names a workspace (the caller holds the lock). */
    void quarantined(QuarantinedEvent q) {
        if (q.workspaceId() == null) {
            return;
        }
        add(q.workspaceId(), ChangeKind.QUARANTINED, q.id(), q.senderId(), q.batchId(), q.receivedAt(),
                summary("error_code", q.errorCode().name()));
    }

    /** Records a raised alert ({@code before} null) or one merged into another (the caller holds the lock). */
    void alert(PositionAlert before, PositionAlert after) {
        if (before != null && !(before.mergedInto() == null && after.mergedInto() != null)) {
            return;
        }
        add(after.workspaceId(), ChangeKind.ALERT, after.id(), after.driverId(), after.batchId(),
                before == null ? after.createdAt() : after.lastAt(),
                summary("alert_kind", after.kind().name(), "state", before == null ? "raised" : "merged",
                        "merged_into", after.mergedInto()));
    }

    /** Records a review record (the caller holds the lock). */
    void review(ReviewRecord r) {
        add(r.workspaceId(), ChangeKind.REVIEW, r.id(), null, null, r.reviewedAt(),
                summary("item_id", r.itemId(), "item_kind", r.itemKind().name(), "sender_id", r.itemSenderId(),
                        "quarantined", Boolean.toString(r.quarantined())));
    }

    private void add(String workspaceId, ChangeKind kind, String entityId, String driverId, String batchId, Instant at,
                     Map<String, String> summary) {
        changes.add(new Change(++seq, workspaceId, kind, entityId, driverId, batchId, at, summary));
        // under the lock: a reader the watcher wakes reads once the writer has released it
        for (Consumer<String> w : watchers) {
            w.accept(workspaceId);
        }
    }

    private static Map<String, String> summary(String... pairs) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            if (pairs[i + 1] != null) {
                out.put(pairs[i], pairs[i + 1]);
            }
        }
        return out;
    }

    @Override
    public List<Change> findChanges(String workspaceId, String driverId, long afterSeq, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be 1 or more, got " + limit);
        }
        synchronized (lock) {
            return changes.stream().filter(c -> c.seq() > afterSeq && c.workspaceId().equals(workspaceId)
                            && (driverId == null || driverId.equals(c.driverId())))
                    .limit(limit).toList();
        }
    }

    @Override
    public long head(String workspaceId, String driverId) {
        synchronized (lock) {
            long max = changes.stream().filter(c -> c.workspaceId().equals(workspaceId)
                            && (driverId == null || driverId.equals(c.driverId())))
                    .mapToLong(Change::seq).max().orElse(0);
            return Math.max(max, floor(workspaceId));
        }
    }

    @Override
    public long floor(String workspaceId) {
        synchronized (lock) {
            return floors.getOrDefault(workspaceId, 0L);
        }
    }

    @Override
    public Watch watch(Consumer<String> changed) {
        Objects.requireNonNull(changed, "changed");
        watchers.add(changed);
        return () -> watchers.remove(changed);
    }

    @Override
    public long purge(Instant before) {
        synchronized (lock) {
            for (Change c : changes) {
                if (c.at().isBefore(before)) {
                    floors.merge(c.workspaceId(), c.seq(), Math::max);
                }
            }
            int size = changes.size();
            changes.removeIf(c -> c.seq() <= floors.getOrDefault(c.workspaceId(), 0L));
            return size - changes.size();
        }
    }
}
