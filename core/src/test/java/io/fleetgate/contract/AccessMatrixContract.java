package io.fleetgate.contract;
import io.fleetgate.testkit.TestFleetgates;

import io.fleetgate.FleetgateSettings;
import io.fleetgate.Principal;
import io.fleetgate.access.AccessService;
import io.fleetgate.access.Membership;
import io.fleetgate.access.Role;
import io.fleetgate.access.Workspace;
import io.fleetgate.error.ErrorCode;
import io.fleetgate.error.FleetgateException;
import io.fleetgate.exclusive.ActivateRequest;
import io.fleetgate.exclusive.Charger;
import io.fleetgate.exclusive.ExclusiveSessionService;
import io.fleetgate.exclusive.Merchant;
import io.fleetgate.execution.CreateBatchRequest;
import io.fleetgate.execution.DriverEventRequest;
import io.fleetgate.execution.DriverEventType;
import io.fleetgate.execution.DriverExecutionService;
import io.fleetgate.execution.DriverStatus;
import io.fleetgate.execution.EventOutcome;
import io.fleetgate.execution.Stop;
import io.fleetgate.geo.Coordinate;
import io.fleetgate.session.CredentialService;
import io.fleetgate.session.EnrolRequest;
import io.fleetgate.session.LoginRequest;
import io.fleetgate.internal.PinHasher;
import io.fleetgate.session.SessionService;
import io.fleetgate.supervisor.SupervisorService;
import io.fleetgate.testkit.StoreContract;
import io.fleetgate.testkit.TestClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every public service operation on one driver's resources (ana's batch b_1, her exclusive
 * session, her device session) against five callers: the owner driver, another driver of the same
 * workspace, a supervisor of the workspace, a supervisor of another workspace, and a member.
 * Run against every store by a thin subclass.
 */
public abstract class AccessMatrixContract extends StoreContract {
    /** What a call may come to. */
    enum Expect {
        /** The call succeeds. */
        ALLOW,
        /** The call succeeds on the caller's own workspace, where it finds nothing of ana's. */
        ALLOW_EMPTY,
        /** The caller may, but this batch is on route, so the state rules refuse it. */
        ALLOW_OR_ON_ROUTE,
        /** Refused: the role may not. */
        FORBIDDEN,
        /** Refused as if it did not exist. */
        NOT_FOUND
    }

    static final Principal OWNER = Principal.driver("d_ana");
    static final Principal OTHER_DRIVER = Principal.driver("d_ben");
    static final Principal SUPERVISOR = Principal.supervisor("s_sam", "ws_1");
    static final Principal OTHER_SUPERVISOR = Principal.supervisor("s_oz", "ws_2");
    static final Principal MEMBER = Principal.member("u_mia", "ws_1");
    static final List<Principal> CALLERS = List.of(OWNER, OTHER_DRIVER, SUPERVISOR, OTHER_SUPERVISOR, MEMBER);

    /** One operation and its expected outcome for each caller, in {@link #CALLERS} order. */
    record Operation(String name, Call call, Expect... expected) {
    }

    @FunctionalInterface
    interface Call {
        void run(World w, Principal p);
    }

    /** The services and the ids of the resources under test. */
    static final class World {
        AccessService access;
        ExclusiveSessionService exclusive;
        DriverExecutionService execution;
        SupervisorService supervisor;
        SessionService sessions;
        CredentialService credentials;
        String exclusiveSessionId;
        String flaggedEventId;
    }

    private World world;

