package io.fleetgate.store.jdbc;

import io.fleetgate.Principal;
import io.fleetgate.error.ErrorCode;
import io.fleetgate.error.FleetgateException;
import io.fleetgate.exclusive.ActivateRequest;
import io.fleetgate.exclusive.ExclusiveSession;
import io.fleetgate.exclusive.ExclusiveSessionStatus;
import io.fleetgate.execution.CreateBatchRequest;
import io.fleetgate.execution.DriverEventRequest;
import io.fleetgate.execution.DriverEventType;
import io.fleetgate.execution.EventOutcome;
import io.fleetgate.execution.Stop;
import io.fleetgate.session.LoginRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What a connection lost in the middle of a write does, made exact by a {@code DataSource} that
 * loses the connection on cue: before the commit nothing was applied and the unit runs again;
 * while committing the outcome is unknown, so a write that can look for itself (an activation,
 * a sync) looks and answers with what landed, and any other answers {@code STORE_UNAVAILABLE}
 * saying it may have been applied. Never a second copy, never a lost acknowledged write.
 */
class LostConnectionTest {
    private final SqliteFixture fixture = new SqliteFixture();
    private final Faults faults = new Faults();
    private JdbcStore base;
    private JdbcStore store;
    private MixedWorkload.Instance services;
    private MixedWorkload load;

    @BeforeEach
    void open() {
        base = JdbcStore.builder().sqlite(fixture.file()).build();
        load = new MixedWorkload(java.util.Set.of());
        load.seed(base);
        store = JdbcStore.builder().dataSource(faults.wrap(base.dataSource())).migrate(false).build();
        services = load.instance(store);
    }

    @AfterEach
    void close() {
        store.close();
        base.close();
        fixture.close();
    }

    @Test
    void activateWhenConnectionLostAfterCommitThenAnswersWithTheStoredSession() {
        faults.arm(Fault.LOSE_AFTER_COMMIT, 1);
        ExclusiveSession s = activate("x_1");
        assertThat(faults.injected()).isEqualTo(1);
        assertThat(s.status()).isEqualTo(ExclusiveSessionStatus.ACTIVE);
        assertThat(count("SELECT count(*) FROM exclusive_sessions WHERE driver_id = 'x_1'")).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM exclusive_sessions WHERE id = '" + s.id() + "'")).isEqualTo(1);
    }

