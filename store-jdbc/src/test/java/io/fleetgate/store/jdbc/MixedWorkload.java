package io.fleetgate.store.jdbc;
import io.fleetgate.testkit.TestFleetgates;

import io.fleetgate.FleetgateSettings;
import io.fleetgate.Principal;
import io.fleetgate.access.Workspace;
import io.fleetgate.error.ErrorCode;
import io.fleetgate.error.FleetgateException;
import io.fleetgate.exclusive.ActivateRequest;
import io.fleetgate.exclusive.Charger;
import io.fleetgate.exclusive.ExclusiveSession;
import io.fleetgate.exclusive.ExclusiveSessionService;
import io.fleetgate.exclusive.Merchant;
import io.fleetgate.execution.Batch;
import io.fleetgate.execution.CreateBatchRequest;
import io.fleetgate.execution.DriverEvent;
import io.fleetgate.execution.DriverEventRequest;
import io.fleetgate.execution.DriverEventType;
import io.fleetgate.execution.DriverExecutionService;
import io.fleetgate.execution.DriverStateMachine;
import io.fleetgate.execution.DriverStatus;
import io.fleetgate.execution.EventOutcome;
import io.fleetgate.execution.Stop;
import io.fleetgate.geo.Coordinate;
import io.fleetgate.session.CredentialService;
import io.fleetgate.session.EnrolRequest;
import io.fleetgate.session.LoginRequest;
import io.fleetgate.session.SessionService;
import io.fleetgate.spi.FleetgateStore;
import io.fleetgate.testkit.TestClock;

