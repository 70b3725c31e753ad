package io.fleetgate.store.jdbc;

import io.fleetgate.access.Workspace;
import io.fleetgate.error.ErrorCode;
import io.fleetgate.execution.Batch;
import io.fleetgate.execution.DriverEvent;
import io.fleetgate.execution.DriverEventType;
import io.fleetgate.execution.DriverStatus;
import io.fleetgate.execution.EventEncoding;
import io.fleetgate.execution.QuarantinedEvent;
import io.fleetgate.execution.ReviewItem;
import io.fleetgate.execution.ReviewRecord;
import io.fleetgate.execution.Stop;
import io.fleetgate.execution.TimeWindow;
import io.fleetgate.geo.Coordinate;
import io.fleetgate.geo.Corridor;
import io.fleetgate.geo.PolygonFence;
import io.fleetgate.position.AlertKind;
import io.fleetgate.position.DriverPresence;
import io.fleetgate.position.Fix;
import io.fleetgate.position.FixMark;
import io.fleetgate.position.PositionAlert;
import io.fleetgate.position.RecordedFix;
import io.fleetgate.spi.EventLog.BatchChange;
import io.fleetgate.spi.PositionLog;
import io.fleetgate.spi.PositionLog.Silence;
import io.fleetgate.testkit.StoreContract;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import javax.sql.DataSource;

import static io.fleetgate.store.jdbc.JdbcAssertions.execute;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The position stream's store on the JDBC store (issue #17, migration V12), on each database (thin
 * subclasses), as {@link io.fleetgate.testing.InMemoryStore}'s position log behaves: fixes keyed by
 * driver and {@code recorded_at} (a taken key answered with the row as stored), read by range,
 * purged by age; each driver's presence, moving forward only, with its open QUIET alert returned
 * and cleared when they are heard; silences of drivers on route; alerts unique per driver, kind
 * and start, found by overlap, merged ones left out; unconfirmed arrivals without a review record;
 * alerts in the review queue; a stop's ring and a batch's corridor through every batch read, a plan
 * change and the batch's updates; and V12 over data stored before it.
 *
 * <p>The world: workspaces ws_1 and ws_2; ana (b_ana, EN_ROUTE), ben (b_ben, INACTIVE), dee
 * (b_dee, DELAYED), eve (b_eve, COMPLETED), fay (b_fay, EN_ROUTE), gus (b_gus, EN_ROUTE) in ws_1;
 * cy (b_cy, AT_STOP) in ws_2.
 */
abstract class JdbcPositionStoreContract extends StoreContract {
    /** Microsecond precision, as the databases keep instants. */
    static final Instant T0 = Instant.parse("2026-12-07T09:00:00.123456Z");
    static final Instant RECEIVED = T0.plusSeconds(3600);
    static final String WS = "ws_1";
    static final String WS2 = "ws_2";
    /** A route north through both stops, 150.5 m wide. */
    static final Corridor ROUTE = Corridor.of(List.of(Coordinate.of(30.26, -97.74), Coordinate.of(30.28, -97.745),
            Coordinate.of(30.30, -97.74)), 150.5);
    /** A pentagon around (30.28, -97.74). */
    static final PolygonFence YARD = PolygonFence.of(List.of(Coordinate.of(30.279, -97.7412),
            Coordinate.of(30.279, -97.7388), Coordinate.of(30.2805, -97.738), Coordinate.of(30.281, -97.74),
            Coordinate.of(30.2805, -97.7415)));

    /** @return the dialect of the store under test */
    protected final Dialect dialect() {
        return ((JdbcStore) store()).dialect();
    }

    protected final PositionLog log() {
        return store().positions();
    }

    @BeforeEach
    void seedWorld() {
        store().workspaces().upsertWorkspace(new Workspace(WS, "Depot North"));
        store().workspaces().upsertWorkspace(new Workspace(WS2, "Depot South"));
        seedBatch("d_ana", WS, DriverStatus.EN_ROUTE);
        seedBatch("d_ben", WS, DriverStatus.INACTIVE);
        seedBatch("d_dee", WS, DriverStatus.DELAYED);
        seedBatch("d_eve", WS, DriverStatus.COMPLETED);
        seedBatch("d_fay", WS, DriverStatus.EN_ROUTE);
        seedBatch("d_gus", WS, DriverStatus.EN_ROUTE);
        seedBatch("d_cy", WS2, DriverStatus.AT_STOP);
    }

    /** The driver's batch {@code b_<name>}: one stop, in that status (at its stop when AT_STOP). */
    private void seedBatch(String driver, String workspace, DriverStatus status) {
        boolean atStop = status == DriverStatus.AT_STOP;
        assertThat(store().batches().insertBatch(new Batch("b_" + driver.substring(2), workspace, driver, status,
                atStop ? 0 : null, T0, null, Map.of(), 3, List.of(Stop.of(30.27, -97.74, 100)),
                atStop ? List.of(0) : List.of(), T0, T0))).isTrue();
    }

    // --- fixes ---------------------------------------------------------------------------------

    @Test
    void insertFixesWhenAllNewThenNoneReturnedAndEachReadsBackEqualOldestFirst() {
        RecordedFix bare = new RecordedFix("d_ana", WS, "b_ana", Fix.of(T0, 30.267153, -97.743057, null), Set.of(),
                RECEIVED);
        RecordedFix full = new RecordedFix("d_ana", WS, "b_ana", new Fix(T0.plusSeconds(5).plusNanos(1_000),
                Coordinate.of(-33.8688197, 151.2092955), 12.25, 0.0, 359.99), EnumSet.of(FixMark.ACCURACY, FixMark.STALE),
                RECEIVED.plusNanos(999_000));
        RecordedFix fast = new RecordedFix("d_ana", WS, "b_ana", new Fix(T0.plusSeconds(9), Coordinate.of(90, -180),
                0.0, 99.5, 0.0), EnumSet.of(FixMark.SPEED), RECEIVED);

        assertThat(log().insertFixes(List.of(fast, bare, full))).isEmpty();

        assertThat(log().findFixes("d_ana", T0, T0.plusSeconds(60), 10)).containsExactly(bare, full, fast);
        assertThat(log().insertFixes(List.of())).isEmpty();
    }

    @Test
    void insertFixesWhenKeysTakenThenTheStoredRowsComeBackAsStoredAndOnlyNewOnesAreWritten() {
        RecordedFix f0 = fix("d_ana", T0, 30.27);
        RecordedFix f1 = fix("d_ana", T0.plusSeconds(1), 30.271);
        assertThat(log().insertFixes(List.of(f0, f1))).isEmpty();
        RecordedFix f1Other = new RecordedFix("d_ana", WS, "b_ana", new Fix(f1.recordedAt(), Coordinate.of(30.5, -97.5),
                3.0, 1.0, 2.0), EnumSet.of(FixMark.FUTURE), RECEIVED.plusSeconds(60));
        RecordedFix f2 = fix("d_ana", T0.plusSeconds(2), 30.272);
        RecordedFix ben = new RecordedFix("d_ben", WS, "b_ben", f0.fix(), Set.of(), RECEIVED);

        List<RecordedFix> taken = log().insertFixes(List.of(f0, f1Other, f2, ben));

        assertThat(taken).as("the rows as stored, the first content kept").containsExactlyInAnyOrder(f0, f1);
        assertThat(log().findFixes("d_ana", T0, T0.plusSeconds(10), 10)).containsExactly(f0, f1, f2);
        assertThat(log().findFixes("d_ben", T0, T0.plusSeconds(10), 10)).containsExactly(ben);
    }

    @Test
    void insertFixesWhenAThousandInOneCallThenAllStoredAndTheHalfSentBeforeComesBackTaken() {
        List<RecordedFix> all = new ArrayList<>();
        List<RecordedFix> even = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            RecordedFix f = fix("d_ana", T0.plusMillis(1500L * i), 30.2 + i * 1e-5);
            all.add(f);
            if (i % 2 == 0) {
                even.add(f);
            }
        }
        assertThat(log().insertFixes(even)).isEmpty();
        List<RecordedFix> shuffled = new ArrayList<>(all);
        Collections.shuffle(shuffled, new Random(17));

        List<RecordedFix> taken = log().insertFixes(shuffled);

