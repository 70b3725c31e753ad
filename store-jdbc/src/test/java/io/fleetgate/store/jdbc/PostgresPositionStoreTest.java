package io.fleetgate.store.jdbc;

import io.fleetgate.Principal;
import io.fleetgate.execution.ReviewItem;
import io.fleetgate.internal.AccessContext;
import io.fleetgate.position.AlertKind;
import io.fleetgate.position.DriverPresence;
import io.fleetgate.position.Fix;
import io.fleetgate.position.PositionAlert;
import io.fleetgate.position.RecordedFix;
import io.fleetgate.spi.PositionLog;
import io.fleetgate.testkit.StoreFixture;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import javax.sql.DataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link JdbcPositionStoreContract} on PostgreSQL, plus who may do what with the position stream
 * (migration V12's row-level security and privileges): a driver reads and writes only their own
 * fixes, presence and alerts; a supervisor or member reads their workspace's and nothing of
 * another's; only the system purges fixes; no one updates a fix (no privilege, no policy, and a
 * trigger for the owner), nor truncates the table. Through the store, bound to each principal as
 * the services bind it, and by hand as the runtime role.
 */
class PostgresPositionStoreTest extends JdbcPositionStoreContract {
    private static final Principal ANA = Principal.driver("d_ana");
    private static final Principal BEN = Principal.driver("d_ben");
    private static final Principal SAM = Principal.supervisor("s_sam", WS);
    private static final Principal MIA = new Principal.Member("u_mia", WS);
    private static final Principal OZ = Principal.supervisor("s_oz", WS2);

    @Override
    protected StoreFixture newFixture() {
        return new PostgresFixture();
    }

    @Test
    void findFixesWhenAnotherDriverOrAnotherWorkspacesSupervisorThenNothing() {
        List<RecordedFix> ana = List.of(fix("d_ana", T0, 30.1), fix("d_ana", T0.plusSeconds(10), 30.2));
        List<RecordedFix> ben = List.of(fix("d_ben", T0, 30.3));
        log().insertFixes(ana);
        log().insertFixes(ben);

        assertThat(as(ANA, () -> log().findFixes("d_ana", T0, T0.plusSeconds(60), 10))).isEqualTo(ana);
        assertThat(as(BEN, () -> log().findFixes("d_ana", T0, T0.plusSeconds(60), 10))).isEmpty();
        assertThat(as(BEN, () -> log().findFixes("d_ben", T0, T0.plusSeconds(60), 10))).isEqualTo(ben);
        assertThat(as(SAM, () -> log().findFixes("d_ana", T0, T0.plusSeconds(60), 10))).isEqualTo(ana);
        assertThat(as(MIA, () -> log().findFixes("d_ana", T0, T0.plusSeconds(60), 10))).isEqualTo(ana);
        assertThat(as(OZ, () -> log().findFixes("d_ana", T0, T0.plusSeconds(60), 10))).isEmpty();
    }

    @Test
    void insertFixesWhenForAnotherDriverOrBySupervisorThenRefusedAndNothingWritten() {
        String before = fixture().snapshot();

        assertThatThrownBy(() -> as(BEN, () -> log().insertFixes(List.of(fix("d_ana", T0, 30.1)))))
                .hasMessageContaining("row-level security policy for table \"driver_fixes\"");
        assertThatThrownBy(() -> as(SAM, () -> log().insertFixes(List.of(fix("d_ana", T0, 30.1)))))
                .hasMessageContaining("row-level security policy for table \"driver_fixes\"");
        assertThat(fixture().snapshot()).isEqualTo(before);

        assertThat(as(ANA, () -> log().insertFixes(List.of(fix("d_ana", T0, 30.1))))).isEmpty();
        assertThat(as(ANA, () -> log().insertFixes(List.of(fix("d_ana", T0, 30.9)))))
                .as("her own row, as stored").containsExactly(fix("d_ana", T0, 30.1));
    }