import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The mixed write load of the reliability tests (issue #8): exclusive-session activations,
 * completions and cancellations for a few drivers, logins of a few users on two devices, and
 * event syncs on a few shared batches, from any number of threads through any number of store
 * instances on one database. It counts what each call was acknowledged to have written, per
 * kind, and what was refused with which code; {@link #verify} then checks the tables against
 * those counts and the invariants (at most one ACTIVE exclusive session per driver, at most one
 * current device session per user, every batch's status and version a replay of its log).
 *
 * <p>An operation that fails with {@code STORE_UNAVAILABLE} may or may not have committed (the
 * connection can die after the commit, before its answer): such operations are counted as
 * unknown, and the checks allow their writes to be there or not. Thread-safe.
 */
final class MixedWorkload {
    static final int DRIVERS = 6;
    static final int USERS = 4;
    static final int BATCHES = 4;
    private static final Coordinate CHARGER_AT = Coordinate.of(30.2672, -97.7431);
    private static final List<Stop> STOPS = List.of(
            Stop.of(30.27, -97.74, 100), Stop.of(30.28, -97.74, 100), Stop.of(30.29, -97.74, 100));
    private static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final DriverEventType[] MOVES = {DriverEventType.ARRIVED_AT_STOP, DriverEventType.DEPARTED_STOP,
            DriverEventType.DELAY_REPORTED, DriverEventType.ROUTE_RESUMED, DriverEventType.PROOF_CAPTURED};

    /** What one call was; READ (finding the session to finish) writes nothing. */
    enum Kind { ACTIVATE, COMPLETE, CANCEL, LOGIN, SYNC, READ }

    /** The services of one store instance. */
    record Instance(ExclusiveSessionService exclusive, SessionService sessions, DriverExecutionService execution) {
    }

    private final TestClock clock = TestClock.standard();
    private final Map<Kind, AtomicLong> acknowledged = counters();
    private final Map<Kind, AtomicLong> unknown = counters();
    private final Map<ErrorCode, AtomicLong> refusals = new ConcurrentHashMap<>();
    private final AtomicLong acceptedEvents = new AtomicLong();
    private final AtomicLong rejectedEvents = new AtomicLong();
    private final AtomicLong unknownEvents = new AtomicLong();
    private final Set<String> loginSessions = ConcurrentHashMap.newKeySet();
    private final Set<String> activations = ConcurrentHashMap.newKeySet();
    private final Set<String> acceptedIds = ConcurrentHashMap.newKeySet();
    private final Set<ErrorCode> allowed;

    /**
     * @param allowed the refusal codes a call may end with; any other fails the calling thread
     */
    MixedWorkload(Set<ErrorCode> allowed) {
        this.allowed = Set.copyOf(allowed);
    }

    private static Map<Kind, AtomicLong> counters() {
        Map<Kind, AtomicLong> m = new EnumMap<>(Kind.class);
        for (Kind k : Kind.values()) {
            m.put(k, new AtomicLong());
        }
        return m;
    }

    /** @return the clock every instance's services share */
    TestClock clock() {
        return clock;
    }

    /** Places, a workspace, users and started batches, written through {@code store}. */
    void seed(FleetgateStore store) {
        store.places().upsertCharger(new Charger("ch_456", "gp_ch_456", CHARGER_AT));
        store.places().upsertMerchant(new Merchant("m_123", "gp_m_123", "Taco Stop"));
        store.workspaces().upsertWorkspace(new Workspace("ws_1", "North depot"));
        CredentialService credentials = TestFleetgates.on(store, clock, FleetgateSettings.defaults()).credentials();
        for (int u = 0; u < USERS; u++) {
            credentials.enrol(Principal.system(), new EnrolRequest("u_" + u, "user" + u, "482193"));
        }
        DriverExecutionService execution = instance(store).execution();
        for (int b = 0; b < BATCHES; b++) {
            execution.createBatch(Principal.system(), new CreateBatchRequest("b_" + b, "ws_1", "e_" + b, STOPS, Map.of()));
            EventOutcome started = execution.record(Principal.driver("e_" + b), DriverEventRequest.of(
                    "start-" + b, "b_" + b, DriverEventType.ROUTE_STARTED, clock.instant().minusSeconds(3_600)));
            assertThat(started.result()).isEqualTo(EventOutcome.Result.ACCEPTED);
        }
    }

    /** @return the services on {@code store}, sharing this workload's clock */
    Instance instance(FleetgateStore store) {
        FleetgateSettings settings = FleetgateSettings.defaults().withSessions(s -> s.withSigningSecret(SECRET));
        return new Instance(
                TestFleetgates.on(store, clock, FleetgateSettings.defaults()).exclusive(),
                TestFleetgates.on(store, clock, settings).sessions(),
                TestFleetgates.on(store, clock, settings).execution());
    }

    /**
     * Runs one random call and counts its outcome.
     *
     * @param on the services to call
     * @param r  the calling thread's seeded source
     * @return what the call was (the last call, when it took two)
     */
    Kind step(Instance on, Random r) {
        int pick = r.nextInt(10);
        if (pick < 4) {
            Principal.Driver driver = Principal.driver("x_" + r.nextInt(DRIVERS));
            List<Optional<ExclusiveSession>> found = new ArrayList<>(List.of(Optional.empty()));
            if (pick >= 2 && call(Kind.READ, () -> found.set(0, on.exclusive().active(driver, false))) == null) {
                return Kind.READ;
            }
            Optional<ExclusiveSession> active = found.get(0);
            if (active.isEmpty()) {
                call(Kind.ACTIVATE, () -> activations.add(on.exclusive().activate(driver,
                        ActivateRequest.of("m_123", "ch_456", 30.2682, -97.7431).withAccuracy(12.5)).id()));
                return Kind.ACTIVATE;
            }
            Kind kind = r.nextBoolean() ? Kind.COMPLETE : Kind.CANCEL;
            call(kind, () -> {
                if (kind == Kind.COMPLETE) {
                    on.exclusive().complete(driver, active.get().id());
                } else {
                    on.exclusive().cancel(driver, active.get().id());
                }
            });
            return kind;
        }
        if (pick < 6) {
            call(Kind.LOGIN, () -> loginSessions.add(on.sessions().login(Principal.system(),
                    new LoginRequest("user" + r.nextInt(USERS), "482193", "device-" + r.nextInt(2))).session().id()));
            return Kind.LOGIN;
        }
        int b = r.nextInt(BATCHES);
        List<DriverEventRequest> events = new ArrayList<>();
        int n = 1 + r.nextInt(3);
        for (int i = 0; i < n; i++) {
            DriverEventType type = MOVES[r.nextInt(MOVES.length)];
            DriverEventRequest e = DriverEventRequest.of(UUID.randomUUID().toString(), "b_" + b, type,
                    clock.instant().minusSeconds(r.nextInt(3_000)));
            events.add(type == DriverEventType.ARRIVED_AT_STOP ? e.stop(r.nextInt(STOPS.size())) : e);
        }
        call(Kind.SYNC, () -> {
            try {
                for (EventOutcome o : on.execution().sync(Principal.driver("e_" + b), events)) {
                    assertThat(o.result()).as(String.valueOf(o)).isNotEqualTo(EventOutcome.Result.DUPLICATE);
                    (o.result() == EventOutcome.Result.ACCEPTED ? acceptedEvents : rejectedEvents).incrementAndGet();
                    if (o.result() == EventOutcome.Result.ACCEPTED) {
                        acceptedIds.add(o.eventId());
                    }
                }
            } catch (FleetgateException e) {
                if (e.code() == ErrorCode.STORE_UNAVAILABLE) {
                    unknownEvents.addAndGet(events.size());
                }
                throw e;
            }
        });
        return Kind.SYNC;
    }

    /** @return {@code kind}, or {@code null} if the call was refused */
    private Kind call(Kind kind, Runnable work) {
        try {
            work.run();
            acknowledged.get(kind).incrementAndGet();
            return kind;
        } catch (FleetgateException e) {
            assertThat(e.code()).as("%s: %s", kind, e).isIn(allowed);
            for (Throwable t = e; t != null; t = t.getCause()) {
                assertThat(String.valueOf(t.getMessage())).as("%s: %s", kind, e).doesNotContain("SQLITE_BUSY");
            }
            refusals.computeIfAbsent(e.code(), c -> new AtomicLong()).incrementAndGet();
            if (e.code() == ErrorCode.STORE_UNAVAILABLE) {
                unknown.get(kind).incrementAndGet();
            }
            return null;
        }
    }

    /** @return how many calls of each kind were acknowledged */
    Map<Kind, Long> acknowledged() {
        return snapshot(acknowledged);
    }

    /** @return how many calls of each kind failed with STORE_UNAVAILABLE (written or not) */
    Map<Kind, Long> unknown() {
        return snapshot(unknown);
    }

    /** @return how many calls were refused, by code */
    Map<ErrorCode, Long> refusals() {
        Map<ErrorCode, Long> out = new EnumMap<>(ErrorCode.class);
        refusals.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    private static Map<Kind, Long> snapshot(Map<Kind, AtomicLong> m) {
        Map<Kind, Long> out = new EnumMap<>(Kind.class);
        m.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    @Override
    public String toString() {
        return "acknowledged " + acknowledged() + ", unknown " + unknown() + ", refused " + refusals()
                + ", events accepted " + acceptedEvents + " rejected " + rejectedEvents + " unknown " + unknownEvents;
    }

    /**
     * Checks the database against the counts: exactly, when no call ended unknown; otherwise
     * every acknowledged write is there and nothing beyond the unknown calls' writes is.
     *
     * @param ds    the database, read as the system
     * @param reads services to read the batches' logs through
     * @throws SQLException if a count fails
     */
    void verify(DataSource ds, Instance reads) throws SQLException {
        String c = toString();
        Map<Kind, Long> ack = acknowledged();
        Map<Kind, Long> unk = unknown();
        long sessions = count(ds, "SELECT count(*) FROM exclusive_sessions");
        long completed = count(ds, "SELECT count(*) FROM exclusive_sessions WHERE status = 'COMPLETED'");
        long canceled = count(ds, "SELECT count(*) FROM exclusive_sessions WHERE status = 'CANCELED'");
        long active = count(ds, "SELECT count(*) FROM exclusive_sessions WHERE status = 'ACTIVE'");
        assertThat(count(ds, "SELECT count(*) FROM (SELECT driver_id FROM exclusive_sessions WHERE status = 'ACTIVE' "
                + "GROUP BY driver_id HAVING count(*) > 1) t")).as("two ACTIVE sessions for one driver; " + c).isZero();
        assertThat(sessions).as("exclusive sessions = activations; " + c)
                .isBetween(ack.get(Kind.ACTIVATE), ack.get(Kind.ACTIVATE) + unk.get(Kind.ACTIVATE));
        assertThat(completed).as("completed; " + c)
                .isBetween(ack.get(Kind.COMPLETE), ack.get(Kind.COMPLETE) + unk.get(Kind.COMPLETE));
        assertThat(canceled).as("canceled; " + c)
                .isBetween(ack.get(Kind.CANCEL), ack.get(Kind.CANCEL) + unk.get(Kind.CANCEL));
        assertThat(active).as("active; " + c).isEqualTo(sessions - completed - canceled);

        long deviceSessions = count(ds, "SELECT count(*) FROM driver_sessions");
        assertThat(deviceSessions).as("device sessions = distinct sessions logins returned; " + c)
                .isBetween((long) loginSessions.size(), (long) loginSessions.size() + unk.get(Kind.LOGIN));
        assertThat(count(ds, "SELECT count(*) FROM (SELECT user_id FROM driver_sessions WHERE invalidated_at IS NULL "
                + "GROUP BY user_id HAVING count(*) > 1) t")).as("two current device sessions for one user; " + c).isZero();

        assertThat(ids(ds, "SELECT id FROM exclusive_sessions")).as("acknowledged activations; " + c).containsAll(activations);
        assertThat(ids(ds, "SELECT id FROM driver_sessions")).as("acknowledged logins; " + c).containsAll(loginSessions);
        assertThat(ids(ds, "SELECT event_id FROM driver_events")).as("acknowledged events; " + c).containsAll(acceptedIds);

        long events = count(ds, "SELECT count(*) FROM driver_events");
        long quarantined = count(ds, "SELECT count(*) FROM quarantined_events");
        assertThat(events).as("events = the starts and the accepted; " + c)
                .isBetween(BATCHES + acceptedEvents.get(), BATCHES + acceptedEvents.get() + unknownEvents.get());
        assertThat(quarantined).as("quarantine = the rejected; " + c)
                .isBetween(rejectedEvents.get(), rejectedEvents.get() + unknownEvents.get());
        assertThat(events + quarantined - BATCHES).as("each event is in the log or the quarantine; " + c)
                .isLessThanOrEqualTo(acceptedEvents.get() + rejectedEvents.get() + unknownEvents.get());
        for (int b = 0; b < BATCHES; b++) {
            Batch batch = reads.execution().batch(Principal.system(), "b_" + b);
            List<DriverEvent> log = reads.execution().log(Principal.system(), "b_" + b);
            assertThat(batch.version()).as("b_%d: one event per version; %s", b, c).isEqualTo(log.size());
            assertThat(replay(log)).as("b_%d: status is the replay of its log; %s", b, c).isEqualTo(batch.status());
        }
    }

    /** Folds the state machine over a log, checking versions and statuses are contiguous. */
    static DriverStatus replay(List<DriverEvent> log) {
        DriverStatus s = DriverStatus.INACTIVE;
        for (int i = 0; i < log.size(); i++) {
            DriverEvent e = log.get(i);
            assertThat(e.batchVersion()).as("version of %s", e.eventId()).isEqualTo(i + 1);
            assertThat(e.previousStatus()).as("start of %s", e.eventId()).isEqualTo(s);
            DriverStateMachine.Decision d = DriverStateMachine.standard().decide(s, e.type(),
                    e.type() == DriverEventType.SUPERVISOR_OVERRIDE ? e.status() : null);
            assertThat(d.allowed()).as(d.toString()).isTrue();
            s = d.to();
            assertThat(e.status()).as("end of %s", e.eventId()).isEqualTo(s);
        }
        return s;
    }

    private static Set<String> ids(DataSource ds, String sql) throws SQLException {
        return PostgresFixture.asSystem(ds, conn -> {
            Set<String> out = new java.util.HashSet<>();
            try (PreparedStatement st = conn.prepareStatement(sql); ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        });
    }

    private static long count(DataSource ds, String sql) throws SQLException {
        return PostgresFixture.asSystem(ds, conn -> {
            try (PreparedStatement st = conn.prepareStatement(sql); ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }
}