    @BeforeEach
    void buildWorld() {
        TestClock clock = TestClock.standard();
        FleetgateSettings settings = FleetgateSettings.defaults().withSessions(s -> s.withSigningSecret("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII)));
        World w = new World();
        w.access = TestFleetgates.on(store(), java.time.Clock.systemUTC()).access();
        w.exclusive = TestFleetgates.on(store(), clock, FleetgateSettings.defaults()).exclusive();
        w.execution = TestFleetgates.on(store(), clock, settings).execution();
        w.supervisor = TestFleetgates.on(store(), clock, settings).supervisor();
        w.sessions = TestFleetgates.on(store(), clock, settings, PinHasher.forTestsOnlyWeak()).sessions();
        w.credentials = TestFleetgates.on(store(), clock, FleetgateSettings.defaults(), PinHasher.forTestsOnlyWeak()).credentials();
        Principal system = Principal.system();
        w.access.upsertWorkspace(system, new Workspace("ws_1", "North"));
        w.access.upsertWorkspace(system, new Workspace("ws_2", "South"));
        w.access.addMember(system, new Membership("d_ana", "ws_1", Role.DRIVER));
        w.access.addMember(system, new Membership("d_ben", "ws_1", Role.DRIVER));
        w.access.addMember(system, new Membership("s_sam", "ws_1", Role.SUPERVISOR));
        w.access.addMember(system, new Membership("u_mia", "ws_1", Role.MEMBER));
        w.access.addMember(system, new Membership("s_oz", "ws_2", Role.SUPERVISOR));
        w.credentials.enrol(system, new EnrolRequest("d_ana", "ana", "482193"));
        w.sessions.login(system, new LoginRequest("ana", "482193", "phone-1"));
        store().places().upsertCharger(new Charger("ch_1", null, Coordinate.of(30.2672, -97.7431)));
        store().places().upsertMerchant(new Merchant("m_1", null, "Taco Stop"));
        w.exclusiveSessionId = w.exclusive.activate(OWNER, ActivateRequest.of("m_1", "ch_1", 30.2672, -97.7431)).id();
        w.execution.createBatch(system, new CreateBatchRequest("b_1", "ws_1", "d_ana",
                List.of(Stop.of(30.27, -97.74, 100)), null));
        w.execution.record(OWNER, DriverEventRequest.of("e-start", "b_1", DriverEventType.ROUTE_STARTED,
                clock.instant().minusSeconds(60)));
        EventOutcome flagged = w.execution.record(OWNER, DriverEventRequest.of("e-far", "b_1",
                DriverEventType.ARRIVED_AT_STOP, clock.instant().minusSeconds(30)).stop(0).at(30.30, -97.74, 5.0));
        assertThat(flagged.flaggedForReview()).isTrue();
        w.flaggedEventId = "e-far";
        world = w;
    }

    static List<Operation> operations() {
        Expect a = Expect.ALLOW;
        Expect f = Expect.FORBIDDEN;
        Expect n = Expect.NOT_FOUND;
        return List.of(
                new Operation("exclusive.complete", (w, p) -> w.exclusive.complete(p, w.exclusiveSessionId), a, n, f, f, f),
                new Operation("exclusive.cancel", (w, p) -> w.exclusive.cancel(p, w.exclusiveSessionId), a, n, f, f, f),
                new Operation("execution.batch", (w, p) -> w.execution.batch(p, "b_1"), a, n, a, n, a),
                new Operation("execution.events", (w, p) -> w.execution.events(p, "b_1", 10, null), a, n, a, n, a),
                new Operation("execution.log", (w, p) -> w.execution.log(p, "b_1"), a, n, a, n, a),
                new Operation("execution.quarantined", (w, p) -> w.execution.quarantined(p, "b_1"), f, f, a, n, a),
                new Operation("execution.record", (w, p) -> refusedAsException(w.execution.record(p,
                        DriverEventRequest.of("e-new", "b_1", DriverEventType.DELAY_REPORTED,
                                java.time.Instant.parse("2026-11-22T09:59:50Z")))), a, n, f, n, f),
                new Operation("execution.createBatch", (w, p) -> w.execution.createBatch(p,
                        new CreateBatchRequest("b_new", "ws_1", null, List.of(Stop.of(1, 1, 10)), null)), f, f, a, n, f),
                new Operation("execution.assignDriver", (w, p) -> w.execution.assignDriver(p, "b_1", "d_ben"), f, f,
                        Expect.ALLOW_OR_ON_ROUTE, n, f),
                new Operation("supervisor.override", (w, p) -> w.supervisor.override(p, "b_1", DriverStatus.SUSPENDED,
                        "check"), f, f, a, n, f),
                new Operation("supervisor.timeline", (w, p) -> w.supervisor.timeline(p, "b_1"), f, f, a, n, a),
                new Operation("supervisor.reviewQueue", (w, p) -> assertThat(w.supervisor.reviewQueue(p, 10, null)
                        .items().stream().anyMatch(i -> i.id().equals(w.flaggedEventId))).isEqualTo(p != OTHER_SUPERVISOR),
                        f, f, a, Expect.ALLOW_EMPTY, a),
                new Operation("supervisor.review", (w, p) -> w.supervisor.review(p, w.flaggedEventId, "ok"), f, f, a, n, f),
                new Operation("supervisor.statusBoard", (w, p) -> assertThat(w.supervisor.statusBoard(p).stream()
                        .anyMatch(r -> r.driverId().equals("d_ana"))).isEqualTo(p != OTHER_SUPERVISOR),
                        f, f, a, Expect.ALLOW_EMPTY, a),
                new Operation("sessions.invalidateCurrent", (w, p) -> w.sessions.invalidateCurrent(p, "d_ana"), f, f, a, n, f),
                new Operation("credentials.setPin", (w, p) -> w.credentials.setPin(p, "d_ana", "777777"), a, f, a, n, f),
                new Operation("credentials.unlock", (w, p) -> w.credentials.unlock(p, "ana"), f, f, a, n, f),
                new Operation("access.addMember", (w, p) -> w.access.addMember(p,
                        new Membership("d_new", "ws_1", Role.DRIVER)), f, f, a, n, f),
                new Operation("access.removeMember", (w, p) -> w.access.removeMember(p, "d_ben", "ws_1"), f, f, a, n, f),
                new Operation("access.memberships", (w, p) -> assertThat(w.access.memberships(p, "d_ana")).hasSize(
                        p == OTHER_SUPERVISOR || p == OTHER_DRIVER ? 0 : 1), a, a, a, a, a));
    }

    private static void refusedAsException(EventOutcome o) {
        if (o.result() == EventOutcome.Result.REJECTED) {
            throw new RejectedEvent(o.error());
        }
    }

    /** A sync's per-event refusal, thrown so that the matrix sees it like a refused call. */
    private static final class RejectedEvent extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final transient ErrorCode code;

        RejectedEvent(ErrorCode code) {
            super(code.name(), null, false, false);
            this.code = code;
        }
    }

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (Operation op : operations()) {
            for (int i = 0; i < CALLERS.size(); i++) {
                out.add(Arguments.of(op.name(), callerName(i), i, op.expected()[i]));
            }
        }
        return out.stream();
    }

