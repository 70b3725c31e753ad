package io.fleetgate.testing;

import io.fleetgate.execution.DriverEvent;
import io.fleetgate.execution.DriverEventType;
import io.fleetgate.internal.PositionStream;
import io.fleetgate.position.AlertKind;
import io.fleetgate.position.DriverPresence;
import io.fleetgate.position.Fix;
import io.fleetgate.position.PositionAlert;
import io.fleetgate.position.RecordedFix;
import io.fleetgate.spi.PositionLog;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;

/** The position stream of an {@link InMemoryStore}, on the store's one lock. */
final class InMemoryPositions implements PositionLog {
    private final Object lock;
    private final InMemoryExecution execution;
    /** Fixes by driver, then by {@code recorded_at}. */
    private final Map<String, NavigableMap<Instant, RecordedFix>> fixes = new HashMap<>();
    private final Map<String, DriverPresence> presence = new TreeMap<>(CodePoints.ORDER);
    private final Map<String, PositionAlert> alerts = new LinkedHashMap<>();

    InMemoryPositions(Object lock, InMemoryExecution execution) {
        this.lock = lock;
        this.execution = execution;
    }

    @Override
    public Optional<Intake> findIntake(String batchId, String driverId, Instant from, Instant to, int limit,
                                      Instant arrivalsFrom, Instant arrivalsTo) {
        synchronized (lock) {
            return execution.findBatch(batchId).map(b -> new Intake(
                    new BatchRoute(b.id(), b.workspaceId(), b.driverId(), b.corridor()),
                    plausible(driverId, from, to, limit), presence.get(driverId),
                    !findUnconfirmedArrivals(driverId, arrivalsFrom, arrivalsTo, 1).isEmpty()));
        }
    }

    /** The driver's fixes without a mark in the span, oldest first, at most {@code limit}. */
    private List<Fix> plausible(String driverId, Instant from, Instant to, int limit) {
        NavigableMap<Instant, RecordedFix> mine = fixes.get(driverId);
        if (mine == null || from.isAfter(to)) {
            return List.of();
        }
        return mine.subMap(from, true, to, true).values().stream().filter(RecordedFix::plausible)
                .limit(limit).map(RecordedFix::fix).toList();
    }

    @Override
    public List<RecordedFix> insertFixes(List<RecordedFix> batch) {
        synchronized (lock) {
            List<RecordedFix> taken = new ArrayList<>();
            for (RecordedFix f : batch) {
                RecordedFix stored = fixes.computeIfAbsent(f.driverId(), d -> new TreeMap<>())
                        .putIfAbsent(f.recordedAt(), f);
                if (stored != null) {
                    taken.add(stored);
                }
            }
            return taken;
        }
    }

    @Override
    public List<RecordedFix> findFixes(String driverId, Instant from, Instant to, int limit) {
        synchronized (lock) {
            NavigableMap<Instant, RecordedFix> mine = fixes.get(driverId);
            if (mine == null || from.isAfter(to)) {
                return List.of();
            }
            return mine.subMap(from, true, to, true).values().stream().limit(limit).toList();
        }
    }

    @Override
    public int purgeFixes(Instant before, int limit) {
        synchronized (lock) {
            List<RecordedFix> old = new ArrayList<>();
            for (NavigableMap<Instant, RecordedFix> mine : fixes.values()) {
                old.addAll(mine.headMap(before, false).values());
            }
            old.sort(Comparator.comparing(RecordedFix::recordedAt));
            int n = Math.min(limit, old.size());
            for (RecordedFix f : old.subList(0, n)) {
                fixes.get(f.driverId()).remove(f.recordedAt());
            }
            return n;
        }
    }

    @Override
    public Optional<String> heard(String workspaceId, String driverId, Instant heardAt, Instant lastFixAt) {
        synchronized (lock) {
            DriverPresence p = presence.get(driverId);
            if (p == null) {
                presence.put(driverId, new DriverPresence(driverId, workspaceId, heardAt, lastFixAt, null));
                return Optional.empty();
            }
            boolean later = heardAt.isAfter(p.lastHeardAt());
            Instant fixAt = p.lastFixAt() == null || (lastFixAt != null && lastFixAt.isAfter(p.lastFixAt()))
                    ? lastFixAt : p.lastFixAt();
            presence.put(driverId, new DriverPresence(driverId, later ? workspaceId : p.workspaceId(),
                    later ? heardAt : p.lastHeardAt(), fixAt, null));
            return Optional.ofNullable(p.quietAlertId());
        }
    }

