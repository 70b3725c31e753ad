package io.fleetgate.testing;

import io.fleetgate.access.Membership;
import io.fleetgate.access.Workspace;
import io.fleetgate.error.FleetgateException;
import io.fleetgate.exclusive.Charger;
import io.fleetgate.exclusive.ExclusiveSession;
import io.fleetgate.exclusive.ExclusiveSessionStatus;
import io.fleetgate.exclusive.Merchant;
import io.fleetgate.spi.ActivationOutcome;
import io.fleetgate.spi.BatchRepository;
import io.fleetgate.spi.CredentialRepository;
import io.fleetgate.spi.EventLog;
import io.fleetgate.spi.ExclusiveSessionRepository;
import io.fleetgate.spi.FinishOutcome;
import io.fleetgate.spi.FleetgateStore;
import io.fleetgate.spi.PlaceDirectory;
import io.fleetgate.spi.ChangeLog;
import io.fleetgate.spi.PositionLog;
import io.fleetgate.spi.ReviewQueue;
import io.fleetgate.spi.SessionRepository;
import io.fleetgate.spi.WorkspaceDirectory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A {@link FleetgateStore} in memory, for unit tests of hosts and of the library. It keeps the
 * same invariants as the database stores (one ACTIVE session per driver, one current device
 * session per user, one batch on route per driver, unique place ids, event ids unique per
 * workspace and sender, all-or-nothing commits) by serialising every call on one lock, and it
 * passes the same store contract tests as SQLite and PostgreSQL. Thread-safe; not durable.
 */
public final class InMemoryStore implements FleetgateStore {
    private final Data data;
    private final Object lock;
    private final Map<String, Charger> chargers;
    private final Map<String, Merchant> merchants;
    private final Map<String, ExclusiveSession> sessions;
    private final Map<String, Workspace> workspaceMap;
    private final Map<String, Membership> memberships;
    private final InMemoryExecution execution;
    private final InMemorySessions sessionStore;

    private final PlaceDirectory places = new Places();
    private final ExclusiveSessionRepository exclusive = new Exclusive();
    private final WorkspaceDirectory workspaces = new Workspaces();

    /** Creates an empty store. */
    public InMemoryStore() {
        this(new Data());
    }

    private InMemoryStore(Data data) {
        this.data = data;
        this.lock = data.lock;
        this.chargers = data.chargers;
        this.merchants = data.merchants;
        this.sessions = data.sessions;
        this.workspaceMap = data.workspaceMap;
        this.memberships = data.memberships;
        this.execution = data.execution;
        this.sessionStore = data.sessionStore;
    }

    /**
     * {@return another store on this one's data, as a second host instance sees one database: what
     * either writes the other reads, and both serialise on the same lock}
     */
    InMemoryStore anotherInstance() {
        return new InMemoryStore(data);
    }

    /** Everything one data set holds, shared by every {@link InMemoryStore} on it. */
    private static final class Data {
        private final Object lock = new Object();
        private final Map<String, Charger> chargers = new HashMap<>();
        private final Map<String, Merchant> merchants = new HashMap<>();
        private final Map<String, ExclusiveSession> sessions = new LinkedHashMap<>();
        private final Map<String, Workspace> workspaceMap = new HashMap<>();
        private final Map<String, Membership> memberships = new java.util.TreeMap<>();
        private final InMemoryExecution execution = new InMemoryExecution(lock);
        private final InMemorySessions sessionStore = new InMemorySessions(lock);
        private final InMemoryPositions positions = new InMemoryPositions(lock, execution);
        private final InMemoryChanges changes = new InMemoryChanges(lock);

        private Data() {
            execution.positions(positions);
            execution.changes(changes);
        }
    }

    @Override
    public PlaceDirectory places() {
        return places;
    }

    @Override
    public ExclusiveSessionRepository exclusiveSessions() {
        return exclusive;
    }

    @Override
    public WorkspaceDirectory workspaces() {
        return workspaces;
    }

    @Override
    public BatchRepository batches() {
        return execution;
    }

    @Override
    public EventLog eventLog() {
        return execution;
    }