    private static String callerName(int i) {
        return List.of("owner driver", "other driver", "supervisor", "other workspace's supervisor", "member").get(i);
    }

    @ParameterizedTest(name = "{0} by {1} → {3}")
    @MethodSource("cases")
    void operationWhenCalledByEachKindOfCallerThenAllowedOrRefusedAsTheRulesSay(String op, String who, int caller,
                                                                               Expect expected) {
        Operation operation = operations().stream().filter(o -> o.name().equals(op)).findFirst().orElseThrow();
        Principal p = CALLERS.get(caller);
        ErrorCode refused = null;
        try {
            operation.call().run(world, p);
        } catch (FleetgateException e) {
            refused = e.code();
        } catch (RejectedEvent e) {
            refused = e.code;
        }
        Map<Expect, ErrorCode> codes = Map.of(Expect.FORBIDDEN, ErrorCode.FORBIDDEN, Expect.NOT_FOUND, ErrorCode.NOT_FOUND);
        if (expected == Expect.ALLOW || expected == Expect.ALLOW_EMPTY) {
            assertThat(refused).as("%s by %s", op, who).isNull();
        } else if (expected == Expect.ALLOW_OR_ON_ROUTE) {
            assertThat(refused).as("%s by %s: allowed, but the batch is on route", op, who)
                    .isEqualTo(ErrorCode.INVALID_TRANSITION);
        } else {
            assertThat(refused).as("%s by %s", op, who).isEqualTo(codes.get(expected));
        }
    }
}
