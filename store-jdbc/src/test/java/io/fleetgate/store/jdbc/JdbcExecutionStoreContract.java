package io.fleetgate.store.jdbc;

import io.fleetgate.access.Workspace;
import io.fleetgate.contract.ExecutionStoreContract;
import io.fleetgate.execution.Batch;
import io.fleetgate.execution.DriverEvent;
import io.fleetgate.execution.DriverEventType;
import io.fleetgate.execution.DriverStatus;
import io.fleetgate.spi.EventLog;
import io.fleetgate.spi.EventLog.BatchChange;
import io.fleetgate.store.jdbc.internal.SqlDialect;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

import static io.fleetgate.store.jdbc.JdbcAssertions.execute;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link ExecutionStoreContract} on {@link JdbcStore}, plus what only a database can show: its
 * append-only triggers refusing a hand-made change to the log and the quarantine, its partial
 * unique index refusing a second batch on route, and the migration file applied again changing
 * nothing. On each database by a thin subclass.
 */
abstract class JdbcExecutionStoreContract extends ExecutionStoreContract {

    protected final JdbcStore jdbc() {
        return (JdbcStore) store();
    }

    // --- append-only ------------------------------------------------------------------------

    @Test
    void databaseWhenDriverEventsChangedByHandThenRefused() throws Exception {
        seedOneEventAndOneRefusal();
        String before = fixture().snapshot();

        assertRefused("UPDATE driver_events SET reason = 'tampered'");
        assertRefused("UPDATE driver_events SET driver_status = 'COMPLETED' WHERE event_id = 'ev_1'");
        assertRefused("DELETE FROM driver_events WHERE event_id = 'ev_1'");
        assertRefused("DELETE FROM driver_events");
        if (jdbc().dialect() == Dialect.POSTGRES) {
            assertRefused("TRUNCATE driver_events");
            assertRefused("TRUNCATE driver_events CASCADE");
        }
        assertThat(fixture().snapshot()).isEqualTo(before);
    }

    @Test
    void databaseWhenQuarantineChangedByHandThenRefused() throws Exception {
        seedOneEventAndOneRefusal();
        String before = fixture().snapshot();

        assertRefused("UPDATE quarantined_events SET reason = 'tampered'");
        assertRefused("DELETE FROM quarantined_events");
        if (jdbc().dialect() == Dialect.POSTGRES) {
            assertRefused("TRUNCATE quarantined_events");
        }
        assertThat(fixture().snapshot()).isEqualTo(before);
    }