    @Test
    void takeFixesWhenActingForAnotherDriverThenRefusedOrEmptyAndNothingWritten() {
        PositionLog.Reads reads = new PositionLog.Reads(T0.minusSeconds(120), T0.plusSeconds(120), 100,
                T0.minusSeconds(300), T0.plusSeconds(300));
        List<Fix> fixes = List.of(Fix.of(T0, 30.1, -97.74, 5.0));
        String before = fixture().snapshot();

        // ben claims to be ana: her batch is not his to read, so nothing is inserted either
        assertThat(as(BEN, () -> log().takeFixes("b_ana", "d_ana", reads, fixes, f -> Set.of(), RECEIVED))).isEmpty();
        // a supervisor reads the batch, but the fixes are not theirs to write
        assertThatThrownBy(() -> as(SAM, () -> log().takeFixes("b_ana", "d_ana", reads, fixes, f -> Set.of(), RECEIVED)))
                .hasStackTraceContaining("row-level security policy for table \"driver_fixes\"");
        assertThat(fixture().snapshot()).isEqualTo(before);

        PositionLog.Taking hers = as(ANA, () -> log().takeFixes("b_ana", "d_ana", reads, fixes, f -> Set.of(), RECEIVED))
                .orElseThrow();
        assertThat(hers.taken()).isEmpty();
        assertThat(as(ANA, () -> log().findFixes("d_ana", T0, T0, 10))).containsExactly(fix("d_ana", T0, 30.1));
    }

    @Test
    void purgeFixesWhenNotTheSystemThenNothingRemoved() throws SQLException {
        log().insertFixes(List.of(fix("d_ana", T0, 30.1), fix("d_ana", T0.plusSeconds(10), 30.2)));
        String before = fixture().snapshot();
        Instant later = T0.plusSeconds(3600);

        for (Principal p : List.of(ANA, BEN, SAM, MIA, OZ)) {
            assertThat(as(p, () -> log().purgeFixes(later, 100))).as("%s", p).isZero();
        }
        for (List<String> p : List.of(List.of("driver", "d_ana", ""), List.of("supervisor", "s_sam", WS),
                List.of("member", "u_mia", WS))) {
            assertThat(rolledBack(ds(), p.get(0), p.get(1), p.get(2), "DELETE FROM driver_fixes")).as("%s", p).isZero();
        }
        assertThat(fixture().snapshot()).isEqualTo(before);

        assertThat(rolledBack(ds(), "system", "system", "", "DELETE FROM driver_fixes")).isEqualTo(2);
        assertThat(as(Principal.system(), () -> log().purgeFixes(later, 100))).isEqualTo(2);
        assertThat(log().findFixes("d_ana", T0, later, 10)).isEmpty();
    }