    @Test
    void activateWhenConnectionLostInsteadOfCommitThenRunsAgainAndStoresOnce() {
        faults.arm(Fault.LOSE_INSTEAD_OF_COMMIT, 1);
        ExclusiveSession s = activate("x_2");
        assertThat(faults.injected()).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM exclusive_sessions WHERE driver_id = 'x_2'")).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM exclusive_sessions WHERE id = '" + s.id() + "'")).isEqualTo(1);
    }

    @Test
    void activateWhenConnectionLostMidUnitThreeTimesThenRunsAgainOnAnother() {
        faults.arm(Fault.LOSE_ON_STATEMENT, 3);
        ExclusiveSession s = activate("x_3");
        assertThat(faults.injected()).isEqualTo(3);
        assertThat(count("SELECT count(*) FROM exclusive_sessions WHERE id = '" + s.id() + "'")).isEqualTo(1);
    }

    @Test
    void activateWhenConnectionLostMidUnitFourTimesThenUnavailableAndNothingStored() {
        faults.arm(Fault.LOSE_ON_STATEMENT, 4);
        assertThatThrownBy(() -> activate("x_4"))
                .isInstanceOfSatisfying(FleetgateException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.STORE_UNAVAILABLE));
        assertThat(faults.injected()).isEqualTo(4);
        assertThat(count("SELECT count(*) FROM exclusive_sessions WHERE driver_id = 'x_4'")).isZero();
    }

    @Test
    void activateWhenConnectionLostAfterCommitAndTheCheckLosesItToThenStillAnswersWithTheStoredSession() {
        faults.arm(Fault.LOSE_AFTER_COMMIT, 1).arm(Fault.LOSE_ON_ANY_STATEMENT, 2);
        ExclusiveSession s = activate("x_6");
        assertThat(faults.injected()).isEqualTo(3);
        assertThat(count("SELECT count(*) FROM exclusive_sessions WHERE driver_id = 'x_6'")).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM exclusive_sessions WHERE id = '" + s.id() + "'")).isEqualTo(1);
    }

    @Test
    void activateWhenConnectionLostAfterCommitAndNoConnectionToBeHadThenUnavailableAfterOneTrySayingItMayHaveBeenApplied() {
        // a failover under way: the check waited a whole connection timeout for none, so it does not wait again
        faults.arm(Fault.LOSE_AFTER_COMMIT, 1).arm(Fault.REFUSE_CONNECTION, 3);
        assertThatThrownBy(() -> activate("x_7"))
                .isInstanceOfSatisfying(FleetgateException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.STORE_UNAVAILABLE);
                    assertThat(e.getMessage()).contains("cannot be reached").contains("may have been applied");
                });
        assertThat(faults.injected()).as("the lost commit and one refused connection").isEqualTo(2);
        assertThat(count("SELECT count(*) FROM exclusive_sessions WHERE driver_id = 'x_7'"))
                .as("it was applied: the answer said it may have been").isEqualTo(1);
    }

    @Test
    void exclusivelyWhenConnectionLostUnderTheLockThenTheBodyRunsAgainOnAnother() {
        String id = UUID.randomUUID().toString();
        faults.arm(Fault.LOSE_ON_WRITE, 2);
        List<EventOutcome> out = store.exclusively(List.of("batch:b_1"), () -> services.execution().sync(
                Principal.driver("e_1"), List.of(DriverEventRequest.of(id, "b_1", DriverEventType.DELAY_REPORTED,
                        load.clock().instant().minusSeconds(60)))));
        assertThat(faults.injected()).isEqualTo(2);
        assertThat(out).extracting(EventOutcome::result).containsExactly(EventOutcome.Result.ACCEPTED);
        assertThat(count("SELECT count(*) FROM driver_events WHERE event_id = '" + id + "'")).isEqualTo(1);
    }

    @Test
    void syncWhenConnectionLostAfterCommitThenAcceptedOnceAndBatchMovedOnce() {
        long versionBefore = count("SELECT version FROM delivery_batches WHERE id = 'b_0'");
        String id = UUID.randomUUID().toString();
        faults.arm(Fault.LOSE_AFTER_COMMIT, 1);
        List<EventOutcome> out = services.execution().sync(Principal.driver("e_0"), List.of(
                DriverEventRequest.of(id, "b_0", DriverEventType.DELAY_REPORTED, load.clock().instant().minusSeconds(60))));
        assertThat(faults.injected()).isEqualTo(1);
        assertThat(out).extracting(EventOutcome::result).containsExactly(EventOutcome.Result.ACCEPTED);
        assertThat(count("SELECT count(*) FROM driver_events WHERE event_id = '" + id + "'")).isEqualTo(1);
        assertThat(count("SELECT version FROM delivery_batches WHERE id = 'b_0'")).isEqualTo(versionBefore + 1);
    }

    @Test
    void syncWhenAReadTheDecisionNeedsFailsThenUnavailableWithNothingStoredNotARejectedEvent() {
        // ROUTE_STARTED of a batch not on route reads the driver's other batches on route (find_in_progress)
        services.execution().createBatch(Principal.system(), new CreateBatchRequest("b_fresh", "ws_1", "e_fresh",
                List.of(Stop.of(30.2672, -97.7431, 100)), java.util.Map.of()));
        String id = UUID.randomUUID().toString();
        faults.arm(Fault.LOSE_ON_IN_PROGRESS_READ, 1);
        assertThatThrownBy(() -> services.execution().sync(Principal.driver("e_fresh"), List.of(DriverEventRequest.of(
                id, "b_fresh", DriverEventType.ROUTE_STARTED, load.clock().instant().minusSeconds(60)))))
                .isInstanceOfSatisfying(FleetgateException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.STORE_UNAVAILABLE));
        assertThat(faults.injected()).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM driver_events WHERE event_id = '" + id + "'")).isZero();
        assertThat(count("SELECT count(*) FROM quarantined_events WHERE event_id = '" + id + "'"))
                .as("not kept as refused: nothing was decided about it").isZero();
        assertThat(services.execution().sync(Principal.driver("e_fresh"), List.of(DriverEventRequest.of(
                id, "b_fresh", DriverEventType.ROUTE_STARTED, load.clock().instant().minusSeconds(60)))))
                .as("sent again once the store answers").extracting(EventOutcome::result)
                .containsExactly(EventOutcome.Result.ACCEPTED);
    }

    @Test
    void loginWhenConnectionLostAfterCommitThenUnavailableSayingItMayHaveBeenApplied() {
        faults.arm(Fault.LOSE_AFTER_COMMIT, 1);
        assertThatThrownBy(() -> services.sessions().login(Principal.system(),
                new LoginRequest("user0", "482193", "device-0")))
                .isInstanceOfSatisfying(FleetgateException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.STORE_UNAVAILABLE);
                    assertThat(e.getMessage()).contains("may have been applied");
                });
        assertThat(faults.injected()).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM driver_sessions WHERE user_id = 'u_0' AND invalidated_at IS NULL")).isEqualTo(1);
    }

    private ExclusiveSession activate(String driver) {
        return services.exclusive().activate(Principal.driver(driver),
                ActivateRequest.of("m_123", "ch_456", 30.2682, -97.7431).withAccuracy(12.5));
    }

    private long count(String sql) {
        try (Connection c = base.dataSource().getConnection();
             var rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    enum Fault {
        /** commit, then lose the connection before its answer */
        LOSE_AFTER_COMMIT,
        /** roll back, then lose the connection: the commit never happened */
        LOSE_INSTEAD_OF_COMMIT,
        /** lose the connection when a statement is prepared inside a transaction */
        LOSE_ON_STATEMENT,
        /** lose the connection when any statement is prepared */
        LOSE_ON_ANY_STATEMENT,
        /** lose the connection when an INSERT or UPDATE is prepared inside a transaction */
        LOSE_ON_WRITE,
        /** no connection to be had: getConnection fails (the pool's connection timeout passed) */
        REFUSE_CONNECTION,
        /** lose the connection when the read of a driver's batches on route is prepared */
        LOSE_ON_IN_PROGRESS_READ
    }

    /** Wraps a DataSource so that its connections fail as armed, stage after stage, then behave. */
    static final class Faults {
        private final java.util.Deque<Fault> stages = new java.util.ArrayDeque<>();
        private final AtomicInteger injected = new AtomicInteger();

        /** Adds {@code times} failures of kind {@code f} after those armed before. */
        synchronized Faults arm(Fault f, int times) {
            for (int i = 0; i < times; i++) {
                stages.addLast(f);
            }
            return this;
        }

        int injected() {
            return injected.get();
        }

        private synchronized boolean fire(Fault f) {
            if (stages.peekFirst() != f) {
                return false;
            }
            stages.removeFirst();
            injected.incrementAndGet();
            return true;
        }

        private static SQLException lost() {
            return new SQLNonTransientConnectionException("connection lost (injected)", "08006");
        }

        DataSource wrap(DataSource real) {
            return proxy(DataSource.class, (self, m, args) -> {
                if (m.getName().equals("getConnection") && fire(Fault.REFUSE_CONNECTION)) {
                    throw new java.sql.SQLTransientConnectionException("no connection available (injected)", "08001");
                }
                Object result = invoke(real, m, args);
                return m.getName().equals("getConnection") ? connection((Connection) result) : result;
            });
        }

        private Connection connection(Connection real) {
            // After a loss mid-transaction everything but close fails, and not always saying why
            // (PostgreSQL's driver can report the aborted transaction rather than the connection).
            boolean[] dead = {false};
            return proxy(Connection.class, (self, m, args) -> {
                if (dead[0] && !m.getName().equals("close") && !m.getName().equals("isClosed")) {
                    throw new SQLException("current transaction is aborted (injected)", "25P02");
                }
                switch (m.getName()) {
                    case "commit" -> {
                        if (fire(Fault.LOSE_AFTER_COMMIT)) {
                            real.commit();
                            throw lost();
                        }
                        if (fire(Fault.LOSE_INSTEAD_OF_COMMIT)) {
                            real.rollback();
                            throw lost();
                        }
                    }
                    case "prepareStatement" -> {
                        if (!real.getAutoCommit() && fire(Fault.LOSE_ON_STATEMENT)) {
                            real.rollback();
                            dead[0] = true;
                            throw lost();
                        }
                        if (fire(Fault.LOSE_ON_ANY_STATEMENT)) {
                            throw lost();
                        }
                        String sql = String.valueOf(args[0]).strip().toUpperCase(java.util.Locale.ROOT);
                        if (sql.contains("DRIVER_STATUS IN ('EN_ROUTE', 'AT_STOP', 'DELAYED')")
                                && fire(Fault.LOSE_ON_IN_PROGRESS_READ)) {
                            throw lost();
                        }
                        if (!real.getAutoCommit() && (sql.startsWith("INSERT") || sql.startsWith("UPDATE"))
                                && fire(Fault.LOSE_ON_WRITE)) {
                            real.rollback();
                            dead[0] = true;
                            throw lost();
                        }
                    }
                    default -> {
                    }
                }
                return invoke(real, m, args);
            });
        }

        private static Object invoke(Object target, java.lang.reflect.Method m, Object[] args) throws Throwable {
            try {
                return m.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }

        @SuppressWarnings("unchecked")
        private static <T> T proxy(Class<T> type, InvocationHandler handler) {
            return (T) Proxy.newProxyInstance(LostConnectionTest.class.getClassLoader(), new Class<?>[]{type}, handler);
        }
    }
}