    @Test
    void databaseWhenSecondBatchOfDriverPutOnRouteByHandThenUniqueIndexRefuses() throws Exception {
        repo.batches().insertBatch(newBatch("b_a", "d_ana"));
        repo.batches().insertBatch(newBatch("b_b", "d_ana"));
        repo.batches().insertBatch(newBatch("b_c", null));
        repo.batches().insertBatch(newBatch("b_d", null));
        DataSource ds = jdbc().dataSource();
        execute(ds, "UPDATE delivery_batches SET driver_status = 'DELAYED' WHERE id = 'b_a'");
        execute(ds, "UPDATE delivery_batches SET driver_status = 'COMPLETED' WHERE id = 'b_b'");
        execute(ds, "UPDATE delivery_batches SET driver_status = 'EN_ROUTE' WHERE id IN ('b_c', 'b_d')");

        SqlDialect dialect = SqlDialect.of(jdbc().dialect());
        assertThatThrownBy(() -> execute(ds, "UPDATE delivery_batches SET driver_status = 'AT_STOP' WHERE id = 'b_b'"))
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(dialect.isUniqueViolation(e)).isTrue());
        assertThatThrownBy(() -> execute(ds, "UPDATE delivery_batches SET driver_status = 'BOGUS' WHERE id = 'b_c'"))
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(dialect.isUniqueViolation(e)).isFalse());
    }

    @Test
    void migrationWhenDriverExecutionFileRunAgainThenNothingFailsOrChanges() throws Exception {
        seedOneEventAndOneRefusal();
        String before = fixture().snapshot();
        JdbcAssertions.rerunMigration(fixture(), "V2__driver_execution.sql");

        assertThat(fixture().snapshot()).isEqualTo(before);
        assertRefused("DELETE FROM driver_events");
    }

    // --- a driver's sync reads at once (PostgreSQL: one round trip; SQLite: one by one) ----------

    @Test
    void findDriverSyncReadsWhenPostgresThenWhatTheReadsOneByOneGiveAndNothingOfAnotherDriversWorkspace() {
        store().workspaces().upsertWorkspace(new Workspace("ws_2", "South", true));
        Batch ana0 = newBatch("b_ana", "d_ana");
        repo.batches().insertBatch(ana0);
        Batch ana1 = step(ana0, DriverStatus.EN_ROUTE, null, T0.plusSeconds(10));
        Batch ana2 = new Batch(ana0.id(), WS, "d_ana", DriverStatus.AT_STOP, 0, T0.plusSeconds(10), null,
                ana0.metadata(), 2, ana0.stops(), List.of(0), ana0.createdAt(), T0.plusSeconds(20));
        DriverEvent e1 = event("ev_1", ana1, DriverEventType.ROUTE_STARTED, DriverStatus.INACTIVE, T0.plusSeconds(10));
        DriverEvent e2 = located(event("ev_2", ana2, DriverEventType.ARRIVED_AT_STOP, DriverStatus.EN_ROUTE,
                T0.plusSeconds(20)), 30.2672, -97.7431, 12.5, 0, List.of());
        assertThat(repo.log().commit(List.of(new BatchChange(ana2, 0)), List.of(e1, e2), List.of())).isTrue();
        // d_ana's own event with a named id in ws_2, on a batch the call does not name; and a named
        // batch of ws_2 that is d_ben's: neither makes ws_2's events or row readable to the call.
        Batch other0 = inWorkspace(newBatch("b_z", "d_ana"), "ws_2");
        repo.batches().insertBatch(other0);
        Batch other1 = step(other0, DriverStatus.INACTIVE, null, T0.plusSeconds(5));
        DriverEvent e9 = event("ev_9", other1, DriverEventType.PROOF_CAPTURED, DriverStatus.INACTIVE, T0.plusSeconds(5));
        assertThat(repo.log().commit(List.of(new BatchChange(other1, 0)), List.of(e9), List.of())).isTrue();
        repo.batches().insertBatch(inWorkspace(newBatch("b_y", "d_ben"), "ws_2"));
        List<String> batchIds = List.of("b_ana", "b_y", "b_nope");
        List<String> eventIds = List.of("ev_1", "ev_2", "ev_9", "ev_new");

        Optional<EventLog.DriverSyncReads> reads = repo.log().findDriverSyncReads("d_ana", batchIds, eventIds);

        if (jdbc().dialect() != Dialect.POSTGRES) {
            assertThat(reads).as("SQLite reads one by one").isEmpty();
            return;
        }
        EventLog.DriverSyncReads r = reads.orElseThrow();
        assertThat(r.batches()).isEqualTo(repo.batches().findBatches(batchIds)).containsOnlyKeys("b_ana", "b_y");
        assertThat(r.batches().get("b_ana")).isEqualTo(ana2);
        assertThat(r.eventHashes()).isEqualTo(Map.of(WS, repo.log().findEventHashes(WS, "d_ana", eventIds)))
                .isEqualTo(Map.of(WS, Map.of("ev_1", e1.contentHash(), "ev_2", e2.contentHash())));
        assertThat(r.workspaces()).isEqualTo(Map.of(WS, store().workspaces().findWorkspace(WS).orElseThrow()));
        assertThat(r.onRoute()).isEqualTo(repo.batches().findInProgressBatches("d_ana")).containsExactly("b_ana");
        assertThat(r.lastLocated()).isEqualTo(repo.log().findLastLocatedEvent("d_ana")).contains(e2);

        EventLog.DriverSyncReads none = repo.log().findDriverSyncReads("d_cy", List.of("b_ana"), List.of("ev_1"))
                .orElseThrow();
        assertThat(none.batches()).containsOnlyKeys("b_ana");
        assertThat(none.eventHashes()).isEmpty();
        assertThat(none.workspaces()).isEmpty();
        assertThat(none.onRoute()).isEmpty();
        assertThat(none.lastLocated()).isEmpty();
    }

    private static Batch inWorkspace(Batch b, String workspaceId) {
        return new Batch(b.id(), workspaceId, b.driverId(), b.status(), b.currentStopIndex(), b.actualStartTime(),
                b.actualEndTime(), b.metadata(), b.version(), b.stops(), b.visitedStops(), b.createdAt(), b.updatedAt());
    }

    // --- replays across months (V16 partitions the log by recorded_at on PostgreSQL) -------------

    @Test
    void commitWhenAnEventIsResentWithAnotherRecordedAtThenItsIdIsTakenWhateverTheMonth() throws Exception {
        seedOneEventAndOneRefusal();
        String before = fixture().snapshot();
        Batch b1 = repo.batches().findBatch("b_1").orElseThrow();
        String hash = repo.log().findEventHashes(WS, "d_ana", List.of("ev_1")).get("ev_1");

        for (Instant other : List.of(T0.minus(Duration.ofDays(95)), T0.plus(Duration.ofDays(40)),
                T0.minus(Duration.ofDays(1200)))) {
            Batch b2 = step(b1, DriverStatus.EN_ROUTE, null, other);
            var again = event("ev_1", b2, DriverEventType.ROUTE_STARTED, DriverStatus.ACTIVE, other);
            assertThat(repo.log().commit(List.of(new BatchChange(b2, b1.version())), List.of(again), List.of()))
                    .as("ev_1 recorded again at %s, with the batch moved on", other).isFalse();
            assertThat(repo.log().commit(List.of(), List.of(again), List.of()))
                    .as("ev_1 recorded again at %s", other).isFalse();
        }

        assertThat(repo.log().findEventHashes(WS, "d_ana", List.of("ev_1"))).containsExactly(Map.entry("ev_1", hash));
        assertThat(repo.log().findLog("b_1")).extracting(DriverEvent::recordedAt).containsExactly(T0);
        assertThat(fixture().snapshot()).isEqualTo(before);
    }

    @Test
    void detachWhenOldMonthsHoldFinishedBatchesThenPostgresDetachesThemAndSqliteKeepsItsOneTable() {
        Batch b0 = newBatch("b_1", "d_ana");
        repo.batches().insertBatch(b0);
        YearMonth now = YearMonth.now(ZoneOffset.UTC);
        Instant old = now.minusMonths(5).atDay(3).atStartOfDay().toInstant(ZoneOffset.UTC);
        Batch b1 = step(b0, DriverStatus.COMPLETED, null, old);
        assertThat(repo.log().commit(List.of(new BatchChange(b1, 0)),
                List.of(event("ev_old", b1, DriverEventType.ROUTE_COMPLETED, DriverStatus.INACTIVE, old)), List.of()))
                .isTrue();

        List<String> detached = jdbc().detachPartitionsBefore(now.minusMonths(1));

        if (jdbc().dialect() == Dialect.POSTGRES) {
            assertThat(detached).contains(String.format("driver_events_y%04dm%02d_detached", now.minusMonths(5).getYear(),
                    now.minusMonths(5).getMonthValue()));
            assertThat(repo.log().findLog("b_1")).isEmpty();
        } else {
            assertThat(detached).isEmpty();
            assertThat(repo.log().findLog("b_1")).extracting(DriverEvent::eventId)
                    .containsExactly("ev_old");
        }
        assertThat(repo.log().findEventHashes(WS, "d_ana", List.of("ev_old"))).as("the id stays taken").hasSize(1);
    }

    private void seedOneEventAndOneRefusal() {
        Batch b0 = newBatch("b_1", "d_ana");
        repo.batches().insertBatch(b0);
        Batch b1 = step(b0, DriverStatus.ACTIVE, null, T0);
        assertThat(repo.log().commit(List.of(new BatchChange(b1, 0)),
                List.of(event("ev_1", b1, DriverEventType.DRIVER_LOGGED_IN, DriverStatus.INACTIVE, T0)),
                List.of(quarantined("ev_q", "b_1", WS, "{}", T0)))).isTrue();
    }

    private void assertRefused(String sql) throws SQLException {
        JdbcAssertions.assertAppendOnlyRefuses(fixture(), List.of("driver_events", "quarantined_events"), sql);
    }
}