    @Override
    public List<DriverPresence> findPresence(String workspaceId) {
        synchronized (lock) {
            return presence.values().stream().filter(p -> p.workspaceId().equals(workspaceId)).toList();
        }
    }

    @Override
    public List<Silence> findSilent(Instant heardBefore, int limit) {
        synchronized (lock) {
            List<Silence> out = new ArrayList<>();
            for (DriverPresence p : presence.values()) {
                if (p.quietAlertId() == null && p.lastHeardAt().isBefore(heardBefore)) {
                    for (String batchId : execution.findInProgressBatches(p.driverId())) {
                        out.add(new Silence(p, batchId));
                    }
                }
            }
            out.sort(Comparator.comparing((Silence s) -> s.presence().lastHeardAt())
                    .thenComparing(s -> s.presence().driverId(), CodePoints.ORDER));
            return out.size() > limit ? List.copyOf(out.subList(0, limit)) : out;
        }
    }

    @Override
    public boolean markQuiet(String driverId, Instant lastHeardAt, String alertId) {
        synchronized (lock) {
            DriverPresence p = presence.get(driverId);
            if (p == null || !p.lastHeardAt().equals(lastHeardAt)) {
                return false;
            }
            presence.put(driverId, new DriverPresence(driverId, p.workspaceId(), p.lastHeardAt(), p.lastFixAt(), alertId));
            return true;
        }
    }

    @Override
    public List<PositionAlert> findAlerts(String driverId, AlertKind kind, Instant from, Instant to) {
        synchronized (lock) {
            return alerts.values().stream()
                    .filter(a -> a.driverId().equals(driverId) && a.kind() == kind && a.mergedInto() == null
                            && !a.lastAt().isBefore(from) && !a.firstAt().isAfter(to))
                    .sorted(Comparator.comparing(PositionAlert::firstAt))
                    .toList();
        }
    }

    @Override
    public Optional<PositionAlert> findAlert(String workspaceId, String alertId) {
        synchronized (lock) {
            return Optional.ofNullable(alerts.get(alertId)).filter(a -> a.workspaceId().equals(workspaceId));
        }
    }

    @Override
    public boolean insertAlert(PositionAlert alert) {
        synchronized (lock) {
            for (PositionAlert a : alerts.values()) {
                if (a.driverId().equals(alert.driverId()) && a.kind() == alert.kind()
                        && a.firstAt().equals(alert.firstAt())) {
                    return false;
                }
            }
            alerts.put(alert.id(), alert);
            execution.changeLog().alert(null, alert);
            return true;
        }
    }

    @Override
    public void updateAlert(PositionAlert alert) {
        synchronized (lock) {
            PositionAlert before = alerts.get(alert.id());
            if (before != null) {
                alerts.put(alert.id(), alert);
                execution.changeLog().alert(before, alert);
            }
        }
    }

    @Override
    public List<DriverEvent> findUnconfirmedArrivals(String driverId, Instant from, Instant to, int limit) {
        synchronized (lock) {
            List<DriverEvent> out = new ArrayList<>();
            for (DriverEvent e : execution.events()) {
                if (e.type() == DriverEventType.ARRIVED_AT_STOP && (driverId == null || driverId.equals(e.driverId()))
                        && !e.recordedAt().isBefore(from) && !e.recordedAt().isAfter(to)
                        && e.flagReasons().stream().anyMatch(r -> r.startsWith(PositionStream.ARRIVAL_UNCONFIRMED))
                        && !execution.reviewed(e)) {
                    out.add(e);
                }
            }
            out.sort(Comparator.comparing(DriverEvent::recordedAt).thenComparing(DriverEvent::eventId, CodePoints.ORDER));
            return out.size() > limit ? List.copyOf(out.subList(0, limit)) : out;
        }
    }

    /** The open alerts of a workspace, for the review queue (the caller holds the lock). */
    List<PositionAlert> alertsOf(String workspaceId) {
        return alerts.values().stream()
                .filter(a -> a.workspaceId().equals(workspaceId) && a.mergedInto() == null).toList();
    }
}
