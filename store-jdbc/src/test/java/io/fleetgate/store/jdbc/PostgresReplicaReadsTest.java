package io.fleetgate.store.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.fleetgate.Fleetgate;
import io.fleetgate.Principal;
import io.fleetgate.access.Membership;
import io.fleetgate.access.Role;
import io.fleetgate.access.Workspace;
import io.fleetgate.execution.Batch;
import io.fleetgate.execution.DriverStatus;
import io.fleetgate.execution.Stop;
import io.fleetgate.internal.StaleReads;
import io.fleetgate.supervisor.Change;
import io.fleetgate.supervisor.ChangePage;
import io.fleetgate.supervisor.DriverBoardRow;
import io.fleetgate.testkit.TestFleetgates;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;
import javax.sql.DataSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reads on a replica (issue #19 item 3) against a replica that lags, simulated exactly: the
 * "replica" is the same schema read through a snapshot the primary exported earlier
 * ({@code pg_export_snapshot()}, imported by every replica transaction), which is what a streaming
 * standby shows, the primary as it was some commits ago. Three batches (three BATCH changes) are
 * on it; three more, a driver member and more are only on the primary.
 *
 * <p>What must hold: the reads a service allows to lag (board, review queue, event pages, feed
 * pages) come from the replica, everything else from the primary; writes never go there; a feed
 * walked page by page gets every change once, in order, whether its cursor is behind the replica's
 * tail, at it, or ahead of it (a cursor the primary handed out); a replica out of reach falls back
 * to the primary.
 */
class PostgresReplicaReadsTest {
    private static final Instant T0 = Instant.parse("2026-12-07T09:00:00Z");

    private final PostgresFixture fixture = new PostgresFixture();
    private final List<AutoCloseable> closing = new ArrayList<>();
    private Connection snapshotHolder;
    private HikariDataSource replicaPool;
    private JdbcStore store;

    @BeforeEach
    void lagBehindThreeBatches() throws SQLException {
        JdbcStore primary = fixture.store();
        primary.workspaces().upsertWorkspace(new Workspace("ws_1", "North"));
        primary.workspaces().upsertMembership(new Membership("d_ana", "ws_1", Role.DRIVER));
        for (int i = 1; i <= 3; i++) {
            assertThat(primary.batches().insertBatch(batch("b_" + i, "d_ana"))).isTrue();
        }
        snapshotHolder = fixture.ownerDataSource().getConnection();
        snapshotHolder.setAutoCommit(false);
        String snapshot;
        try (Statement st = snapshotHolder.createStatement()) {
            st.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
            try (ResultSet rs = st.executeQuery("SELECT pg_export_snapshot()")) {
                rs.next();
                snapshot = rs.getString(1);
            }
        }
        // only on the primary from here on
        primary.workspaces().upsertMembership(new Membership("d_ben", "ws_1", Role.DRIVER));
        for (int i = 4; i <= 6; i++) {
            assertThat(primary.batches().insertBatch(batch("b_" + i, "d_ben"))).isTrue();
        }
        replicaPool = pool();
        store = fixture.builder().replica(new AsOfSnapshot(replicaPool, snapshot)).build();
        closing.add(store);
    }

    @AfterEach
    void close() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
        if (replicaPool != null) {
            replicaPool.close();
        }
        if (snapshotHolder != null) {
            snapshotHolder.rollback();
            snapshotHolder.close();
        }
        fixture.close();
    }

    @Test
    void readsMarkedStaleComeFromTheReplicaAndEveryOtherReadAndWriteFromThePrimary() {
        assertThat(StaleReads.allow(() -> store.batches().findBatchesInWorkspace("ws_1"))).extracting(Batch::id)
                .as("a read allowed to lag: the replica").containsExactlyInAnyOrder("b_1", "b_2", "b_3");
        assertThat(store.batches().findBatchesInWorkspace("ws_1")).as("any other read: the primary").hasSize(6);

        StaleReads.allow(() -> store.batches().insertBatch(batch("b_7", "d_ben")));
        assertThat(store.batches().findBatchesInWorkspace("ws_1")).as("a write, even in a stale call: the primary")
                .extracting(Batch::id).contains("b_7");
        assertThat(store.exclusively(List.of("batch:b_1"),
                () -> StaleReads.allow(() -> store.batches().findBatchesInWorkspace("ws_1"))))
                .as("inside an exclusive section: the primary").hasSize(7);
    }

    @Test
    void feedPagesWalkedFromTheStartGetEveryChangeOnceInOrderWhereverTheCursorIsAgainstTheReplica() {
        List<Change> all = store.changes().findChanges("ws_1", null, 0, 100);
        assertThat(all).as("on the primary").hasSize(6);
        long replicaTail = all.get(2).seq();

        List<Long> walked = new ArrayList<>();
        long after = 0;
        for (int page = 0; page < 10; page++) {
            long from = after;
            List<Change> changes = StaleReads.allow(() -> store.changes().findChanges("ws_1", null, from, 2));
            if (changes.isEmpty()) {
                break;
            }
            changes.forEach(c -> walked.add(c.seq()));
            after = changes.get(changes.size() - 1).seq();
        }
        assertThat(walked).as("every change once, in order: the first page from the replica, the replica's "
                + "tail and what it lacks from the primary").containsExactlyElementsOf(all.stream().map(Change::seq).toList());

        assertThat(StaleReads.allow(() -> store.changes().findChanges("ws_1", null, replicaTail, 2)))
                .as("a cursor at the replica's tail: the primary's next changes, not an empty page")
                .extracting(Change::seq).containsExactly(all.get(3).seq(), all.get(4).seq());
        assertThat(StaleReads.allow(() -> store.changes().findChanges("ws_1", null, all.get(4).seq(), 2)))
                .as("a cursor ahead of the replica's tail (handed out by the primary)")
                .extracting(Change::seq).containsExactly(all.get(5).seq());
    }

    @Test
    void throughTheServicesTheBoardLagsAndTheFeedFromThePrimarysHeadSkipsNothing() {
        Fleetgate fg = TestFleetgates.on(store, Clock.systemUTC());
        Principal supervisor = Principal.supervisor("s_1", "ws_1");

        assertThat(fg.supervisor().statusBoard(supervisor)).extracting(DriverBoardRow::driverId)
                .as("the board, from the replica: d_ben joined after it").containsExactly("d_ana");

        List<Change> all = store.changes().findChanges("ws_1", null, 0, 100);
        ChangePage first = fg.changes().changes(supervisor, null, null, 2);
        assertThat(first.changes()).extracting(Change::seq).containsExactly(all.get(0).seq(), all.get(1).seq());
        String head = fg.changes().head(supervisor, null);
        assertThat(fg.changes().changes(supervisor, null, head, 10).changes())
                .as("the primary's head, three changes ahead of the replica: accepted, nothing after it").isEmpty();
        List<Long> walked = new ArrayList<>();
        String cursor = first.cursor();
        first.changes().forEach(c -> walked.add(c.seq()));
        for (int page = 0; page < 10; page++) {
            ChangePage p = fg.changes().changes(supervisor, null, cursor, 2);
            if (p.changes().isEmpty()) {
                break;
            }
            p.changes().forEach(c -> walked.add(c.seq()));
            cursor = p.cursor();
        }
        assertThat(walked).containsExactlyElementsOf(all.stream().map(Change::seq).toList());
    }

    @Test
    void aReplicaOutOfReachLeavesTheReadsToThePrimary() {
        replicaPool.close();

        assertThat(StaleReads.allow(() -> store.batches().findBatchesInWorkspace("ws_1"))).hasSize(6);
        assertThat(StaleReads.allow(() -> store.changes().findChanges("ws_1", null, 0, 2))).hasSize(2);
    }

    private static Batch batch(String id, String driver) {
        return new Batch(id, "ws_1", driver, DriverStatus.INACTIVE, null, null, null, Map.of(), 0,
                List.of(Stop.of(30.27, -97.74, 100)), List.of(), T0, T0);
    }

    /** The "replica's" connections: the runtime role on the fixture's schema. */
    private HikariDataSource pool() {
        HikariConfig c = new HikariConfig();
        c.setJdbcUrl(fixture.schemaUrl());
        c.setUsername(PostgresFixture.runtimeUser());
        c.setPassword(PostgresFixture.runtimePassword());
        c.setMaximumPoolSize(3);
        c.setMinimumIdle(0);
        return new HikariDataSource(c);
    }

    /**
     * Connections whose every transaction sees the database as of one exported snapshot: each
     * {@code setAutoCommit(false)} (how Jdbi begins a transaction) is followed by
     * {@code SET TRANSACTION ISOLATION LEVEL REPEATABLE READ} and {@code SET TRANSACTION SNAPSHOT}.
     */
    private static final class AsOfSnapshot implements DataSource {
        private final DataSource real;
        private final String snapshot;

        AsOfSnapshot(DataSource real, String snapshot) {
            this.real = real;
            this.snapshot = snapshot;
        }

        @Override
        public Connection getConnection() throws SQLException {
            Connection c = real.getConnection();
            return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                    (self, method, args) -> {
                        Object result;
                        try {
                            result = method.invoke(c, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                        if (method.getName().equals("setAutoCommit") && Boolean.FALSE.equals(args[0])) {
                            try (Statement st = c.createStatement()) {
                                st.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
                                st.execute("SET TRANSACTION SNAPSHOT '" + snapshot + "'");
                            }
                        }
                        return result;
                    });
        }

        @Override
        public Connection getConnection(String username, String password) throws SQLException {
            throw new SQLException("not used");
        }

        @Override
        public PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(PrintWriter out) {
        }

        @Override
        public void setLoginTimeout(int seconds) {
        }

        @Override
        public int getLoginTimeout() {
            return 0;
        }

        @Override
        public Logger getParentLogger() {
            return Logger.getGlobal();
        }

        @Override
        public <T> T unwrap(Class<T> iface) throws SQLException {
            throw new SQLException("not a wrapper");
        }

        @Override
        public boolean isWrapperFor(Class<?> iface) {
            return false;
        }
    }
}