    @Override
    public ReviewQueue reviews() {
        return execution;
    }

    @Override
    public CredentialRepository credentials() {
        return sessionStore;
    }

    @Override
    public SessionRepository sessions() {
        return sessionStore;
    }

    @Override
    public PositionLog positions() {
        return data.positions;
    }

    /** {@return the change feed's log, recorded under the store's one lock as the other repositories write} */
    @Override
    public ChangeLog changes() {
        return data.changes;
    }

    /** Runs {@code body} holding the store's one lock, which every repository call takes too. */
    @Override
    public <T> T exclusively(Collection<String> keys, Supplier<T> body) {
        synchronized (lock) {
            return body.get();
        }
    }

    private final class Workspaces implements WorkspaceDirectory {
        @Override
        public void upsertWorkspace(Workspace workspace) {
            Objects.requireNonNull(workspace, "workspace");
            synchronized (lock) {
                workspaceMap.put(workspace.id(), workspace);
            }
        }

        @Override
        public Optional<Workspace> findWorkspace(String id) {
            synchronized (lock) {
                return Optional.ofNullable(workspaceMap.get(id));
            }
        }

        @Override
        public void upsertMembership(Membership m) {
            synchronized (lock) {
                if (!workspaceMap.containsKey(m.workspaceId())) {
                    throw FleetgateException.notFound("workspace", m.workspaceId());
                }
                memberships.put(m.userId() + "\u0000" + m.workspaceId(), m);
            }
        }

        @Override
        public boolean removeMembership(String userId, String workspaceId) {
            synchronized (lock) {
                return memberships.remove(userId + "\u0000" + workspaceId) != null;
            }
        }

        @Override
        public List<Membership> findMemberships(String userId) {
            synchronized (lock) {
                return memberships.values().stream().filter(m -> m.userId().equals(userId))
                        .sorted(Comparator.comparing(Membership::workspaceId, CodePoints.ORDER)).toList();
            }
        }

        @Override
        public List<Membership> findMembers(String workspaceId) {
            synchronized (lock) {
                return memberships.values().stream().filter(m -> m.workspaceId().equals(workspaceId))
                        .sorted(Comparator.comparing(Membership::userId, CodePoints.ORDER)).toList();
            }
        }
    }

    /** {@return every record, in a stable order; for tests that prove a refusal wrote nothing} */
    String dump() {
        synchronized (lock) {
            return new java.util.TreeMap<>(chargers) + "\n" + new java.util.TreeMap<>(merchants) + "\n"
                    + new java.util.TreeMap<>(sessions) + "\n" + new java.util.TreeMap<>(workspaceMap) + "\n"
                    + memberships.values() + "\n"
                    + execution.dump() + "\n" + sessionStore.dump();
        }
    }

    private final class Places implements PlaceDirectory {
        @Override
        public void upsertCharger(Charger charger) {
            Objects.requireNonNull(charger, "charger");
            synchronized (lock) {
                checkPlaceIdFree(chargers.values(), charger.placeId(), charger.id(), Charger::placeId, Charger::id);
                chargers.put(charger.id(), charger);
            }
        }

        @Override
        public void upsertMerchant(Merchant merchant) {
            Objects.requireNonNull(merchant, "merchant");
            synchronized (lock) {
                checkPlaceIdFree(merchants.values(), merchant.placeId(), merchant.id(), Merchant::placeId, Merchant::id);
                merchants.put(merchant.id(), merchant);
            }
        }

        private <T> void checkPlaceIdFree(Iterable<T> all, String placeId, String id,
                                          java.util.function.Function<T, String> placeOf,
                                          java.util.function.Function<T, String> idOf) {
            if (placeId == null) {
                return;
            }
            for (T t : all) {
                if (placeId.equals(placeOf.apply(t)) && !id.equals(idOf.apply(t))) {
                    throw FleetgateException.invalid("place_id", "already belongs to " + idOf.apply(t));
                }
            }
        }

        @Override
        public Optional<Charger> findCharger(String id) {
            synchronized (lock) {
                return Optional.ofNullable(chargers.get(id));
            }
        }