    @Test
    void updateOrTruncateFixesWhenEvenTheSystemOrTheOwnerThenRefused() throws SQLException {
        log().insertFixes(List.of(fix("d_ana", T0, 30.1)));
        String before = fixture().snapshot();

        assertThatThrownBy(() -> rolledBack(ds(), "system", "system", "", "UPDATE driver_fixes SET lat = 0"))
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("42501"))
                .hasMessageContaining("permission denied for table driver_fixes");
        PostgresFixture.assertAppendOnly(fixture(), List.of("driver_fixes"), "UPDATE driver_fixes SET lat = 0");
        PostgresFixture.assertAppendOnly(fixture(), List.of("driver_fixes"), "TRUNCATE driver_fixes");
        assertThat(fixture().snapshot()).isEqualTo(before);
    }

    @Test
    void presenceWhenReadOrWrittenByOthersThenOnlyOwnRowsAndTheWorkspacesOwn() {
        log().heard(WS, "d_ana", T0, null);
        log().heard(WS2, "d_cy", T0, null);
        String before = fixture().snapshot();

        assertThat(as(SAM, () -> log().findPresence(WS))).extracting(DriverPresence::driverId).containsExactly("d_ana");
        assertThat(as(OZ, () -> log().findPresence(WS))).isEmpty();
        assertThat(as(BEN, () -> log().findPresence(WS))).isEmpty();
        assertThat(as(ANA, () -> log().findPresence(WS))).extracting(DriverPresence::driverId).containsExactly("d_ana");
        assertThatThrownBy(() -> as(BEN, () -> log().heard(WS, "d_ana", T0.plusSeconds(60), null)))
                .hasMessageContaining("row-level security");
        assertThat(as(BEN, () -> log().markQuiet("d_ana", T0, "a-x"))).isFalse();
        assertThat(as(SAM, () -> log().markQuiet("d_ana", T0, "a-x"))).isFalse();
        assertThat(fixture().snapshot()).isEqualTo(before);

        assertThat(as(ANA, () -> log().heard(WS, "d_ana", T0.plusSeconds(60), T0.plusSeconds(50)))).isEmpty();
        assertThat(as(Principal.system(), () -> log().markQuiet("d_ana", T0.plusSeconds(60), "a-q"))).isTrue();
        assertThat(as(ANA, () -> log().heard(WS, "d_ana", T0.plusSeconds(90), null))).contains("a-q");
    }

    @Test
    void alertsWhenReadOrWrittenByOthersThenOnlyOwnAndTheWorkspacesOwn() {
        PositionAlert ana = alert("a-1", "d_ana", AlertKind.OFF_CORRIDOR, T0, T0.plusSeconds(10), null);
        assertThat(as(ANA, () -> log().insertAlert(ana))).isTrue();
        String before = fixture().snapshot();

        assertThat(as(ANA, () -> log().findAlert(WS, "a-1"))).contains(ana);
        assertThat(as(BEN, () -> log().findAlert(WS, "a-1"))).isEmpty();
        assertThat(as(BEN, () -> log().findAlerts("d_ana", AlertKind.OFF_CORRIDOR, T0, T0.plusSeconds(10)))).isEmpty();
        assertThat(as(SAM, () -> log().findAlerts("d_ana", AlertKind.OFF_CORRIDOR, T0, T0.plusSeconds(10))))
                .containsExactly(ana);
        assertThat(as(OZ, () -> log().findAlerts("d_ana", AlertKind.OFF_CORRIDOR, T0, T0.plusSeconds(10)))).isEmpty();
        assertThat(as(OZ, () -> log().findAlert(WS, "a-1"))).isEmpty();
        assertThat(as(SAM, () -> store().reviews().findReviewQueue(WS, null, null, 10))).extracting(ReviewItem::id)
                .containsExactly("a-1");
        assertThat(as(OZ, () -> store().reviews().findReviewQueue(WS, null, null, 10))).isEmpty();

        // another's alert: not inserted, not changed
        assertThatThrownBy(() -> as(BEN, () -> log().insertAlert(alert("a-2", "d_ana", AlertKind.QUIET, T0, T0, null))))
                .hasMessageContaining("row-level security policy for table \"position_alerts\"");
        assertThatThrownBy(() -> as(MIA, () -> log().insertAlert(alert("a-3", "d_ana", AlertKind.QUIET, T0, T0, null))))
                .hasMessageContaining("row-level security policy for table \"position_alerts\"");
        PositionAlert grown = alert("a-1", "d_ana", AlertKind.OFF_CORRIDOR, T0, T0.plusSeconds(99), null);
        as(BEN, () -> {
            log().updateAlert(grown);
            return null;
        });
        as(OZ, () -> {
            log().updateAlert(grown);
            return null;
        });
        assertThat(fixture().snapshot()).isEqualTo(before);

        // the workspace's supervisor may raise and grow one (an override's located event)
        assertThat(as(SAM, () -> log().insertAlert(alert("a-4", "d_ben", AlertKind.OFF_CORRIDOR, T0, T0, null))))
                .isTrue();
        as(SAM, () -> {
            log().updateAlert(grown);
            return null;
        });
        assertThat(log().findAlert(WS, "a-1")).contains(grown);
    }

    @Test
    void migrationWhenPositionsFileRunAgainThenNothingFailsOrChanges() throws Exception {
        log().insertFixes(List.of(fix("d_ana", T0, 30.1)));
        log().heard(WS, "d_ana", T0, T0);
        log().insertAlert(alert("a-1", "d_ana", AlertKind.OFF_CORRIDOR, T0, T0, null));
        String before = fixture().snapshot();
        String catalogue = SchemaCatalogue.of(ds());

        JdbcAssertions.rerunMigration(fixture(), "V12__positions.sql");

        assertThat(fixture().snapshot()).isEqualTo(before);
        assertThat(SchemaCatalogue.of(ds())).isEqualTo(catalogue);
    }

    // --- V18 on PostgreSQL: races, who moves what -------------------------------------------------

    /**
     * A driver's first presence row and their batch going on route (then off route), at once, for
     * many drivers: neither transaction sees the other's row, and the advisory lock of V18 makes
     * the later one see it; whatever the interleaving, the row ends up naming the batch on route.
     */
    @Test
    void heardFirstWhileTheBatchGoesOnOrOffRouteAtOnceThenThePresenceNamesTheBatchOnRouteAfterEither() throws Exception {
        int drivers = 24;
        for (io.fleetgate.execution.DriverStatus from : List.of(io.fleetgate.execution.DriverStatus.ACTIVE,
                io.fleetgate.execution.DriverStatus.EN_ROUTE)) {
            String round = from.name().toLowerCase(java.util.Locale.ROOT).substring(0, 2);
            for (int i = 0; i < drivers; i++) {
                assertThat(store().batches().insertBatch(new io.fleetgate.execution.Batch("b_" + round + i, WS,
                        "d_" + round + i, from, null, T0, null, java.util.Map.of(), 1,
                        List.of(io.fleetgate.execution.Stop.of(30.27, -97.74, 100)), List.of(), T0, T0))).isTrue();
            }
            io.fleetgate.execution.DriverStatus to = from == io.fleetgate.execution.DriverStatus.ACTIVE
                    ? io.fleetgate.execution.DriverStatus.EN_ROUTE : io.fleetgate.execution.DriverStatus.COMPLETED;
            java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(2);
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
            try {
                var heard = pool.submit(() -> {
                    for (int i = 0; i < drivers; i++) {
                        start.await();
                        log().heard(WS, "d_" + round + i, T0, null);
                    }
                    return null;
                });
                var moved = pool.submit(() -> {
                    for (int i = 0; i < drivers; i++) {
                        io.fleetgate.execution.Batch b = store().batches().findBatch("b_" + round + i).orElseThrow();
                        io.fleetgate.execution.Batch next = new io.fleetgate.execution.Batch(b.id(), b.workspaceId(),
                                b.driverId(), to, null, b.actualStartTime(), b.actualEndTime(), b.metadata(),
                                b.version() + 1, b.stops(), b.visitedStops(), b.progress(), b.removedStops(),
                                b.corridor(), b.createdAt(), b.updatedAt().plusSeconds(1));
                        start.await();
                        assertThat(store().eventLog().commit(List.of(new io.fleetgate.spi.EventLog.BatchChange(next,
                                b.version())), List.of(), List.of())).isTrue();
                    }
                    return null;
                });
                heard.get();
                moved.get();
            } finally {
                pool.shutdown();
            }
            String expected = to == io.fleetgate.execution.DriverStatus.EN_ROUTE ? "b_" + round : null;
            for (List<String> row : rows(ds(), "SELECT driver_id, on_route_batch_id FROM driver_presence"
                    + " WHERE driver_id LIKE 'd_" + round + "%' ORDER BY driver_id")) {
                assertThat(row.get(1)).as(row.get(0)).isEqualTo(expected == null ? null : "b_" + row.get(0).substring(2));
            }
            assertThat(rows(ds(), "SELECT count(*) FROM driver_presence WHERE driver_id LIKE 'd_" + round + "%'"))
                    .containsExactly(List.of(String.valueOf(drivers)));
        }
    }

    @Test
    void onRouteBatchIdWhenSetByHandThenRefusedAndASupervisorMovingABatchMovesItsDriversRow() throws Exception {
        log().heard(WS, "d_ana", T0, null);
        String before = fixture().snapshot();

        assertThatThrownBy(() -> PostgresFixture.asSystem(ds(), c -> {
            try (Statement st = c.createStatement()) {
                return st.executeUpdate("UPDATE driver_presence SET on_route_batch_id = NULL WHERE driver_id = 'd_ana'");
            }
        })).hasMessageContaining("on_route_batch_id is kept by the batches' triggers");
        assertThat(fixture().snapshot()).isEqualTo(before);
        // the upsert of a row that exists keeps it, whatever the insert carried
        log().heard(WS, "d_ana", T0.plusSeconds(5), null);
        assertThat(log().findSilent(T0.plusSeconds(60), 10)).extracting(PositionLog.Silence::batchId).contains("b_ana");

        // a supervisor (no policy lets them write presence) takes ana's batch off her: the row follows
        io.fleetgate.execution.Batch b = store().batches().findBatch("b_ana").orElseThrow();
        assertThat(as(SAM, () -> store().batches().assignDriver("b_ana", "d_hal", b.version(), T0.plusSeconds(9))))
                .isPresent();
        assertThat(rows(ds(), "SELECT driver_id, on_route_batch_id FROM driver_presence WHERE driver_id = 'd_ana'"))
                .containsExactly(java.util.Arrays.asList("d_ana", null));
        assertThat(log().findSilent(T0.plusSeconds(60), 10)).extracting(PositionLog.Silence::batchId)
                .doesNotContain("b_ana");
    }

    @Test
    void openReviewItemsWhenReadByAnotherWorkspaceOrADriverThenNothingAndByTheWorkspacesSupervisorTheirs()
            throws Exception {
        assertThat(log().insertAlert(raised("al-1", WS, 10, null))).isTrue();
        assertThat(log().insertAlert(raised("al-2", WS2, 11, null))).isTrue();

        assertThat(as(SAM, () -> store().reviews().findReviewQueue(WS, null, null, 10))).extracting(ReviewItem::id)
                .containsExactly("al-1");
        assertThat(as(OZ, () -> store().reviews().findReviewQueue(WS, null, null, 10))).isEmpty();
        assertThat(as(ANA, () -> store().reviews().findReviewQueue(WS, null, null, 10))).isEmpty();
        try (Connection c = ds().getConnection(); Statement st = c.createStatement()) {
            assertThatThrownBy(() -> st.executeUpdate("DELETE FROM open_review_items"))
                    .hasMessageContaining("permission denied for table open_review_items");
            assertThatThrownBy(() -> st.executeUpdate("INSERT INTO open_review_items VALUES ('ws_1', 'ALERT', '', 'x', now())"))
                    .hasMessageContaining("permission denied for table open_review_items");
        }
    }

    /** {@return what {@code work} returns, run through the store bound to {@code principal}} */
    private static <T> T as(Principal principal, Supplier<T> work) {
        try (AccessContext.Scope scope = AccessContext.enter(principal)) {
            return work.get();
        }
    }

    /**
     * Runs one statement as the runtime role the store runs as, in a transaction bound to the
     * principal with a context signed by the schema's key (as the store binds it), and rolls it back.
     *
     * @return the rows it changed
     */
    private static int rolledBack(DataSource ds, String role, String user, String workspace, String sql)
            throws SQLException {
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            try (Statement st = c.createStatement()) {
                PostgresFixture.key(c).bind(c, PostgresFixture.principal(role, user, workspace), Instant.now());
                return st.executeUpdate(sql);
            } finally {
                c.rollback();
                c.setAutoCommit(true);
            }
        }
    }
}