        assertThat(taken).containsExactlyInAnyOrderElementsOf(even);
        assertThat(log().findFixes("d_ana", T0, T0.plusSeconds(3600), 2000)).containsExactlyElementsOf(all);
    }

    @Test
    void insertFixesWhenMarksOfEveryCombinationThenEachReadsBackAndIsStoredAsItsBits() throws SQLException {
        List<RecordedFix> fixes = new ArrayList<>();
        for (int bits = 0; bits < 16; bits++) {
            fixes.add(new RecordedFix("d_ana", WS, "b_ana", Fix.of(T0.plusSeconds(bits), 30.27, -97.74, 5.0),
                    FixMark.of(bits), RECEIVED));
        }
        assertThat(log().insertFixes(fixes)).isEmpty();

        List<RecordedFix> read = log().findFixes("d_ana", T0, T0.plusSeconds(15), 100);
        assertThat(read).containsExactlyElementsOf(fixes);
        assertThat(read.get(15).marks()).containsExactlyInAnyOrder(FixMark.values());
        assertThat(read.get(0).plausible()).isTrue();
        assertThat(rows(ds(), "SELECT marks FROM driver_fixes ORDER BY recorded_at"))
                .extracting(r -> r.get(0)).containsExactly("0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11",
                        "12", "13", "14", "15");
        assertThat(rows(ds(), "SELECT marks FROM driver_fixes WHERE recorded_at = " + literal(T0.plusSeconds(4))))
                .as("SPEED is bit 2").containsExactly(List.of(String.valueOf(FixMark.bits(Set.of(FixMark.SPEED)))));
    }

    @Test
    void takeFixesWhenTheBatchIsTheDriversThenTheReadSeesTheFixesBeforeTheInsertAndTakenKeysComeBackAsStored() {
        RecordedFix f0 = fix("d_ana", T0, 30.27);
        RecordedFix f1 = fix("d_ana", T0.plusSeconds(1), 30.271);
        RecordedFix marked = new RecordedFix("d_ana", WS, "b_ana", Fix.of(T0.minusSeconds(1), 31.0, -97.74, 500.0),
                EnumSet.of(FixMark.ACCURACY), RECEIVED);
        assertThat(log().insertFixes(List.of(f0, f1, marked))).isEmpty();
        Fix other = Fix.of(f1.recordedAt(), 30.5, -97.5, 3.0);
        Fix two = new Fix(T0.plusSeconds(2), Coordinate.of(30.272, -97.74), 80.0, 4.5, 90.0);
        Fix three = Fix.of(T0.plusSeconds(3), 30.273, -97.74, 5.0);
        Instant received = RECEIVED.plusSeconds(60);
        PositionLog.Reads reads = new PositionLog.Reads(T0.minusSeconds(120), T0.plusSeconds(123), 100,
                T0.minusSeconds(300), T0.plusSeconds(303));

        PositionLog.Taking taking = log().takeFixes("b_ana", "d_ana", reads, List.of(other, two, three),
                f -> f.accuracyMeters() > 50 ? EnumSet.of(FixMark.ACCURACY) : Set.of(), received).orElseThrow();

        assertThat(taking.intake().plausible()).as("the plausible fixes as they were before the insert")
                .containsExactly(f0.fix(), f1.fix());
        assertThat(taking.intake().batch()).isEqualTo(new PositionLog.BatchRoute("b_ana", WS, "d_ana", null));
        assertThat(taking.intake().unconfirmedArrivals()).isFalse();
        RecordedFix twoRow = new RecordedFix("d_ana", WS, "b_ana", two, EnumSet.of(FixMark.ACCURACY), received);
        RecordedFix threeRow = new RecordedFix("d_ana", WS, "b_ana", three, Set.of(), received);
        assertThat(taking.fixes()).containsExactly(new RecordedFix("d_ana", WS, "b_ana", other, Set.of(), received),
                twoRow, threeRow);
        assertThat(taking.taken()).as("the taken key's row as stored").containsExactly(f1);
        assertThat(log().findFixes("d_ana", T0, T0.plusSeconds(10), 10)).containsExactly(f0, f1, twoRow, threeRow);

        PositionLog.Taking none = log().takeFixes("b_ana", "d_ana", new PositionLog.Reads(T0, T0.plusSeconds(9), 0,
                T0, T0), List.of(three), f -> Set.of(), received).orElseThrow();
        assertThat(none.intake().plausible()).as("limit 0 reads no fix").isEmpty();
        assertThat(none.taken()).containsExactly(threeRow);
    }

    @Test
    void takeFixesWhenTheBatchIsUnknownOrAnotherDriversThenEmptyAndNothingWritten() throws SQLException {
        PositionLog.Reads reads = new PositionLog.Reads(T0.minusSeconds(120), T0.plusSeconds(120), 100,
                T0.minusSeconds(300), T0.plusSeconds(300));
        List<Fix> fixes = List.of(Fix.of(T0, 30.27, -97.74, 5.0), Fix.of(T0.plusSeconds(1), 30.27, -97.74, 5.0));

        assertThat(log().takeFixes("b_nobody", "d_ana", reads, fixes, f -> Set.of(), RECEIVED)).isEmpty();
        assertThat(log().takeFixes("b_ben", "d_ana", reads, fixes, f -> Set.of(), RECEIVED))
                .as("ben's batch, same workspace").isEmpty();
        assertThat(log().takeFixes("b_cy", "d_ana", reads, fixes, f -> Set.of(), RECEIVED))
                .as("cy's batch, another workspace").isEmpty();

        assertThat(rows(ds(), "SELECT COUNT(*) FROM driver_fixes")).containsExactly(List.of("0"));
    }

    @Test
    void findFixesWhenRangeGivenThenBothEndsIncludedOldestFirstAtMostLimitAndOnlyThatDriver() {
        List<RecordedFix> ana = List.of(fix("d_ana", T0, 30.1), fix("d_ana", T0.plusSeconds(10), 30.2),
                fix("d_ana", T0.plusSeconds(20), 30.3), fix("d_ana", T0.plusSeconds(30), 30.4));
        log().insertFixes(ana);
        log().insertFixes(List.of(fix("d_ben", T0.plusSeconds(10), 30.5)));

        assertThat(log().findFixes("d_ana", T0.plusSeconds(10), T0.plusSeconds(30), 10)).containsExactlyElementsOf(ana.subList(1, 4));
        assertThat(log().findFixes("d_ana", T0.plusSeconds(10), T0.plusSeconds(30), 2)).containsExactlyElementsOf(ana.subList(1, 3));
        assertThat(log().findFixes("d_ana", T0.plusSeconds(10), T0.plusSeconds(10), 10)).containsExactly(ana.get(1));
        assertThat(log().findFixes("d_ana", T0.plusSeconds(10).plusNanos(1_000), T0.plusSeconds(20).minusNanos(1_000),
                10)).as("a microsecond inside each end").isEmpty();
        assertThat(log().findFixes("d_ana", T0.plusSeconds(20), T0.plusSeconds(10), 10)).as("from after to").isEmpty();
        assertThat(log().findFixes("d_ana", T0, T0.plusSeconds(30), 0)).isEmpty();
        assertThat(log().findFixes("d_nobody", T0, T0.plusSeconds(30), 10)).isEmpty();
        assertThatThrownBy(() -> log().findFixes("d_ana", T0, T0.plusSeconds(30), -1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void purgeFixesWhenOlderThanTheCutOffThenOldestFirstAtMostLimitAndTheCutOffItselfKept() {
        log().insertFixes(List.of(fix("d_ana", T0, 30.1), fix("d_ana", T0.plusSeconds(20), 30.2),
                fix("d_ana", T0.plusSeconds(40), 30.3)));
        log().insertFixes(List.of(fix("d_ben", T0.plusSeconds(10), 30.4), fix("d_ben", T0.plusSeconds(30), 30.5)));
        Instant cut = T0.plusSeconds(30);

        assertThat(log().purgeFixes(cut, 2)).isEqualTo(2);
        assertThat(log().findFixes("d_ana", T0, cut, 10)).extracting(RecordedFix::recordedAt)
                .containsExactly(T0.plusSeconds(20));
        assertThat(log().findFixes("d_ben", T0, cut, 10)).extracting(RecordedFix::recordedAt)
                .containsExactly(T0.plusSeconds(30));

        assertThat(log().purgeFixes(cut, 0)).isZero();
        assertThat(log().purgeFixes(cut, 10)).isEqualTo(1);
        assertThat(log().purgeFixes(cut, 10)).isZero();
        assertThat(log().findFixes("d_ana", T0, T0.plusSeconds(60), 10)).extracting(RecordedFix::recordedAt)
                .containsExactly(T0.plusSeconds(40));
        assertThat(log().findFixes("d_ben", T0, T0.plusSeconds(60), 10)).extracting(RecordedFix::recordedAt)
                .as("recorded at the cut-off: kept").containsExactly(cut);
        assertThatThrownBy(() -> log().purgeFixes(cut, -1)).isInstanceOf(IllegalArgumentException.class);
    }

    // --- presence ------------------------------------------------------------------------------

    @Test
    void heardWhenFirstThenPresenceCreatedAndThenEachInstantMovesForwardOnly() {
        assertThat(log().heard(WS, "d_ana", T0, null)).isEmpty();
        assertThat(log().findPresence(WS)).containsExactly(new DriverPresence("d_ana", WS, T0, null, null));

        log().heard(WS, "d_ana", T0.plusSeconds(60), T0.plusSeconds(50));
        assertThat(presence(WS, "d_ana")).isEqualTo(new DriverPresence("d_ana", WS, T0.plusSeconds(60),
                T0.plusSeconds(50), null));

        // heard earlier than last time (a late commit): the workspace and last_heard_at stay; a later fix counts
        log().heard(WS2, "d_ana", T0.plusSeconds(30), T0.plusSeconds(70));
        assertThat(presence(WS, "d_ana")).isEqualTo(new DriverPresence("d_ana", WS, T0.plusSeconds(60),
                T0.plusSeconds(70), null));
        log().heard(WS, "d_ana", T0.plusSeconds(61), null);
        assertThat(presence(WS, "d_ana")).as("no fix: the last one stays").isEqualTo(new DriverPresence("d_ana", WS,
                T0.plusSeconds(61), T0.plusSeconds(70), null));

        log().heard(WS2, "d_ana", T0.plusSeconds(90), T0.plusSeconds(40));
        assertThat(log().findPresence(WS)).isEmpty();
        assertThat(log().findPresence(WS2)).containsExactly(new DriverPresence("d_ana", WS2, T0.plusSeconds(90),
                T0.plusSeconds(70), null));
    }

    @Test
    void heardWhenAQuietAlertIsOpenThenItIsReturnedOnceAndCleared() {
        log().heard(WS, "d_ana", T0, T0.minusSeconds(5));
        assertThat(log().markQuiet("d_ana", T0, "a-quiet")).isTrue();
        assertThat(presence(WS, "d_ana").quietAlertId()).isEqualTo("a-quiet");

        // even heard at an earlier instant, the phone spoke: the alert is closed
        assertThat(log().heard(WS, "d_ana", T0.minusSeconds(10), null)).contains("a-quiet");

        assertThat(presence(WS, "d_ana")).isEqualTo(new DriverPresence("d_ana", WS, T0, T0.minusSeconds(5), null));
        assertThat(log().heard(WS, "d_ana", T0.plusSeconds(1), null)).isEmpty();
    }

    @Test
    void findPresenceWhenSeveralDriversThenTheWorkspacesOnlyByDriverIdInCodePointOrder() {
        for (String d : List.of("d_b", "d_\u00e4", "D_z", "d_a")) {
            log().heard(WS, d, T0, null);
        }
        log().heard(WS2, "d_cy", T0, null);

        assertThat(log().findPresence(WS)).extracting(DriverPresence::driverId)
                .containsExactly("D_z", "d_a", "d_b", "d_\u00e4");
        assertThat(log().findPresence(WS2)).extracting(DriverPresence::driverId).containsExactly("d_cy");
        assertThat(log().findPresence("ws_none")).isEmpty();
    }

    @Test
    void findSilentWhenDriversWentQuietThenThoseOnRouteWithoutAnOpenAlertLongestSilentFirst() {
        log().heard(WS, "d_ana", T0.plusSeconds(20), null);
        log().heard(WS2, "d_cy", T0.plusSeconds(20), T0.plusSeconds(15));
        log().heard(WS, "d_dee", T0.plusSeconds(10), null);
        log().heard(WS, "d_ben", T0, null);                        // not on route (INACTIVE)
        log().heard(WS, "d_eve", T0, null);                        // not on route (COMPLETED)
        log().heard(WS, "d_fay", T0.plusSeconds(100), null);       // heard at the cut-off
        log().heard(WS, "d_gus", T0, null);
        assertThat(log().markQuiet("d_gus", T0, "a-gus")).isTrue(); // silence already alerted

        List<Silence> silent = log().findSilent(T0.plusSeconds(100), 10);

        assertThat(silent).containsExactly(
                new Silence(new DriverPresence("d_dee", WS, T0.plusSeconds(10), null, null), "b_dee"),
                new Silence(new DriverPresence("d_ana", WS, T0.plusSeconds(20), null, null), "b_ana"),
                new Silence(new DriverPresence("d_cy", WS2, T0.plusSeconds(20), T0.plusSeconds(15), null), "b_cy"));
        assertThat(log().findSilent(T0.plusSeconds(100), 2)).containsExactlyElementsOf(silent.subList(0, 2));
        assertThat(log().findSilent(T0.plusSeconds(100).plusNanos(1_000), 10)).extracting(s -> s.presence().driverId())
                .containsExactly("d_dee", "d_ana", "d_cy", "d_fay");
        assertThat(log().findSilent(T0.plusSeconds(10), 10)).isEmpty();
        assertThat(log().findSilent(T0.plusSeconds(100), 0)).isEmpty();
        assertThatThrownBy(() -> log().findSilent(T0, -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void markQuietWhenHeardSinceThenRefusedAndNothingWritten() {
        log().heard(WS, "d_ana", T0, null);
        String before = fixture().snapshot();

        assertThat(log().markQuiet("d_ana", T0.minusNanos(1_000), "a-1")).isFalse();
        assertThat(log().markQuiet("d_nobody", T0, "a-1")).isFalse();
        assertThat(fixture().snapshot()).isEqualTo(before);

        assertThat(log().markQuiet("d_ana", T0, "a-1")).isTrue();
        assertThat(log().heard(WS, "d_ana", T0.plusSeconds(10), null)).contains("a-1");
        assertThat(log().markQuiet("d_ana", T0, "a-2")).as("heard since").isFalse();
        assertThat(presence(WS, "d_ana").quietAlertId()).isNull();
    }

    // --- alerts ----------------------------------------------------------------------------------

    @Test
    void insertAlertWhenTheDriverKindAndStartAreTakenThenRefusedAndNothingWritten() {
        PositionAlert a1 = alert("a-1", "d_ana", AlertKind.OFF_CORRIDOR, T0, T0.plusSeconds(40), null);
        assertThat(log().insertAlert(a1)).isTrue();
        String before = fixture().snapshot();

        assertThat(log().insertAlert(a1)).isFalse();
        assertThat(log().insertAlert(alert("a-2", "d_ana", AlertKind.OFF_CORRIDOR, T0, T0.plusSeconds(90), null)))
                .isFalse();
        assertThat(log().insertAlert(alert("a-1", "d_ben", AlertKind.QUIET, T0, T0, null))).as("its id").isFalse();
        assertThat(fixture().snapshot()).isEqualTo(before);

        PositionAlert speed = alert("a-3", "d_ana", AlertKind.IMPLAUSIBLE_SPEED, T0, T0.plusSeconds(5), null);
        PositionAlert ben = alert("a-4", "d_ben", AlertKind.OFF_CORRIDOR, T0, T0.plusSeconds(5), "a-9");
        assertThat(log().insertAlert(speed)).isTrue();
        assertThat(log().insertAlert(ben)).isTrue();
        assertThat(log().findAlert(WS, "a-1")).contains(a1);
        assertThat(log().findAlert(WS, "a-2")).isEmpty();
        assertThat(log().findAlert(WS, "a-3")).contains(speed);
        assertThat(log().findAlert(WS, "a-4")).contains(ben);
    }

    @Test
    void updateAlertWhenSpanCountDetailAndMergeChangeThenRewritten() {
        PositionAlert a1 = alert("a-1", "d_ana", AlertKind.OFF_CORRIDOR, T0.plusSeconds(10), T0.plusSeconds(20), null);
        PositionAlert a2 = alert("a-2", "d_ana", AlertKind.OFF_CORRIDOR, T0.plusSeconds(40), T0.plusSeconds(50), null);
        log().insertAlert(a1);
        log().insertAlert(a2);

        PositionAlert grown = new PositionAlert("a-1", WS, "d_ana", "b_ana", AlertKind.OFF_CORRIDOR, T0,
                T0.plusSeconds(50), 9, "outside the corridor: 1.2 km", a1.createdAt(), null);
        PositionAlert merged = new PositionAlert("a-2", WS, "d_ana", "b_ana", AlertKind.OFF_CORRIDOR, a2.firstAt(),
                a2.lastAt(), a2.count(), a2.detail(), a2.createdAt(), "a-1");
        log().updateAlert(grown);
        log().updateAlert(merged);

        assertThat(log().findAlert(WS, "a-1")).contains(grown);
        assertThat(log().findAlert(WS, "a-2")).contains(merged);
        String before = fixture().snapshot();
        log().updateAlert(alert("a-none", "d_ana", AlertKind.QUIET, T0, T0, null));
        assertThat(fixture().snapshot()).as("an unknown id: nothing").isEqualTo(before);
    }

    @Test
    void findAlertsWhenSpansOverlapTheRangeThenThoseNotMergedOldestFirst() {
        PositionAlert a = alert("a-a", "d_ana", AlertKind.OFF_CORRIDOR, T0.plusSeconds(10), T0.plusSeconds(20), null);
        PositionAlert b = alert("a-b", "d_ana", AlertKind.OFF_CORRIDOR, T0.plusSeconds(30), T0.plusSeconds(40), null);
        PositionAlert merged = alert("a-c", "d_ana", AlertKind.OFF_CORRIDOR, T0.plusSeconds(22), T0.plusSeconds(28),
                "a-a");
        PositionAlert d = alert("a-d", "d_ana", AlertKind.OFF_CORRIDOR, T0, T0.plusSeconds(5), null);
        for (PositionAlert x : List.of(b, merged, d, a,
                alert("a-e", "d_ana", AlertKind.IMPLAUSIBLE_SPEED, T0.plusSeconds(10), T0.plusSeconds(20), null),
                alert("a-f", "d_ben", AlertKind.OFF_CORRIDOR, T0.plusSeconds(10), T0.plusSeconds(20), null))) {
            assertThat(log().insertAlert(x)).isTrue();
        }

        assertThat(log().findAlerts("d_ana", AlertKind.OFF_CORRIDOR, T0.plusSeconds(20), T0.plusSeconds(30)))
                .as("touching either end overlaps").containsExactly(a, b);
        assertThat(log().findAlerts("d_ana", AlertKind.OFF_CORRIDOR, T0.plusSeconds(21), T0.plusSeconds(29)))
                .as("only the merged one lies there").isEmpty();
        assertThat(log().findAlerts("d_ana", AlertKind.OFF_CORRIDOR, T0.minusSeconds(100), T0.plusSeconds(100)))
                .containsExactly(d, a, b);
        assertThat(log().findAlerts("d_ana", AlertKind.QUIET, T0, T0.plusSeconds(100))).isEmpty();
        assertThat(log().findAlerts("d_ben", AlertKind.OFF_CORRIDOR, T0, T0.plusSeconds(100))).extracting(PositionAlert::id)
                .containsExactly("a-f");
    }

    @Test
    void findAlertWhenAnotherWorkspaceOrUnknownThenEmptyAndAMergedOneIsStillFound() {
        PositionAlert merged = alert("a-1", "d_ana", AlertKind.OFF_CORRIDOR, T0, T0, "a-0");
        log().insertAlert(merged);

        assertThat(log().findAlert(WS, "a-1")).contains(merged);
        assertThat(log().findAlert(WS2, "a-1")).isEmpty();
        assertThat(log().findAlert(WS, "a-nope")).isEmpty();
    }

    // --- unconfirmed arrivals --------------------------------------------------------------------

    @Test
    void findUnconfirmedArrivalsWhenFlaggedThenThoseWithTheReasonAndNoReviewInRangeOldestFirst() {
        String unconfirmed = "ARRIVAL_UNCONFIRMED: 0 of 2 fixes in the fence, dwell 0 s of 30 s at stop stop-0";
        DriverEvent e1 = event("ev-1", "b_ana", "d_ana", 1, DriverEventType.ARRIVED_AT_STOP, 10, unconfirmed);
        DriverEvent e2a = event("ev-2a", "b_ana", "d_ana", 2, DriverEventType.ARRIVED_AT_STOP, 20, unconfirmed);
        DriverEvent e2b = event("ev-2b", "b_ana", "d_ana", 3, DriverEventType.ARRIVED_AT_STOP, 20,
                "OUTSIDE_GEOFENCE: 182 m from stop 0 (radius 100 m)", unconfirmed);
        DriverEvent e8 = event("ev-8", "b_dee", "d_dee", 1, DriverEventType.ARRIVED_AT_STOP, 10, "ARRIVAL_UNCONFIRMED");
        List<DriverEvent> events = List.of(e2b, e1, e2a, e8,
                event("ev-3", "b_ana", "d_ana", 4, DriverEventType.ARRIVED_AT_STOP, 30, "OUTSIDE_GEOFENCE: 182 m"),
                event("ev-4", "b_ana", "d_ana", 5, DriverEventType.DEPARTED_STOP, 40, unconfirmed),
                event("ev-5", "b_ana", "d_ana", 6, DriverEventType.ARRIVED_AT_STOP, 50, "arrival_unconfirmed: 0 of 2"),
                event("ev-6", "b_ana", "d_ana", 7, DriverEventType.ARRIVED_AT_STOP, 60, "ARRIVALxUNCONFIRMED: 0 of 2"),
                event("ev-7", "b_ana", "d_ana", 8, DriverEventType.ARRIVED_AT_STOP, 70, unconfirmed),
                event("ev-9", "b_ana", "d_ana", 9, DriverEventType.ARRIVED_AT_STOP, 80),
                synced(event("ev-10", "b_cy", "d_cy", 1, DriverEventType.ARRIVED_AT_STOP, 10, unconfirmed), "d_cy", 10,
                        WS2));
        assertThat(store().eventLog().commit(List.of(), events, List.of())).isTrue();
        assertThat(store().reviews().insertReview(new ReviewRecord("r-7", WS, "ev-7", ReviewItem.Kind.EVENT, "d_ana", "s_sam", "seen",
                T0.plusSeconds(500)))).isTrue();
        // a review of that id in another workspace does not close ws_2's event
        assertThat(store().reviews().insertReview(new ReviewRecord("r-10", WS, "ev-10", ReviewItem.Kind.EVENT, "d_cy", "s_sam", "seen",
                T0.plusSeconds(500)))).isTrue();

        assertThat(log().findUnconfirmedArrivals("d_ana", T0, T0.plusSeconds(100), 10)).containsExactly(e1, e2a, e2b);
        assertThat(log().findUnconfirmedArrivals("d_ana", T0.plusSeconds(20), T0.plusSeconds(20), 10))
                .containsExactly(e2a, e2b);
        assertThat(log().findUnconfirmedArrivals("d_ana", T0.plusSeconds(11), T0.plusSeconds(19), 10)).isEmpty();
        assertThat(log().findUnconfirmedArrivals(null, T0, T0.plusSeconds(100), 10)).extracting(DriverEvent::eventId)
                .containsExactly("ev-1", "ev-10", "ev-8", "ev-2a", "ev-2b");
        assertThat(log().findUnconfirmedArrivals(null, T0, T0.plusSeconds(100), 2)).extracting(DriverEvent::eventId)
                .containsExactly("ev-1", "ev-10");
        assertThat(log().findUnconfirmedArrivals("d_dee", T0, T0.plusSeconds(100), 10)).containsExactly(e8);
        assertThat(log().findUnconfirmedArrivals(null, T0, T0.plusSeconds(100), 0)).isEmpty();
        assertThatThrownBy(() -> log().findUnconfirmedArrivals(null, T0, T0, -1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    // --- the review queue ------------------------------------------------------------------------

    @Test
    void reviewQueueWhenAlertsAreOpenThenListedWithTheEventsByWhenRaisedAndMergedOrReviewedOnesLeftOut() {
        DriverEvent flagged = event("ev-f", "b_ana", "d_ana", 1, DriverEventType.ARRIVED_AT_STOP, 4,
                "OUTSIDE_GEOFENCE: 182 m");                                             // synced at T0 + 5 s
        QuarantinedEvent refused = new QuarantinedEvent("q-1", "ev-q", "b_ana", WS, "d_ana", null, "{\"n\":1}",
                EventEncoding.sha256("{\"n\":1}"), ErrorCode.INVALID_TRANSITION, "refused", T0.plusSeconds(15));
        assertThat(store().eventLog().commit(List.of(), List.of(flagged), List.of(refused))).isTrue();
        PositionAlert a1 = raised("al-1", WS, 10, null);
        PositionAlert a2 = raised("al-2", WS, 15, null);
        PositionAlert merged = raised("al-3", WS, 1, "al-1");
        PositionAlert reviewed = raised("al-4", WS, 2, null);
        PositionAlert elsewhere = raised("al-5", WS2, 3, null);
        for (PositionAlert a : List.of(a2, merged, reviewed, a1, elsewhere)) {
            assertThat(log().insertAlert(a)).isTrue();
        }
        assertThat(store().reviews().insertReview(new ReviewRecord("r-4", WS, "al-4", ReviewItem.Kind.ALERT, null, "s_sam", "seen",
                T0.plusSeconds(20)))).isTrue();

        List<ReviewItem> queue = store().reviews().findReviewQueue(WS, null, null, 10);

        assertThat(queue).extracting(ReviewItem::id).containsExactly("ev-f", "al-1", "al-2", "q-1");
        assertThat(queue.get(1)).isEqualTo(new ReviewItem("al-1", WS, a1.createdAt(), null, null, a1));
        assertThat(queue.get(2).alert()).isEqualTo(a2);
        assertThat(queue.get(0).event()).isEqualTo(flagged);
        assertThat(queue.get(3).quarantined()).isEqualTo(refused);
        assertThat(store().reviews().findReviewQueue(WS, a1.createdAt(), "al-1", 10)).extracting(ReviewItem::id)
                .containsExactly("al-2", "q-1");
        assertThat(store().reviews().findReviewQueue(WS, a1.createdAt(), null, 10)).extracting(ReviewItem::id)
                .as("strictly later").containsExactly("al-2", "q-1");
        assertThat(store().reviews().findReviewQueue(WS, null, null, 2)).extracting(ReviewItem::id)
                .containsExactly("ev-f", "al-1");
        assertThat(store().reviews().findReviewQueue(WS2, null, null, 10)).extracting(ReviewItem::id)
                .containsExactly("al-5");

        assertThat(store().reviews().findReviewItem(WS, "al-1"))
                .contains(new ReviewItem("al-1", WS, a1.createdAt(), null, null, a1));
        assertThat(store().reviews().findReviewItem(WS, "al-4")).as("reviewed, as for events")
                .map(ReviewItem::alert).contains(reviewed);
        assertThat(store().reviews().findReviewItem(WS, "al-3")).as("merged").isEmpty();
        assertThat(store().reviews().findReviewItem(WS2, "al-1")).isEmpty();

        assertThat(store().reviews().insertReview(new ReviewRecord("r-1", WS, "al-1", ReviewItem.Kind.ALERT, null, "s_sam", "looked",
                T0.plusSeconds(30)))).isTrue();
        assertThat(store().reviews().insertReview(new ReviewRecord("r-1b", WS, "al-1", ReviewItem.Kind.ALERT, null, "s_oz", "again",
                T0.plusSeconds(31)))).isFalse();
        assertThat(store().reviews().findReviewQueue(WS, null, null, 10)).extracting(ReviewItem::id)
                .containsExactly("ev-f", "al-2", "q-1");

        // merged into another after it was raised: it leaves the queue
        log().updateAlert(new PositionAlert("al-2", WS, "d_ana", "b_ana", AlertKind.OFF_CORRIDOR, a2.firstAt(),
                a2.lastAt(), a2.count(), a2.detail(), a2.createdAt(), "al-1"));
        assertThat(store().reviews().findReviewQueue(WS, null, null, 10)).extracting(ReviewItem::id)
                .containsExactly("ev-f", "q-1");
    }

    // --- a stop's ring, a batch's corridor -------------------------------------------------------

    @Test
    void insertBatchWhenCorridorAndPolygonStopThenEveryBatchReadReturnsThemEqual() throws SQLException {
        Batch b = routed();

        assertThat(store().batches().insertBatch(b)).isTrue();

        assertThat(store().batches().findBatch("b_route")).contains(b);
        assertThat(store().batches().findBatches(List.of("b_route", "b_ana"))).containsEntry("b_route", b);
        assertThat(store().batches().findBatchesInWorkspace(WS)).contains(b);
        assertThat(store().batches().findBatchesAssignedTo("d_hal")).containsExactly(b);
        assertThat(b.stops().get(0).polygon()).isEqualTo(YARD);
        assertThat(rows(ds(), "SELECT stop_id, polygon IS NULL FROM batch_stops WHERE batch_id = 'b_route' "
                + "ORDER BY stop_index")).containsExactly(List.of("s-yard", bool(false)), List.of("s-gate", bool(true)));
        assertThat(rows(ds(), "SELECT corridor_width_m FROM delivery_batches WHERE id = 'b_route'"))
                .containsExactly(List.of("150.5"));
        assertThat(rows(ds(), "SELECT COUNT(*) FROM delivery_batches WHERE route IS NULL AND corridor_width_m IS NULL"))
                .as("the world's batches have no corridor").containsExactly(List.of("7"));
        assertThat(store().batches().findBatch("b_ana").orElseThrow().corridor()).isNull();
    }

    @Test
    void assignDriverWhenBatchHasACorridorThenItIsKept() {
        Batch b = routed();
        store().batches().insertBatch(b);

        Batch assigned = store().batches().assignDriver("b_route", "d_ivy", b.version(), T0.plusSeconds(500))
                .orElseThrow();

        assertThat(assigned.corridor()).isEqualTo(ROUTE);
        assertThat(assigned.stops()).isEqualTo(b.stops());
        assertThat(store().batches().findBatch("b_route")).contains(assigned);
    }

    @Test
    void commitWhenPlanChangedThenTheNewStopsRingsAreStoredAndTheCorridorKept() {
        Batch before = routed();
        store().batches().insertBatch(before);
        PolygonFence square = PolygonFence.of(List.of(Coordinate.of(30.29, -97.7412), Coordinate.of(30.29, -97.7388),
                Coordinate.of(30.292, -97.7388), Coordinate.of(30.292, -97.7412)));
        List<Stop> stops = List.of(before.stops().get(1),
                new Stop("s-dock", Coordinate.of(30.291, -97.74), 60, null, List.of(), null, square),
                before.stops().get(0).withPolygon(null));
        Batch after = next(before, stops, before.corridor());

        assertThat(store().eventLog().commit(List.of(new BatchChange(after, before.version(), true)),
                List.of(), List.of())).isTrue();

        assertThat(store().batches().findBatch("b_route")).contains(after);
        assertThat(store().batches().findBatch("b_route").orElseThrow().stops()).extracting(Stop::polygon)
                .containsExactly(null, square, null);
    }

    @Test
    void commitWhenTheBatchMovesOnThenItsCorridorIsKeptWhateverTheChangeCarries() {
        Batch before = routed();
        store().batches().insertBatch(before);
        Batch moved = next(before, before.stops(), before.corridor());
        assertThat(store().eventLog().commit(List.of(new BatchChange(moved, before.version())),
                List.of(event("ev-m", "b_route", "d_hal", moved.version(), DriverEventType.DELAY_REPORTED, 60)),
                List.of())).isTrue();
        assertThat(store().batches().findBatch("b_route")).contains(moved);

        Batch withoutCorridor = next(moved, moved.stops(), null);
        assertThat(store().eventLog().commit(List.of(new BatchChange(withoutCorridor, moved.version())), List.of(),
                List.of())).isTrue();

        Batch read = store().batches().findBatch("b_route").orElseThrow();
        assertThat(read.version()).isEqualTo(withoutCorridor.version());
        assertThat(read.corridor()).as("written once, at creation").isEqualTo(ROUTE);
    }

    // --- V12 over data stored before it ------------------------------------------------------------

    @Test
    void migrateWhenEventsStoredBeforeV12ThenDriversHavePresenceFromTheirOwnLatestEventAndUndoKeepsTheRows()
            throws Exception {
        try (EmptyDatabases databases = new EmptyDatabases(dialect())) {
            EmptyDatabases.Db db = databases.create();
            assertThat(db.runner().migrate(11)).endsWith(11);
            DataSource ds = db.store().dataSource();
            execute(ds, "INSERT INTO workspaces (id, name) VALUES ('ws_1', 'North'), ('ws_2', 'South')");
            for (String[] b : new String[][] {{"b_1", "ws_1", "d_ana"}, {"b_2", "ws_2", "d_ana"}, {"b_3", "ws_1", "d_ben"},
                    {"b_4", "ws_2", "d_ben"}, {"b_5", "ws_1", "d_cy"}}) {
                execute(ds, "INSERT INTO delivery_batches (id, workspace_id, driver_id, driver_status, execution_metadata, "
                        + "visited_stops, stop_progress, version, created_at, updated_at) VALUES ('" + b[0] + "', '" + b[1]
                        + "', '" + b[2] + "', 'ACTIVE', '{}', '[]', '{}', 1, " + literal(T0) + ", " + literal(T0) + ")");
                execute(ds, "INSERT INTO batch_stops (batch_id, stop_index, stop_id, lat, lng, radius_m) VALUES ('"
                        + b[0] + "', 0, 's-0', 30.27, -97.74, 100)");
            }
            List<DriverEvent> events = List.of(
                    synced(event("ev-1", "b_1", "d_ana", 2, DriverEventType.DELAY_REPORTED, 10), "d_ana", 10, WS),
                    synced(event("ev-2", "b_2", "d_ana", 2, DriverEventType.DELAY_REPORTED, 20), "d_ana", 20, WS2),
                    // a supervisor's override on ana's batch, later: not her phone speaking
                    synced(event("ev-s", "b_1", "d_ana", 3, DriverEventType.SUPERVISOR_OVERRIDE, 30), "s_sam", 30, WS),
                    // two of ben's at one instant: the greater id decides
                    synced(event("ev-3", "b_3", "d_ben", 2, DriverEventType.DELAY_REPORTED, 5), "d_ben", 5, WS),
                    synced(event("ev-4", "b_4", "d_ben", 2, DriverEventType.DELAY_REPORTED, 5), "d_ben", 5, WS2),
                    // a login the system appended: cy's phone never spoke
                    synced(event("ev-l", "b_5", "d_cy", 2, DriverEventType.DRIVER_LOGGED_IN, 40), "system", 40, WS));
            assertThat(db.store().eventLog().commit(List.of(), events, List.of())).isTrue();
            String batchesBefore = dump(ds, "delivery_batches") + dump(ds, "batch_stops") + dump(ds, "driver_events");

            assertThat(db.runner().migrate(12)).containsExactly(12);

            List<DriverPresence> seeded = List.of(new DriverPresence("d_ana", WS2, T0.plusSeconds(21), null, null),
                    new DriverPresence("d_ben", WS2, T0.plusSeconds(6), null, null));
            assertThat(presenceOf(db)).containsExactlyElementsOf(seeded);
            Batch b1 = db.store().batches().findBatch("b_1").orElseThrow();
            assertThat(b1.corridor()).isNull();
            assertThat(b1.stops()).extracting(Stop::polygon).containsExactly((PolygonFence) null);

            UndoContract.undoDownTo(db, 12);
            assertThat(dump(ds, "delivery_batches") + dump(ds, "batch_stops") + dump(ds, "driver_events"))
                    .as("U12 keeps every batch, stop and event as it was").isEqualTo(batchesBefore);
            assertThat(db.store().migrationStatus().pending()).containsExactlyElementsOf(UndoContract.filesFrom(12));

            assertThat(db.runner().migrate(12)).as("V12 again, after U12").containsExactly(12);
            assertThat(presenceOf(db)).containsExactlyElementsOf(seeded);
            assertThat(db.store().batches().findBatch("b_1")).contains(b1);
        }
    }

    // --- V13 over reviews stored before it ----------------------------------------------------------

    @Test
    void migrateWhenReviewsStoredBeforeV13ThenEachNamesItsKindAndTheSenderItClosedAndAnotherSendersEventIsOpenAgain()
            throws Exception {
        try (EmptyDatabases databases = new EmptyDatabases(dialect())) {
            EmptyDatabases.Db db = databases.create();
            assertThat(db.runner().migrate(12)).endsWith(12);
            DataSource ds = db.store().dataSource();
            execute(ds, "INSERT INTO workspaces (id, name) VALUES ('ws_1', 'North')");
            for (String driver : List.of("d_ana", "d_ben")) {
                execute(ds, "INSERT INTO delivery_batches (id, workspace_id, driver_id, driver_status, execution_metadata, "
                        + "visited_stops, stop_progress, version, created_at, updated_at) VALUES ('b_" + driver.substring(2)
                        + "', 'ws_1', '" + driver + "', 'EN_ROUTE', '{}', '[]', '{}', 1, " + literal(T0) + ", "
                        + literal(T0) + ")");
            }
            // ana's and ben's phones both sent a flagged "e-1"; ana's reached the server first
            DriverEvent anas = event("e-1", "b_ana", "d_ana", 2, DriverEventType.ARRIVED_AT_STOP, 10, "OUTSIDE_GEOFENCE: 1 km");
            DriverEvent bens = event("e-1", "b_ben", "d_ben", 2, DriverEventType.ARRIVED_AT_STOP, 20, "OUTSIDE_GEOFENCE: 2 km");
            QuarantinedEvent refused = new QuarantinedEvent("q-1", "ev-q", "b_ana", WS, "d_ana", null, "{\"n\":1}",
                    EventEncoding.sha256("{\"n\":1}"), ErrorCode.INVALID_TRANSITION, "refused", T0.plusSeconds(30));
            assertThat(db.store().eventLog().commit(List.of(), List.of(anas, bens), List.of(refused))).isTrue();
            assertThat(db.store().positions().insertAlert(raised("al-1", WS, 40, null))).isTrue();
            // V12's records: (workspace_id, item_id) only
            for (String[] r : new String[][] {{"r-e", "e-1", "FALSE"}, {"r-q", "q-1", "TRUE"}, {"r-a", "al-1", "FALSE"}}) {
                execute(ds, "INSERT INTO event_reviews (id, workspace_id, item_id, quarantined, reviewer_id, note, "
                        + "reviewed_at) VALUES ('" + r[0] + "', 'ws_1', '" + r[1] + "', " + r[2] + ", 's_sam', 'seen', "
                        + literal(T0.plusSeconds(60)) + ")");
            }
            String before = dump(ds, "event_reviews");
            assertThat(db.store().migrationStatus().pending()).containsExactlyElementsOf(UndoContract.filesFrom(13));

            assertThat(db.runner().migrate()).containsExactlyElementsOf(UndoContract.versionsAfter(12));

            assertThat(rows(ds, "SELECT id, item_kind, item_sender_id FROM event_reviews ORDER BY id")).containsExactly(
                    List.of("r-a", "ALERT", ""), List.of("r-e", "EVENT", "d_ana"), List.of("r-q", "QUARANTINED", ""));
            assertThat(db.store().reviews().findReviewQueue(WS, null, null, 10))
                    .as("ben's e-1 was hidden by ana's review; now it is open")
                    .extracting(ReviewItem::id, ReviewItem::senderId)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("e-1", "d_ben"));

            UndoContract.undoDownTo(db, 13);
            assertThat(dump(ds, "event_reviews")).as("U13 keeps every record as it was").isEqualTo(before);
            assertThat(db.runner().migrate()).as("V13 again, after U13").containsExactlyElementsOf(UndoContract.versionsAfter(12));
            assertThat(rows(ds, "SELECT id, item_kind, item_sender_id FROM event_reviews ORDER BY id")).containsExactly(
                    List.of("r-a", "ALERT", ""), List.of("r-e", "EVENT", "d_ana"), List.of("r-q", "QUARANTINED", ""));
        }
    }

    // --- V18: the structures the sweep and the queue read stay the truth --------------------------

    /** The statuses a batch is on route in (ux_delivery_batches_one_on_route). */
    private static final Set<DriverStatus> ON_ROUTE = EnumSet.of(DriverStatus.EN_ROUTE, DriverStatus.AT_STOP,
            DriverStatus.DELAYED);

    @Test
    void findSilentWhenBatchesGoOnAndOffRouteMoveDriverAndDriversAreFirstHeardInAnyOrderThenItMatchesTheBatchesAtEveryStep()
            throws SQLException {
        List<String> drivers = List.of("d_ana", "d_ben", "d_dee", "d_eve", "d_fay", "d_gus", "d_cy", "d_hal", "d_ivy");
        List<DriverStatus> statuses = List.of(DriverStatus.INACTIVE, DriverStatus.ACTIVE, DriverStatus.EN_ROUTE,
                DriverStatus.DELAYED, DriverStatus.SUSPENDED, DriverStatus.COMPLETED);
        Map<String, Batch> batches = new java.util.TreeMap<>();
        for (String id : List.of("b_ana", "b_ben", "b_dee", "b_eve", "b_fay", "b_gus", "b_cy")) {
            batches.put(id, store().batches().findBatch(id).orElseThrow());
        }
        for (long seed : new long[] {19, 20, 21}) {
            Random random = new Random(seed);
            for (int step = 0; step < 120; step++) {
                String driver = drivers.get(random.nextInt(drivers.size()));
                Batch b = new ArrayList<>(batches.values()).get(random.nextInt(batches.size()));
                switch (random.nextInt(5)) {
                    case 0 -> log().heard(WS, driver, T0.plusSeconds(random.nextInt(50)), null);
                    case 1 -> {
                        String id = "b_" + seed + "_" + step;
                        DriverStatus s = statuses.get(random.nextInt(statuses.size()));
                        if (ON_ROUTE.contains(s) && onRoute(batches, driver) != null) {
                            s = DriverStatus.ACTIVE;
                        }
                        assertThat(store().batches().insertBatch(new Batch(id, WS, driver, s, null, T0, null, Map.of(),
                                1, List.of(Stop.of(30.27, -97.74, 100)), List.of(), T0, T0))).isTrue();
                        batches.put(id, store().batches().findBatch(id).orElseThrow());
                    }
                    case 2, 3 -> {
                        DriverStatus s = statuses.get(random.nextInt(statuses.size()));
                        String other = b.driverId() == null ? null : onRoute(batches, b.driverId());
                        if (ON_ROUTE.contains(s) && (b.driverId() == null || (other != null && !other.equals(b.id())))) {
                            s = DriverStatus.COMPLETED;
                        }
                        Batch next = new Batch(b.id(), b.workspaceId(), b.driverId(), s, b.currentStopIndex(),
                                b.actualStartTime(), b.actualEndTime(), b.metadata(), b.version() + 1, b.stops(),
                                b.visitedStops(), b.progress(), b.removedStops(), b.corridor(), b.createdAt(),
                                b.updatedAt().plusSeconds(1));
                        assertThat(store().eventLog().commit(List.of(new BatchChange(next, b.version())), List.of(),
                                List.of())).isTrue();
                        batches.put(b.id(), store().batches().findBatch(b.id()).orElseThrow());
                    }
                    default -> {
                        // hand the batch to another driver, or take it from its driver when that one is on route
                        String to = ON_ROUTE.contains(b.status()) && onRoute(batches, driver) != null ? null : driver;
                        assertThat(store().batches().assignDriver(b.id(), to, b.version(), T0.plusSeconds(step)))
                                .isPresent();
                        batches.put(b.id(), store().batches().findBatch(b.id()).orElseThrow());
                    }
                }
                assertSweepMatches(batches, "seed " + seed + " step " + step);
            }
        }
    }

    /** The batch on route of the driver in the model, or {@code null}. */
    private static String onRoute(Map<String, Batch> batches, String driver) {
        return batches.values().stream().filter(b -> driver.equals(b.driverId()) && ON_ROUTE.contains(b.status()))
                .map(Batch::id).findFirst().orElse(null);
    }

    /** driver_presence.on_route_batch_id and findSilent against the model and against the batches' join. */
    private void assertSweepMatches(Map<String, Batch> batches, String when) throws SQLException {
        List<DriverPresence> presence = new ArrayList<>(log().findPresence(WS));
        presence.addAll(log().findPresence(WS2));
        List<List<String>> expected = new ArrayList<>();
        for (DriverPresence p : presence) {
            expected.add(Arrays.asList(p.driverId(), onRoute(batches, p.driverId())));
        }
        expected.sort(java.util.Comparator.comparing(r -> r.get(0)));
        assertThat(rows(ds(), "SELECT driver_id, on_route_batch_id FROM driver_presence ORDER BY driver_id"))
                .as("on_route_batch_id at " + when).isEqualTo(expected);
        assertThat(rows(ds(), "SELECT p.driver_id FROM driver_presence p LEFT JOIN delivery_batches b"
                + " ON b.driver_id = p.driver_id AND b.driver_status IN ('EN_ROUTE', 'AT_STOP', 'DELAYED')"
                + " WHERE (p.on_route_batch_id IS NULL) <> (b.id IS NULL) OR p.on_route_batch_id <> b.id"))
                .as("against the join at " + when).isEmpty();
        Instant cut = T0.plusSeconds(30);
        List<Silence> silent = presence.stream()
                .filter(p -> p.quietAlertId() == null && p.lastHeardAt().isBefore(cut) && onRoute(batches, p.driverId()) != null)
                .sorted(java.util.Comparator.comparing(DriverPresence::lastHeardAt).thenComparing(DriverPresence::driverId))
                .map(p -> new Silence(p, onRoute(batches, p.driverId()))).toList();
        assertThat(log().findSilent(cut, 100)).as("findSilent at " + when).isEqualTo(silent);
        if (silent.size() > 1) {
            assertThat(log().findSilent(cut, 1)).isEqualTo(silent.subList(0, 1));
        }
    }

    /** An item of the queue in the model: kind, id, sender ("" but for events), when it arrived. */
    private record Item(ReviewItem.Kind kind, String id, String sender, Instant at) {
    }

    @Test
    void reviewQueueWhenItemsArriveAreReviewedAndMergedInAnyOrderThenEveryPageAndTheOpenItemsMatchTheItemsWithoutAReview()
            throws SQLException {
        Random random = new Random(18);
        List<Item> items = new ArrayList<>();
        Set<Item> open = new java.util.HashSet<>();
        Map<String, PositionAlert> alerts = new java.util.HashMap<>();
        for (int k = 1; k <= 160; k++) {
            switch (random.nextInt(6)) {
                case 0, 1 -> {
                    // a flagged event of ana's or fay's; one in three reuses an id the other sender used
                    String driver = random.nextBoolean() ? "d_ana" : "d_fay";
                    List<Item> others = items.stream().filter(i -> i.kind() == ReviewItem.Kind.EVENT
                            && !i.sender().equals(driver)).toList();
                    String id = !others.isEmpty() && random.nextInt(3) == 0
                            ? others.get(random.nextInt(others.size())).id() : "e-" + k;
                    boolean taken = items.stream().anyMatch(i -> i.kind() == ReviewItem.Kind.EVENT
                            && i.id().equals(id) && i.sender().equals(driver));
                    String eventId = taken ? "e-" + k : id;
                    boolean flagged = random.nextInt(4) > 0;
                    DriverEvent e = flagged
                            ? event(eventId, "b_" + driver.substring(2), driver, k, DriverEventType.ARRIVED_AT_STOP, k,
                                    "OUTSIDE_GEOFENCE: 1 km")
                            : event(eventId, "b_" + driver.substring(2), driver, k, DriverEventType.ARRIVED_AT_STOP, k);
                    assertThat(store().eventLog().commit(List.of(), List.of(e), List.of())).isTrue();
                    if (flagged) {
                        Item item = new Item(ReviewItem.Kind.EVENT, eventId, driver, e.syncedAt());
                        items.add(item);
                        open.add(item);
                    }
                }
                case 2 -> {
                    String workspace = random.nextInt(4) == 0 ? WS2 : WS;
                    String content = "{\"n\":" + k + "}";  // the same content and event id are kept once
                    QuarantinedEvent q = new QuarantinedEvent("q-" + k, "ev-q" + k, "b_ana", workspace, "d_ana", null,
                            content, EventEncoding.sha256(content), ErrorCode.INVALID_TRANSITION, "refused",
                            T0.plusSeconds(k));
                    assertThat(store().eventLog().commit(List.of(), List.of(), List.of(q))).isTrue();
                    if (workspace.equals(WS)) {
                        Item item = new Item(ReviewItem.Kind.QUARANTINED, q.id(), "", q.receivedAt());
                        items.add(item);
                        open.add(item);
                    }
                }
                case 3 -> {
                    List<String> into = new ArrayList<>(alerts.keySet());
                    String mergedInto = !into.isEmpty() && random.nextInt(5) == 0 ? into.get(random.nextInt(into.size())) : null;
                    PositionAlert a = raised("al-" + k, WS, k, mergedInto);
                    assertThat(log().insertAlert(a)).isTrue();
                    alerts.put(a.id(), a);
                    Item item = new Item(ReviewItem.Kind.ALERT, a.id(), "", a.createdAt());
                    items.add(item);
                    if (mergedInto == null) {
                        open.add(item);
                    }
                }
                case 4 -> {
                    List<PositionAlert> unmerged = alerts.values().stream().filter(a -> a.mergedInto() == null)
                            .sorted(java.util.Comparator.comparing(PositionAlert::id)).toList();
                    if (unmerged.size() > 1) {
                        PositionAlert a = unmerged.get(random.nextInt(unmerged.size()));
                        PositionAlert target = unmerged.get(0) == a ? unmerged.get(1) : unmerged.get(0);
                        PositionAlert merged = new PositionAlert(a.id(), a.workspaceId(), a.driverId(), a.batchId(),
                                a.kind(), a.firstAt(), a.lastAt().plusSeconds(1), a.count() + 1, a.detail(),
                                a.createdAt(), target.id());
                        log().updateAlert(merged);
                        alerts.put(a.id(), merged);
                        open.remove(new Item(ReviewItem.Kind.ALERT, a.id(), "", a.createdAt()));
                    }
                }
                default -> {
                    if (!items.isEmpty()) {
                        Item item = items.get(random.nextInt(items.size()));
                        boolean wasOpen = open.remove(item);
                        boolean written = store().reviews().insertReview(new ReviewRecord("r-" + k, WS, item.id(),
                                item.kind(), item.kind() == ReviewItem.Kind.EVENT ? item.sender() : null, "s_sam",
                                "seen", T0.plusSeconds(1000 + k)));
                        // a merged alert may be reviewed too (the store takes the record); it stays out of the queue
                        assertThat(written || !wasOpen).as("an open item's first review is written").isTrue();
                    }
                }
            }
            assertQueueMatches(open, "step " + k);
        }
        assertThat(open).as("the run left items open and closed some").isNotEmpty();
        assertThat(items.size()).isGreaterThan(open.size());
    }

    /** Every page of the queue (3 at a time) and the rows of open_review_items against the model. */
    private void assertQueueMatches(Set<Item> open, String when) throws SQLException {
        List<Item> expected = open.stream().sorted(java.util.Comparator.comparing(Item::at).thenComparing(Item::id)
                .thenComparing(Item::sender)).toList();
        List<Item> paged = new ArrayList<>();
        List<ReviewItem> page = store().reviews().findReviewQueue(WS, null, null, 3);
        while (!page.isEmpty()) {
            for (ReviewItem r : page) {
                paged.add(new Item(r.kind(), r.id(), r.kind() == ReviewItem.Kind.EVENT ? r.senderId() : "", r.at()));
            }
            ReviewItem last = page.get(page.size() - 1);
            page = store().reviews().findReviewQueue(WS, last.at(), last.id(), 3);
        }
        assertThat(paged).as("the queue's pages at " + when).isEqualTo(expected);
        List<List<String>> rows = new ArrayList<>();
        for (Item i : expected) {
            rows.add(List.of(i.kind().name(), i.id(), i.sender()));
        }
        assertThat(rows(ds(), "SELECT item_kind, item_id, item_sender_id FROM open_review_items WHERE workspace_id = 'ws_1'"
                + " ORDER BY arrival_at, item_id, item_sender_id")).as("open_review_items at " + when).isEqualTo(rows);
    }

    @Test
    void migrateWhenDataStoredBeforeV18ThenOnRouteAndOpenItemsAreFilledFromItAndUndoAndRedoGiveTheSame()
            throws Exception {
        try (EmptyDatabases databases = new EmptyDatabases(dialect())) {
            EmptyDatabases.Db db = databases.create();
            assertThat(db.runner().migrate(17)).endsWith(17);
            DataSource ds = db.store().dataSource();
            var s = db.store();
            s.workspaces().upsertWorkspace(new Workspace(WS, "Depot North"));
            s.workspaces().upsertWorkspace(new Workspace(WS2, "Depot South"));
            for (String[] b : new String[][] {{"b_ana", "d_ana", "EN_ROUTE"}, {"b_ben", "d_ben", "ACTIVE"},
                    {"b_cy", "d_cy", "DELAYED"}, {"b_dee", "d_dee", "COMPLETED"}, {"b_fay", "d_fay", "AT_STOP"}}) {
                DriverStatus st = DriverStatus.valueOf(b[2]);
                assertThat(s.batches().insertBatch(new Batch(b[0], WS, b[1], st, st == DriverStatus.AT_STOP ? 0 : null,
                        T0, null, Map.of(), 1, List.of(Stop.of(30.27, -97.74, 100)),
                        st == DriverStatus.AT_STOP ? List.of(0) : List.of(), T0, T0))).isTrue();
            }
            for (String d : List.of("d_ana", "d_ben", "d_dee", "d_fay")) {   // cy never heard
                s.positions().heard(WS, d, T0.plusSeconds(d.length() + d.charAt(2)), null);
            }
            assertThat(s.positions().markQuiet("d_fay", T0.plusSeconds(5 + 'f'), "al-q")).isTrue();
            DriverEvent anas = event("e-1", "b_ana", "d_ana", 2, DriverEventType.ARRIVED_AT_STOP, 10, "OUTSIDE_GEOFENCE: 1 km");
            DriverEvent fays = event("e-1", "b_fay", "d_fay", 2, DriverEventType.ARRIVED_AT_STOP, 20, "OUTSIDE_GEOFENCE: 2 km");
            DriverEvent plain = event("e-2", "b_ana", "d_ana", 3, DriverEventType.DELAY_REPORTED, 25);
            DriverEvent done = event("e-3", "b_ana", "d_ana", 4, DriverEventType.ARRIVED_AT_STOP, 26, "OUTSIDE_GEOFENCE: 3 km");
            QuarantinedEvent q1 = new QuarantinedEvent("q-1", "ev-q", "b_ana", WS, "d_ana", null, "{\"n\":1}",
                    EventEncoding.sha256("{\"n\":1}"), ErrorCode.INVALID_TRANSITION, "refused", T0.plusSeconds(30));
            QuarantinedEvent q2 = new QuarantinedEvent("q-2", "ev-q2", "b_ana", WS, "d_ana", null, "{\"n\":2}",
                    EventEncoding.sha256("{\"n\":2}"), ErrorCode.INVALID_TRANSITION, "refused", T0.plusSeconds(31));
            QuarantinedEvent nowhere = new QuarantinedEvent("q-3", "ev-q3", "b_x", null, "d_zed", null, "{\"n\":3}",
                    EventEncoding.sha256("{\"n\":3}"), ErrorCode.INVALID_TRANSITION, "refused", T0.plusSeconds(32));
            assertThat(s.eventLog().commit(List.of(), List.of(anas, fays, plain, done), List.of(q1, q2, nowhere))).isTrue();
            assertThat(s.positions().insertAlert(raised("al-1", WS, 40, null))).isTrue();
            assertThat(s.positions().insertAlert(raised("al-2", WS, 41, "al-1"))).isTrue();
            assertThat(s.positions().insertAlert(raised("al-3", WS, 42, null))).isTrue();
            assertThat(s.positions().insertAlert(raised("al-4", WS2, 43, null))).isTrue();
            for (ReviewRecord r : List.of(
                    new ReviewRecord("r-1", WS, "e-1", ReviewItem.Kind.EVENT, "d_ana", "s_sam", "seen", T0.plusSeconds(60)),
                    new ReviewRecord("r-2", WS, "e-3", ReviewItem.Kind.EVENT, "d_ana", "s_sam", "seen", T0.plusSeconds(60)),
                    new ReviewRecord("r-3", WS, "q-2", ReviewItem.Kind.QUARANTINED, null, "s_sam", "seen", T0.plusSeconds(60)),
                    new ReviewRecord("r-4", WS, "al-3", ReviewItem.Kind.ALERT, null, "s_sam", "seen", T0.plusSeconds(60)))) {
                assertThat(s.reviews().insertReview(r)).isTrue();
            }
            String before = dump(ds, "delivery_batches") + dump(ds, "driver_events") + dump(ds, "quarantined_events")
                    + dump(ds, "position_alerts") + dump(ds, "event_reviews");

            assertThat(db.runner().migrate()).containsExactlyElementsOf(UndoContract.versionsAfter(17));

            List<List<String>> onRoute = List.of(Arrays.asList("d_ana", "b_ana"), Arrays.asList("d_ben", null),
                    Arrays.asList("d_dee", null), Arrays.asList("d_fay", "b_fay"));
            List<List<String>> openItems = List.of(List.of("ws_1", "EVENT", "d_fay", "e-1"), List.of("ws_1", "QUARANTINED", "", "q-1"),
                    List.of("ws_1", "ALERT", "", "al-1"), List.of("ws_2", "ALERT", "", "al-4"));
            String presenceSql = "SELECT driver_id, on_route_batch_id FROM driver_presence ORDER BY driver_id";
            String openSql = "SELECT workspace_id, item_kind, item_sender_id, item_id FROM open_review_items"
                    + " ORDER BY workspace_id, arrival_at";
            assertThat(rows(ds, presenceSql)).isEqualTo(onRoute);
            assertThat(rows(ds, openSql)).isEqualTo(openItems);
            assertThat(s.positions().findSilent(T0.plusSeconds(1000), 10)).extracting(Silence::batchId)
                    .as("ana's silence; fay's is alerted, cy was never heard").containsExactly("b_ana");
            assertThat(s.reviews().findReviewQueue(WS, null, null, 10)).extracting(ReviewItem::id, ReviewItem::senderId)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("e-1", "d_fay"),
                            org.assertj.core.groups.Tuple.tuple("q-1", null), org.assertj.core.groups.Tuple.tuple("al-1", null));

            UndoContract.undoDownTo(db, 18);
            assertThat(dump(ds, "delivery_batches") + dump(ds, "driver_events") + dump(ds, "quarantined_events")
                    + dump(ds, "position_alerts") + dump(ds, "event_reviews")).as("U18 changes no source row").isEqualTo(before);
            assertThat(db.runner().migrate()).as("V18 again, after U18").containsExactlyElementsOf(UndoContract.versionsAfter(17));
            assertThat(rows(ds, presenceSql)).isEqualTo(onRoute);
            assertThat(rows(ds, openSql)).isEqualTo(openItems);

            // and the triggers carry on from the backfill: cy heard on route, ana's batch off route
            s.positions().heard(WS, "d_cy", T0, null);
            Batch ana = s.batches().findBatch("b_ana").orElseThrow();
            assertThat(s.batches().assignDriver("b_ana", null, ana.version(), T0.plusSeconds(90))).isPresent();
            assertThat(s.positions().findSilent(T0.plusSeconds(1000), 10)).extracting(Silence::batchId)
                    .containsExactly("b_cy");
        }
    }

    // --- the records ------------------------------------------------------------------------------

    /** A plausible fix of the driver's batch (in ws_1), 5 m accurate. */
    static RecordedFix fix(String driver, Instant at, double lat) {
        return new RecordedFix(driver, WS, "b_" + driver.substring(2), Fix.of(at, lat, -97.74, 5.0), Set.of(), RECEIVED);
    }

    /** An alert of the driver's batch in ws_1, raised at T0 + 1 h. */
    static PositionAlert alert(String id, String driver, AlertKind kind, Instant first, Instant last, String mergedInto) {
        return new PositionAlert(id, WS, driver, "b_" + driver.substring(2), kind, first, last, 3,
                "outside the planned route's corridor (200 m wide)", T0.plusSeconds(3600), mergedInto);
    }

    /** An alert of ana's (in ws_1) or cy's (in ws_2) raised {@code seconds} after T0. */
    static PositionAlert raised(String id, String workspace, long seconds, String mergedInto) {
        String driver = workspace.equals(WS) ? "d_ana" : "d_cy";
        return new PositionAlert(id, workspace, driver, "b_" + driver.substring(2), AlertKind.OFF_CORRIDOR,
                T0.plusSeconds(seconds), T0.plusSeconds(seconds + 5), 2, "off the route", T0.plusSeconds(seconds),
                mergedInto);
    }

    /**
     * An event the driver sent, recorded {@code seconds} after T0 and synced a second later, located,
     * flagged with these reasons (not flagged without any).
     */
    static DriverEvent event(String id, String batch, String driver, long version, DriverEventType type, long seconds,
                             String... reasons) {
        Instant at = T0.plusSeconds(seconds);
        return new DriverEvent(id, batch, WS, driver, driver, "sess_1", type, DriverStatus.EN_ROUTE, DriverStatus.AT_STOP,
                version, at, at.plusSeconds(1), 30.27, -97.74, 5.0, 0, Map.of(), null, EventEncoding.sha256(id),
                reasons.length > 0, Arrays.asList(reasons), "stop-0");
    }

    /** The event sent by {@code actor} in {@code workspace}, synced {@code seconds} + 1 s after T0. */
    static DriverEvent synced(DriverEvent e, String actor, long seconds, String workspace) {
        return new DriverEvent(e.eventId(), e.batchId(), workspace, e.driverId(), actor, e.sessionId(), e.type(),
                e.previousStatus(), e.status(), e.batchVersion(), e.recordedAt(), T0.plusSeconds(seconds + 1), e.lat(),
                e.lng(), e.accuracyMeters(), e.stopIndex(), e.payload(), e.reason(), e.contentHash(),
                e.flaggedForReview(), e.flagReasons(), e.stopId());
    }

    /** Batch b_route of d_hal in ws_1, on route along {@link #ROUTE}: a stop fenced by {@link #YARD}, one by a circle. */
    static Batch routed() {
        List<Stop> stops = List.of(
                new Stop("s-yard", Coordinate.of(30.28, -97.74), 80, new TimeWindow(T0, null), List.of(), null, YARD),
                new Stop("s-gate", Coordinate.of(30.295, -97.741), 40, null, List.of(), null, null));
        return new Batch("b_route", WS, "d_hal", DriverStatus.EN_ROUTE, null, T0, null, Map.of("route", "R-9"), 2,
                stops, List.of(), null, List.of(), ROUTE, T0.minusSeconds(60), T0);
    }

    /** {@code b} one version on, with these stops and corridor. */
    static Batch next(Batch b, List<Stop> stops, Corridor corridor) {
        return new Batch(b.id(), b.workspaceId(), b.driverId(), DriverStatus.DELAYED, b.currentStopIndex(),
                b.actualStartTime(), b.actualEndTime(), b.metadata(), b.version() + 1, stops, b.visitedStops(),
                b.progress(), b.removedStops(), corridor, b.createdAt(), b.updatedAt().plusSeconds(60));
    }

    // --- helpers ------------------------------------------------------------------------------

    private DriverPresence presence(String workspace, String driver) {
        return log().findPresence(workspace).stream().filter(p -> p.driverId().equals(driver)).findFirst()
                .orElseThrow();
    }

    private static List<DriverPresence> presenceOf(EmptyDatabases.Db db) {
        List<DriverPresence> out = new ArrayList<>(db.store().positions().findPresence(WS));
        out.addAll(db.store().positions().findPresence(WS2));
        out.sort(java.util.Comparator.comparing(DriverPresence::driverId));
        return out;
    }

    protected DataSource ds() {
        return ((JdbcStore) store()).dataSource();
    }

    /** The instant as an SQL literal of the dialect's column type. */
    protected String literal(Instant at) {
        return JdbcAssertions.literal(dialect(), at);
    }

    /** A boolean as the dialect's driver renders it. */
    private String bool(boolean b) {
        return dialect() == Dialect.POSTGRES ? (b ? "t" : "f") : (b ? "1" : "0");
    }

    /** Every row of a raw query, each column as text (on PostgreSQL as the system principal). */
    static List<List<String>> rows(DataSource ds, String sql) throws SQLException {
        return PostgresFixture.asSystem(ds, c -> PostgresFixture.rows(c, sql));
    }

    private static String dump(DataSource ds, String table) throws SQLException {
        List<String> lines = new ArrayList<>();
        for (List<String> row : rows(ds, "SELECT * FROM " + table)) {
            lines.add(String.valueOf(row));
        }
        Collections.sort(lines);
        return table + lines + "\n";
    }
}