        @Override
        public Optional<Merchant> findMerchant(String id) {
            synchronized (lock) {
                return Optional.ofNullable(merchants.get(id));
            }
        }

        @Override
        public Optional<Merchant> findMerchantByPlaceId(String placeId) {
            synchronized (lock) {
                return merchants.values().stream().filter(m -> placeId.equals(m.placeId())).findFirst();
            }
        }
    }

    private final class Exclusive implements ExclusiveSessionRepository {
        @Override
        public ActivationOutcome activate(ExclusiveSession candidate, Instant now) {
            synchronized (lock) {
                List<ExclusiveSession> expired = new ArrayList<>();
                Optional<ExclusiveSession> active = findActive(candidate.driverId());
                if (active.isPresent() && active.get().isDueToExpire(now)) {
                    ExclusiveSession e = active.get().ended(ExclusiveSessionStatus.EXPIRED, now);
                    sessions.put(e.id(), e);
                    expired.add(e);
                    active = Optional.empty();
                }
                if (active.isPresent()) {
                    return new ActivationOutcome(null, active.get(), expired);
                }
                if (sessions.containsKey(candidate.id())) {
                    throw new IllegalStateException("duplicate session id " + candidate.id());
                }
                sessions.put(candidate.id(), candidate);
                return new ActivationOutcome(candidate, null, expired);
            }
        }

        @Override
        public Optional<ExclusiveSession> findActive(String driverId) {
            synchronized (lock) {
                return sessions.values().stream()
                        .filter(s -> s.driverId().equals(driverId) && s.status() == ExclusiveSessionStatus.ACTIVE)
                        .findFirst();
            }
        }

        @Override
        public Optional<ExclusiveSession> findLatest(String driverId) {
            synchronized (lock) {
                return sessions.values().stream()
                        .filter(s -> s.driverId().equals(driverId))
                        .max(Comparator.comparing(ExclusiveSession::activatedAt).thenComparing(ExclusiveSession::id, CodePoints.ORDER));
            }
        }

        @Override
        public Optional<ExclusiveSession> findById(String sessionId) {
            synchronized (lock) {
                return Optional.ofNullable(sessions.get(sessionId));
            }
        }

        @Override
        public Optional<ExclusiveSession> expire(String sessionId, Instant now) {
            synchronized (lock) {
                ExclusiveSession s = sessions.get(sessionId);
                if (s == null || !s.isDueToExpire(now)) {
                    return Optional.empty();
                }
                ExclusiveSession e = s.ended(ExclusiveSessionStatus.EXPIRED, now);
                sessions.put(e.id(), e);
                return Optional.of(e);
            }
        }

        @Override
        public FinishOutcome finish(String sessionId, String driverId, ExclusiveSessionStatus target, Instant now) {
            synchronized (lock) {
                ExclusiveSession s = sessions.get(sessionId);
                if (s == null || !s.driverId().equals(driverId)) {
                    return new FinishOutcome.NotFound();
                }
                if (s.status() != ExclusiveSessionStatus.ACTIVE) {
                    return new FinishOutcome.NotActive(s);
                }
                boolean due = s.isDueToExpire(now);
                ExclusiveSession e = s.ended(due ? ExclusiveSessionStatus.EXPIRED : target, now);
                sessions.put(e.id(), e);
                return due ? new FinishOutcome.Expired(e) : new FinishOutcome.Finished(e);
            }
        }

        @Override
        public List<ExclusiveSession> expireDue(Instant now, int limit) {
            synchronized (lock) {
                List<ExclusiveSession> due = sessions.values().stream()
                        .filter(s -> s.isDueToExpire(now))
                        .sorted(Comparator.comparing(ExclusiveSession::expiresAt))
                        .limit(limit)
                        .toList();
                List<ExclusiveSession> out = new ArrayList<>(due.size());
                for (ExclusiveSession s : due) {
                    ExclusiveSession e = s.ended(ExclusiveSessionStatus.EXPIRED, now);
                    sessions.put(e.id(), e);
                    out.add(e);
                }
                return out;
            }
        }
    }
}
