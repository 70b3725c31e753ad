package io.fleetgate.contract;

import io.fleetgate.access.Workspace;
import io.fleetgate.error.ErrorCode;
import io.fleetgate.execution.Batch;
import io.fleetgate.execution.DriverEvent;
import io.fleetgate.execution.DriverEventType;
import io.fleetgate.execution.DriverStatus;
import io.fleetgate.execution.EventEncoding;
import io.fleetgate.execution.QuarantinedEvent;
import io.fleetgate.execution.Stop;
import io.fleetgate.internal.Json;
import io.fleetgate.spi.EventLog.BatchChange;
import io.fleetgate.testkit.StoreContract;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The store contract of {@link io.fleetgate.spi.BatchRepository}, {@link io.fleetgate.spi.EventLog},
 * {@link io.fleetgate.spi.ReviewQueue} and {@link io.fleetgate.spi.WorkspaceDirectory}, tested
 * directly (below the service) on every store by a thin subclass (in-memory, SQLite, PostgreSQL):
 * round trips, the all-or-nothing commit, the invariants every store must keep (one batch on route
 * per driver, one event per batch version, event ids unique per workspace and sender) and two
 * instances racing on one data set. What only a database can show (its triggers refusing a
 * hand-made change, a migration run again) is in store-jdbc's {@code JdbcExecutionStoreContract}.
 *
 * <p>The static builders ({@link #newBatch}, {@link #step}, {@link #event}, …) make the records
 * the other store contracts use too.
 */
public abstract class ExecutionStoreContract extends StoreContract {
    /** The instant every record is built around (microsecond precision, as the databases keep). */
    public static final Instant T0 = Instant.parse("2026-11-22T10:00:00.123456Z");
    /** The workspace every test starts with. */
    public static final String WS = "ws_1";

    /** The execution repositories of {@link #store()}. */
    protected ExecutionRepos repo;

    @BeforeEach
    void seedWorkspace() {
        repo = ExecutionRepos.of(store());
        store().workspaces().upsertWorkspace(new Workspace(WS, "Depot North"));
    }

    // --- workspaces -------------------------------------------------------------------------

    @Test
    void upsertWorkspaceWhenSameIdAgainThenNameAndSettingsReplacedAndIdempotent() {
        store().workspaces().upsertWorkspace(new Workspace("ws_2", null));
        assertThat(store().workspaces().findWorkspace("ws_2")).contains(new Workspace("ws_2", null));

        store().workspaces().upsertWorkspace(new Workspace("ws_2", "South", true));
        String once = fixture().snapshot();
        store().workspaces().upsertWorkspace(new Workspace("ws_2", "South", true));

        assertThat(store().workspaces().findWorkspace("ws_2")).contains(new Workspace("ws_2", "South", true));
        store().workspaces().upsertWorkspace(new Workspace("ws_2", "South", false));
        assertThat(store().workspaces().findWorkspace("ws_2")).contains(new Workspace("ws_2", "South", false));
        assertThat(store().workspaces().findWorkspace("ws_nope")).isEmpty();
        store().workspaces().upsertWorkspace(new Workspace("ws_2", "South", true));
        assertThat(fixture().snapshot()).isEqualTo(once);
    }

    // --- batches ----------------------------------------------------------------------------

    @Test
    void insertBatchWhenNewThenFoundEqualWithStopsInOrder() {
        Batch b = newBatch("b_1", "d_ana");

        assertThat(repo.batches().insertBatch(b)).isTrue();

        assertThat(repo.batches().findBatch("b_1")).contains(b);
        assertThat(repo.batches().findBatch("b_nope")).isEmpty();
    }

    @Test
    void insertBatchWhenEveryFieldSetThenFoundEqual() {
        Map<String, Object> metadata = canonical(Map.of("vehicle", Map.of("plate", "AB-123", "axles", 2),
                "tags", List.of("cold", true), "note", "none"));
        Batch b = new Batch("b_full", WS, null, DriverStatus.AT_STOP, 1, T0, T0.plusSeconds(60), metadata, 7,
                List.of(Stop.of(-33.8688, 151.2093, 0.5), Stop.of(90, -180, 1e6)), List.of(0, 1), T0,
                T0.plusSeconds(120));

        assertThat(repo.batches().insertBatch(b)).isTrue();

        assertThat(repo.batches().findBatch("b_full")).contains(b);
    }

    @Test
    void insertBatchWhenIdExistsThenFalseAndNothingWritten() {
        repo.batches().insertBatch(newBatch("b_1", "d_ana"));
        String before = fixture().snapshot();

        Batch other = new Batch("b_1", WS, "d_ben", DriverStatus.INACTIVE, null, null, null, Map.of(), 0,
                List.of(Stop.of(1, 1, 10), Stop.of(2, 2, 10), Stop.of(3, 3, 10), Stop.of(4, 4, 10)), List.of(),
                T0, T0);

        assertThat(repo.batches().insertBatch(other)).isFalse();
        assertThat(fixture().snapshot()).isEqualTo(before);
    }

    @Test
    void findBatchesWhenSomeUnknownThenKnownOnesWithTheirStops() {
        Batch a = newBatch("b_a", "d_ana");
        Batch b = newBatch("b_b", null);
        repo.batches().insertBatch(a);
        repo.batches().insertBatch(b);

        assertThat(repo.batches().findBatches(List.of("b_a", "b_nope", "b_b", "b_a"))).isEqualTo(Map.of("b_a", a, "b_b", b));
        assertThat(repo.batches().findBatches(List.of())).isEmpty();
    }

    @Test
    void findBatchesWhenMoreIdsThanOneQueryTakesThenAllFound() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 1_100; i++) {
            ids.add("b_" + i);
        }
        for (int i = 0; i < 1_100; i += 100) {
            repo.batches().insertBatch(newBatch("b_" + i, null));
        }

        Map<String, Batch> found = repo.batches().findBatches(ids);

        assertThat(found).hasSize(11).containsKeys("b_0", "b_500", "b_1000");
        assertThat(found.get("b_1000").stops()).hasSize(3);
    }

    @Test
    void assignDriverWhenVersionMatchesThenAssignedAndVersionBumped() {
        repo.batches().insertBatch(newBatch("b_1", null));
        Instant later = T0.plusSeconds(30);

        Batch assigned = repo.batches().assignDriver("b_1", "d_ana", 0, later).orElseThrow();

        assertThat(assigned.driverId()).isEqualTo("d_ana");
        assertThat(assigned.version()).isEqualTo(1);
        assertThat(assigned.updatedAt()).isEqualTo(later);
        assertThat(assigned.createdAt()).isEqualTo(T0);
        assertThat(assigned.stops()).hasSize(3);
        assertThat(repo.batches().findBatch("b_1")).contains(assigned);

        Batch unassigned = repo.batches().assignDriver("b_1", null, 1, later.plusSeconds(1)).orElseThrow();
        assertThat(unassigned.driverId()).isNull();
        assertThat(unassigned.version()).isEqualTo(2);
    }

    @Test
    void assignDriverWhenVersionMovedOnOrBatchUnknownThenEmptyAndNothingWritten() {
        repo.batches().insertBatch(newBatch("b_1", null));
        repo.batches().assignDriver("b_1", "d_ana", 0, T0);
        String before = fixture().snapshot();

        assertThat(repo.batches().assignDriver("b_1", "d_ben", 0, T0.plusSeconds(1))).isEmpty();
        assertThat(repo.batches().assignDriver("b_nope", "d_ben", 0, T0.plusSeconds(1))).isEmpty();
        assertThat(fixture().snapshot()).isEqualTo(before);
    }

    // --- commit -----------------------------------------------------------------------------

    @Test
    void commitWhenHappyPathThenBatchEventsAndQuarantineVisible() {
        Batch b0 = newBatch("b_1", "d_ana");
        repo.batches().insertBatch(b0);
        Batch b1 = step(b0, DriverStatus.EN_ROUTE, null, T0.plusSeconds(10));
        Batch b2 = new Batch(b0.id(), WS, "d_ana", DriverStatus.AT_STOP, 0, T0.plusSeconds(10), null,
                canonical(Map.of("temp_c", new BigDecimal("4.5"), "seal", "ok")), 2, b0.stops(), List.of(0), b0.createdAt(),
                T0.plusSeconds(20));
        DriverEvent e1 = event("ev_1", b1, DriverEventType.ROUTE_STARTED, DriverStatus.INACTIVE, T0.plusSeconds(10));
        DriverEvent e2 = located(event("ev_2", b2, DriverEventType.ARRIVED_AT_STOP, DriverStatus.EN_ROUTE,
                T0.plusSeconds(20)), 30.2672, -97.7431, 12.5, 0, List.of("OUTSIDE_GEOFENCE: 182 m from stop 0 (radius 100 m)"));
        QuarantinedEvent q1 = quarantined("ev_bad", "b_1", WS, "{\"event_id\":\"ev_bad\"}", T0.plusSeconds(25));
        QuarantinedEvent q2 = quarantined(null, "b_1", WS, "{\"batch_id\":\"b_1\"}", T0.plusSeconds(25));
        QuarantinedEvent q3 = quarantined("ev_x", "b_unknown", null, "{\"batch_id\":\"b_unknown\"}", T0.plusSeconds(25));

        assertThat(repo.log().commit(List.of(new BatchChange(b2, 0)), List.of(e1, e2), List.of(q1, q2, q3))).isTrue();

        assertThat(repo.batches().findBatch("b_1")).contains(b2);
        assertThat(repo.log().findLog("b_1")).containsExactly(e1, e2);
        assertThat(repo.log().findEvents("b_1", null, null, 10)).containsExactly(e1, e2);
        assertThat(repo.reviews().findQuarantined("b_1")).containsExactly(q1, q2);
        assertThat(repo.reviews().findQuarantined("b_unknown")).containsExactly(q3);
        assertThat(repo.log().findEventHashes(e1.workspaceId(), "d_ana", List.of("ev_1", "ev_2", "ev_nope")))
                .isEqualTo(Map.of("ev_1", e1.contentHash(), "ev_2", e2.contentHash()));
        assertThat(repo.log().findEventHashes(e1.workspaceId(), "d_ben", List.of("ev_1", "ev_2"))).as("another sender's").isEmpty();
        assertThat(repo.log().findLastLocatedEvent("d_ana")).contains(e2);
        assertThat(repo.log().findLastLocatedEvent("d_ben")).isEmpty();
        assertThat(repo.batches().findInProgressBatches("d_ana")).containsExactly("b_1");
        assertThat(repo.batches().findInProgressBatches("d_ben")).isEmpty();
    }

    @Test
    void commitWhenNothingToDoThenTrue() {
        assertThat(repo.log().commit(List.of(), List.of(), List.of())).isTrue();
    }

    @Test
    void commitWhenBatchVersionMovedOnThenFalseAndNothingWritten() {
        Batch b0 = newBatch("b_1", "d_ana");
        repo.batches().insertBatch(b0);
        repo.batches().assignDriver("b_1", "d_ana", 0, T0);
        String before = fixture().snapshot();
        Batch b1 = step(b0, DriverStatus.EN_ROUTE, null, T0.plusSeconds(10));

        boolean committed = repo.log().commit(List.of(new BatchChange(b1, 0)),
                List.of(event("ev_1", b1, DriverEventType.ROUTE_STARTED, DriverStatus.INACTIVE, T0.plusSeconds(10))),
                List.of(quarantined("ev_q", "b_1", WS, "{}", T0)));

        assertThat(committed).isFalse();
        assertThat(fixture().snapshot()).isEqualTo(before);
    }

    @Test
    void commitWhenBatchUnknownThenFalseAndNothingWritten() {
        String before = fixture().snapshot();
        Batch ghost = step(newBatch("b_ghost", "d_ana"), DriverStatus.EN_ROUTE, null, T0);

        assertThat(repo.log().commit(List.of(new BatchChange(ghost, 0)), List.of(),
                List.of(quarantined("ev_q", "b_ghost", null, "{}", T0)))).isFalse();
        assertThat(fixture().snapshot()).isEqualTo(before);
    }

    @Test
    void commitWhenEventIdAlreadyInLogThenFalseAndNothingWritten() {
        Batch b0 = newBatch("b_1", "d_ana");
        repo.batches().insertBatch(b0);
        Batch b1 = step(b0, DriverStatus.ACTIVE, null, T0.plusSeconds(1));
        repo.log().commit(List.of(new BatchChange(b1, 0)),
                List.of(event("ev_1", b1, DriverEventType.DRIVER_LOGGED_IN, DriverStatus.INACTIVE, T0.plusSeconds(1))),
                List.of());
        repo.batches().insertBatch(newBatch("b_2", "d_ana"));
        String before = fixture().snapshot();

        Batch b2 = step(b1, DriverStatus.EN_ROUTE, null, T0.plusSeconds(2));
        Batch other = step(newBatch("b_2", "d_ana"), DriverStatus.ACTIVE, null, T0.plusSeconds(2));
        boolean committed = repo.log().commit(List.of(new BatchChange(b2, 1), new BatchChange(other, 0)),
                List.of(event("ev_2", b2, DriverEventType.ROUTE_STARTED, DriverStatus.ACTIVE, T0.plusSeconds(2)),
                        event("ev_1", other, DriverEventType.DRIVER_LOGGED_IN, DriverStatus.INACTIVE, T0.plusSeconds(2))),
                List.of(quarantined("ev_q", "b_1", WS, "{}", T0)));

        assertThat(committed).isFalse();
        assertThat(fixture().snapshot()).isEqualTo(before);
    }

    @Test
    void commitWhenAnotherSenderHasTheSameEventIdThenTrueAndEachSendersEventKept() {
        Batch a0 = newBatch("b_1", "d_ana");
        Batch o0 = newBatch("b_2", "d_ben");
        repo.batches().insertBatch(a0);
        repo.batches().insertBatch(o0);
        Batch o1 = step(o0, DriverStatus.ACTIVE, null, T0.plusSeconds(1));
        DriverEvent bens = event("ev_1", o1, DriverEventType.DRIVER_LOGGED_IN, DriverStatus.INACTIVE, T0.plusSeconds(1));
        assertThat(repo.log().commit(List.of(new BatchChange(o1, 0)), List.of(bens), List.of())).isTrue();

        Batch a1 = step(a0, DriverStatus.ACTIVE, null, T0.plusSeconds(2));
        DriverEvent anas = event("ev_1", a1, DriverEventType.DRIVER_LOGGED_IN, DriverStatus.INACTIVE, T0.plusSeconds(2));

        assertThat(repo.log().commit(List.of(new BatchChange(a1, 0)), List.of(anas), List.of())).isTrue();
        assertThat(repo.log().findLog("b_1")).containsExactly(anas);
        assertThat(repo.log().findLog("b_2")).containsExactly(bens);
        assertThat(repo.log().findEventHashes(WS, "d_ana", List.of("ev_1"))).containsExactly(Map.entry("ev_1", anas.contentHash()));
        assertThat(repo.log().findEventHashes(WS, "d_ben", List.of("ev_1"))).containsExactly(Map.entry("ev_1", bens.contentHash()));
    }

    @Test
    void commitWhenSameEventIdTwiceInOneCommitThenFalseAndNothingWritten() {
        Batch b0 = newBatch("b_1", "d_ana");
        repo.batches().insertBatch(b0);
        String before = fixture().snapshot();
        Batch b1 = step(b0, DriverStatus.ACTIVE, null, T0);
        Batch b2 = step(b1, DriverStatus.EN_ROUTE, null, T0);

        assertThat(repo.log().commit(List.of(new BatchChange(b2, 0)),
                List.of(event("ev_1", b1, DriverEventType.DRIVER_LOGGED_IN, DriverStatus.INACTIVE, T0),
                        event("ev_1", b2, DriverEventType.ROUTE_STARTED, DriverStatus.ACTIVE, T0)),
                List.of())).isFalse();
        assertThat(fixture().snapshot()).isEqualTo(before);
    }

    @Test
    void commitWhenBatchVersionAlreadyLoggedThenFalseAndNothingWritten() {
        Batch b0 = newBatch("b_1", "d_ana");
        repo.batches().insertBatch(b0);
        Batch b1 = step(b0, DriverStatus.ACTIVE, null, T0);
        repo.log().commit(List.of(new BatchChange(b1, 0)),
                List.of(event("ev_1", b1, DriverEventType.DRIVER_LOGGED_IN, DriverStatus.INACTIVE, T0)), List.of());
        String before = fixture().snapshot();

        // Without a batch change nothing guards version 1 but the log's own unique constraint.
        assertThat(repo.log().commit(List.of(),
                List.of(event("ev_other", b1, DriverEventType.DRIVER_LOGGED_IN, DriverStatus.INACTIVE, T0)),
                List.of())).isFalse();
        assertThat(fixture().snapshot()).isEqualTo(before);
    }

    @Test
    void commitWhenDriverHasAnotherBatchOnRouteThenFalseAndNothingWritten() {
        Batch a0 = newBatch("b_a", "d_ana");
        Batch b0 = newBatch("b_b", "d_ana");
        repo.batches().insertBatch(a0);
        repo.batches().insertBatch(b0);
        Batch a1 = step(a0, DriverStatus.EN_ROUTE, null, T0);
        assertThat(repo.log().commit(List.of(new BatchChange(a1, 0)),
                List.of(event("ev_a1", a1, DriverEventType.ROUTE_STARTED, DriverStatus.INACTIVE, T0)), List.of()))
                .isTrue();
        String before = fixture().snapshot();

        Batch b1 = step(b0, DriverStatus.EN_ROUTE, null, T0.plusSeconds(1));
        assertThat(repo.log().commit(List.of(new BatchChange(b1, 0)),
                List.of(event("ev_b1", b1, DriverEventType.ROUTE_STARTED, DriverStatus.INACTIVE, T0.plusSeconds(1))),
                List.of())).isFalse();
        assertThat(fixture().snapshot()).isEqualTo(before);
        assertThat(repo.batches().findInProgressBatches("d_ana")).containsExactly("b_a");
    }

    @Test
    void commitWhenOneCommitTakesDriverOffOneBatchAndOntoAnotherThenTrue() {
        Batch a0 = newBatch("b_a", "d_ana");
        Batch b0 = newBatch("b_b", "d_ana");
        repo.batches().insertBatch(a0);
        repo.batches().insertBatch(b0);
        Batch a1 = step(a0, DriverStatus.EN_ROUTE, null, T0);
        repo.log().commit(List.of(new BatchChange(a1, 0)),
                List.of(event("ev_a1", a1, DriverEventType.ROUTE_STARTED, DriverStatus.INACTIVE, T0)), List.of());

        // Listed on-route first: the store must still apply the off-route change before it.
        Batch b1 = step(b0, DriverStatus.EN_ROUTE, null, T0.plusSeconds(2));
        Batch a2 = step(a1, DriverStatus.COMPLETED, null, T0.plusSeconds(1));
        boolean committed = repo.log().commit(List.of(new BatchChange(b1, 0), new BatchChange(a2, 1)),
                List.of(event("ev_a2", a2, DriverEventType.ROUTE_COMPLETED, DriverStatus.EN_ROUTE, T0.plusSeconds(1)),
                        event("ev_b1", b1, DriverEventType.ROUTE_STARTED, DriverStatus.INACTIVE, T0.plusSeconds(2))),
                List.of());

        assertThat(committed).isTrue();
        assertThat(repo.batches().findInProgressBatches("d_ana")).containsExactly("b_b");
        assertThat(repo.batches().findBatch("b_a")).contains(a2);
    }

    @Test
    void commitWhenTwoInstancesRaceForOneVersionThenExactlyOneWins() throws Exception {
        Batch b0 = newBatch("b_1", "d_ana");
        repo.batches().insertBatch(b0);
        List<ExecutionRepos> repos = List.of(repo, ExecutionRepos.of(fixture().secondInstance()),
                ExecutionRepos.of(fixture().secondInstance()), repo);
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(repos.size());
        List<Future<Boolean>> results = new ArrayList<>();
        try {
            for (int i = 0; i < repos.size(); i++) {
                ExecutionRepos r = repos.get(i);
                Batch b1 = step(b0, DriverStatus.EN_ROUTE, null, T0.plusSeconds(i));
                DriverEvent e = event("ev_" + i, b1, DriverEventType.ROUTE_STARTED, DriverStatus.INACTIVE,
                        T0.plusSeconds(i));
                results.add(pool.submit(() -> {
                    go.await();
                    return r.log().commit(List.of(new BatchChange(b1, 0)), List.of(e), List.of());
                }));
            }
            go.countDown();
            int wins = 0;
            for (Future<Boolean> f : results) {
                wins += f.get(60, TimeUnit.SECONDS) ? 1 : 0;
            }
            assertThat(wins).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
        assertThat(repo.log().findLog("b_1")).hasSize(1);
        assertThat(repo.batches().findBatch("b_1").orElseThrow().version()).isEqualTo(1);
    }

    @Test
    void commitWhenSameRefusedEventKeptTwiceThenStoredOnce() {
        repo.batches().insertBatch(newBatch("b_1", "d_ana"));
        QuarantinedEvent first = quarantined("ev_bad", "b_1", WS, "{\"event_id\":\"ev_bad\"}", T0);
        QuarantinedEvent again = new QuarantinedEvent(UUID.randomUUID().toString(), "ev_bad", "b_1", WS, "d_ana",
                null, first.content(), first.contentHash(), ErrorCode.INVALID_TRANSITION, "again", T0.plusSeconds(5));
        QuarantinedEvent noId = quarantined(null, "b_1", WS, "{\"lat\":1}", T0);
        QuarantinedEvent noIdAgain = new QuarantinedEvent(UUID.randomUUID().toString(), null, "b_1", WS, "d_ana",
                null, noId.content(), noId.contentHash(), ErrorCode.INVALID_REQUEST, "again", T0.plusSeconds(5));
        QuarantinedEvent sameContentOtherId = new QuarantinedEvent(UUID.randomUUID().toString(), "ev_other", "b_1",
                WS, "d_ana", null, first.content(), first.contentHash(), ErrorCode.INVALID_REQUEST, "other",
                T0.plusSeconds(6));

        assertThat(repo.log().commit(List.of(), List.of(), List.of(first, again, noId))).isTrue();
        assertThat(repo.log().commit(List.of(), List.of(), List.of(again, noIdAgain, sameContentOtherId))).isTrue();

        assertThat(repo.reviews().findQuarantined("b_1")).containsExactly(first, noId, sameContentOtherId);
    }

    // --- reads ------------------------------------------------------------------------------

    @Test
    void findEventsWhenPagedWithCursorThenEveryEventOnceInRecordedThenIdOrder() {
        Batch b = newBatch("b_1", "d_ana");
        repo.batches().insertBatch(b);
        // Ties on recorded_at, ids deliberately not in insertion order; "B" < "a" < "b" by code point.
        Instant t1 = T0.plusSeconds(1);
        Instant t2 = T0.plusSeconds(2);
        String[] ids = {"ev_b", "ev_B", "ev_a", "ev_c", "ev_A", "ev_é", "ev_z"};
        Instant[] at = {t1, t1, t1, T0, t2, t1, t2};
        List<DriverEvent> events = new ArrayList<>();
        Batch current = b;
        for (int i = 0; i < ids.length; i++) {
            Batch next = step(current, DriverStatus.INACTIVE, null, at[i]);
            events.add(event(ids[i], next, DriverEventType.PROOF_CAPTURED, DriverStatus.INACTIVE, at[i]));
            current = next;
        }
        assertThat(repo.log().commit(List.of(new BatchChange(current, 0)), events, List.of())).isTrue();
        List<DriverEvent> expected = events.stream()
                .sorted(Comparator.comparing(DriverEvent::recordedAt).thenComparing(DriverEvent::eventId)).toList();

        List<DriverEvent> paged = new ArrayList<>();
        List<DriverEvent> page = repo.log().findEvents("b_1", null, null, 2);
        while (!page.isEmpty()) {
            assertThat(page.size()).isLessThanOrEqualTo(2);
            paged.addAll(page);
            DriverEvent last = page.get(page.size() - 1);
            page = repo.log().findEvents("b_1", last.recordedAt(), last.eventId(), 2);
        }

        assertThat(paged).containsExactlyElementsOf(expected);
        assertThat(paged).extracting(DriverEvent::eventId)
                .containsExactly("ev_c", "ev_B", "ev_a", "ev_b", "ev_é", "ev_A", "ev_z");
        assertThat(repo.log().findLog("b_1")).containsExactlyElementsOf(events);
        assertThat(repo.log().findEvents("b_1", t1, null, 10)).extracting(DriverEvent::eventId).containsExactly("ev_A", "ev_z");
        assertThat(repo.log().findEvents("b_1", null, null, 0)).isEmpty();
        assertThat(repo.log().findEvents("b_nope", null, null, 10)).isEmpty();
    }

    @Test
    void findEventsWhenIdsBeyondTheBasicPlaneThenCodePointOrder() {
        Batch b = newBatch("b_1", "d_ana");
        repo.batches().insertBatch(b);
        // By code point "z" (U+007A) < U+FFFD < U+1F69A; by UTF-16 unit the truck (D83D DE9A) sorts before U+FFFD.
        String[] ids = {"ev_\uD83D\uDE9A", "ev_\uFFFD", "ev_z"};
        List<DriverEvent> events = new ArrayList<>();
        Batch current = b;
        for (String id : ids) {
            current = step(current, DriverStatus.INACTIVE, null, T0);
            events.add(event(id, current, DriverEventType.PROOF_CAPTURED, DriverStatus.INACTIVE, T0));
        }
        assertThat(repo.log().commit(List.of(new BatchChange(current, 0)), events, List.of())).isTrue();

        assertThat(repo.log().findEvents("b_1", null, null, 10)).extracting(DriverEvent::eventId)
                .containsExactly("ev_z", "ev_\uFFFD", "ev_\uD83D\uDE9A");
        assertThat(repo.log().findEvents("b_1", T0, "ev_\uFFFD", 10)).extracting(DriverEvent::eventId)
                .containsExactly("ev_\uD83D\uDE9A");
    }

    @Test
    void findQuarantinedWhenKeptOutOfArrivalOrderThenOldestFirstThenAsKept() {
        repo.batches().insertBatch(newBatch("b_1", "d_ana"));
        QuarantinedEvent late = quarantined("ev_late", "b_1", WS, "{\"n\":1}", T0.plusSeconds(5));
        QuarantinedEvent early = quarantined("ev_early", "b_1", WS, "{\"n\":2}", T0);
        QuarantinedEvent tie = quarantined("ev_tie", "b_1", WS, "{\"n\":3}", T0);

        assertThat(repo.log().commit(List.of(), List.of(), List.of(late))).isTrue();
        assertThat(repo.log().commit(List.of(), List.of(), List.of(early))).isTrue();
        assertThat(repo.log().commit(List.of(), List.of(), List.of(tie))).isTrue();

        assertThat(repo.reviews().findQuarantined("b_1")).containsExactly(early, tie, late);
    }

    @Test
    void findLastLocatedEventWhenSeveralThenLatestRecordedLocatedOneOfThatDriver() {
        Batch b = newBatch("b_1", "d_ana");
        repo.batches().insertBatch(b);
        Batch v1 = step(b, DriverStatus.INACTIVE, null, T0);
        Batch v2 = step(v1, DriverStatus.INACTIVE, null, T0);
        Batch v3 = step(v2, DriverStatus.INACTIVE, null, T0);
        Batch v4 = step(v3, DriverStatus.INACTIVE, null, T0);
        // Appended in another order than recorded (offline sync): the latest recorded_at wins, not
        // the last appended; on a tie, the greatest event id.
        DriverEvent tieHigh = located(event("ev_3", v1, DriverEventType.PROOF_CAPTURED, DriverStatus.INACTIVE,
                T0.plusSeconds(9)), 3, 3, null, null, List.of());
        DriverEvent old = located(event("ev_1", v2, DriverEventType.PROOF_CAPTURED, DriverStatus.INACTIVE,
                T0.plusSeconds(5)), 1, 1, null, null, List.of());
        DriverEvent tieLow = located(event("ev_2", v3, DriverEventType.PROOF_CAPTURED, DriverStatus.INACTIVE,
                T0.plusSeconds(9)), 2, 2, 3.0, null, List.of());
        DriverEvent unlocatedLater = event("ev_4", v4, DriverEventType.PROOF_CAPTURED, DriverStatus.INACTIVE,
                T0.plusSeconds(60));
        assertThat(repo.log().commit(List.of(new BatchChange(v4, 0)), List.of(tieHigh, old, tieLow, unlocatedLater),
                List.of())).isTrue();

        assertThat(repo.log().findLastLocatedEvent("d_ana")).contains(tieHigh);
    }

    @Test
    void findEventHashesWhenMoreIdsThanOneQueryTakesThenEveryKnownOne() {
        Batch b = newBatch("b_1", "d_ana");
        repo.batches().insertBatch(b);
        List<DriverEvent> events = new ArrayList<>();
        Batch current = b;
        for (int i = 0; i < 30; i++) {
            current = step(current, DriverStatus.INACTIVE, null, T0);
            events.add(event("ev_" + (i * 40), current, DriverEventType.PROOF_CAPTURED, DriverStatus.INACTIVE, T0));
        }
        assertThat(repo.log().commit(List.of(new BatchChange(current, 0)), events, List.of())).isTrue();
        List<String> asked = new ArrayList<>();
        for (int i = 0; i < 1_300; i++) {
            asked.add("ev_" + i);
        }

        Map<String, String> hashes = repo.log().findEventHashes(b.workspaceId(), "d_ana", asked);

        assertThat(hashes).hasSize(30).containsEntry("ev_1160", events.get(29).contentHash());
        assertThat(repo.log().findEventHashes(b.workspaceId(), "d_ana", List.of())).isEmpty();
    }

    @Test
    void commitWhenManyEventsThenAllAppendedInOrder() {
        Batch b = newBatch("b_1", "d_ana");
        repo.batches().insertBatch(b);
        List<DriverEvent> events = new ArrayList<>();
        Batch current = b;
        for (int i = 0; i < 1_234; i++) {
            current = step(current, DriverStatus.INACTIVE, null, T0.plusMillis(i));
            events.add(event(String.format("ev_%05d", i), current, DriverEventType.PROOF_CAPTURED,
                    DriverStatus.INACTIVE, T0.plusMillis(i)));
        }

        assertThat(repo.log().commit(List.of(new BatchChange(current, 0)), events, List.of())).isTrue();

        assertThat(repo.log().findLog("b_1")).containsExactlyElementsOf(events);
        assertThat(repo.batches().findBatch("b_1")).contains(current);
    }

    // --- values -----------------------------------------------------------------------------

    @Test
    void roundTripWhenIdsAndTextHoldSqlMetacharactersAndUnicodeThenVerbatim() {
        String ws = "ws'; DROP TABLE workspaces; --";
        String batchId = "b_\"quoted\" \\ :name <ids> ?";
        String driver = "d_Ünïcødé 🚚 ∑";
        String eventId = "ev_' OR '1'='1";
        store().workspaces().upsertWorkspace(new Workspace(ws, "Dépôt 'Nord' — ✓"));
        Map<String, Object> metadata = canonical(Map.of("quote'", "it's \"fine\"", "emoji", "🚚📦",
                "ctl", "line1\nline2\ttab\\slash", "sep", "\u2028\u2029", "sql", "'); DELETE FROM driver_events; --",
                "nested", Map.of(":param", List.of("<ids>", "${x}", "?"))));
        Batch b0 = new Batch(batchId, ws, driver, DriverStatus.INACTIVE, null, null, null, metadata, 0,
                List.of(Stop.of(1, 2, 3)), List.of(), T0, T0);
        assertThat(repo.batches().insertBatch(b0)).isTrue();
        Batch b1 = step(b0, DriverStatus.ACTIVE, null, T0);
        DriverEvent e = new DriverEvent(eventId, batchId, ws, driver, "sup_ß", "sess_ñ", DriverEventType.SUPERVISOR_OVERRIDE,
                DriverStatus.INACTIVE, DriverStatus.ACTIVE, 1, T0, T0, null, null, null, null, metadata,
                "reason with 'quotes', \"doubles\", ; semicolons; and ünïcode ☃", "hash'x", false,
                List.of("flag 'one'", "flag \"two\" 🚩"));
        QuarantinedEvent q = new QuarantinedEvent(UUID.randomUUID().toString(), "ev_\uD83D\uDE9A' --", batchId, ws, driver,
                "sess_ñ", "{\"x\":\"'; DROP TABLE quarantined_events; --\"}", "h'", ErrorCode.INVALID_REQUEST,
                "bad ' reason ☃", T0);

        assertThat(repo.log().commit(List.of(new BatchChange(b1, 0)), List.of(e), List.of(q))).isTrue();

        assertThat(store().workspaces().findWorkspace(ws)).contains(new Workspace(ws, "Dépôt 'Nord' — ✓"));
        assertThat(repo.batches().findBatch(batchId)).contains(b1);
        assertThat(repo.batches().findBatches(List.of(batchId))).containsEntry(batchId, b1);
        assertThat(repo.log().findLog(batchId)).containsExactly(e);
        assertThat(repo.log().findEvents(batchId, T0.minusSeconds(1), "", 5)).containsExactly(e);
        assertThat(repo.log().findEventHashes(ws, "sup_ß", List.of(eventId))).containsEntry(eventId, "hash'x");
        assertThat(repo.reviews().findQuarantined(batchId)).containsExactly(q);
        assertThat(repo.batches().findInProgressBatches(driver)).isEmpty();
    }

    @Test
    void roundTripWhenJsonNumbersThenReadBackAsTheirCanonicalEncodingParses() {
        // What a JSON column gives back is Json.parseObject of Json.write of what was stored, on
        // every database (PostgreSQL's jsonb keeps values, not text; the store re-encodes them).
        Map<String, Object> raw = new TreeMap<>(Map.of("int", 100L, "dbl", 1.0, "big", new BigDecimal("1E+21"),
                "small", 1.5e-7, "neg", -0.25, "zero", 0, "frac", new BigDecimal("30.2672")));
        Map<String, Object> metadata = canonical(raw);
        Batch b = new Batch("b_num", WS, null, DriverStatus.INACTIVE, null, null, null, metadata, 0,
                List.of(Stop.of(0, 0, 1)), List.of(), T0, T0);

        repo.batches().insertBatch(b);

        Map<String, Object> read = repo.batches().findBatch("b_num").orElseThrow().metadata();
        assertThat(read).isEqualTo(Json.parseObject(Json.write(raw)));
        assertThat(Json.write(read)).isEqualTo(Json.write(raw));
    }

    // --- builders ---------------------------------------------------------------------------

    /**
     * @param id       the batch id
     * @param driverId its driver, or {@code null}
     * @return a new INACTIVE batch in {@link #WS} at version 0 with three stops and a little metadata
     */
    public static Batch newBatch(String id, String driverId) {
        return new Batch(id, WS, driverId, DriverStatus.INACTIVE, null, null, null,
                canonical(Map.of("route", "R-7", "pallets", new BigDecimal("3"))), 0,
                List.of(Stop.of(30.2672, -97.7431, 100), Stop.of(30.2682, -97.7431, 50.5), Stop.of(30.27, -97.74, 75)),
                List.of(), T0, T0);
    }

    /**
     * @param b      a batch
     * @param status its next status
     * @param stop   its current stop index, or {@code null}
     * @param at     the instant of the change
     * @return the batch one version on, in {@code status}
     */
    public static Batch step(Batch b, DriverStatus status, Integer stop, Instant at) {
        return new Batch(b.id(), b.workspaceId(), b.driverId(), status, stop, b.actualStartTime(), b.actualEndTime(),
                b.metadata(), b.version() + 1, b.stops(), b.visitedStops(), b.createdAt(), at);
    }

    /**
     * @param id    the event id
     * @param after the batch after the event
     * @param type  the event's type
     * @param from  the status before it
     * @param at    when it was recorded (synced a second later)
     * @return the event that produced {@code after}, sent by its driver (or the system), unlocated
     */
    public static DriverEvent event(String id, Batch after, DriverEventType type, DriverStatus from, Instant at) {
        String hash = EventEncoding.sha256(id + "|" + type + "|" + at);
        return new DriverEvent(id, after.id(), after.workspaceId(), after.driverId(), after.driverId() == null
                ? "system" : after.driverId(), "sess_1", type, from, after.status(), after.version(), at,
                at.plusSeconds(1), null, null, null, null, Map.of(), null, hash, false, List.of());
    }

    /**
     * @param e              an event
     * @param lat            its latitude
     * @param lng            its longitude
     * @param accuracyMeters its accuracy, or {@code null}
     * @param stopIndex      its stop, or {@code null}
     * @param flags          its review flags (flagged when not empty)
     * @return the event with a location, a little payload and those flags
     */
    public static DriverEvent located(DriverEvent e, double lat, double lng, Double accuracyMeters, Integer stopIndex,
                                      List<String> flags) {
        return new DriverEvent(e.eventId(), e.batchId(), e.workspaceId(), e.driverId(), e.actorId(), e.sessionId(),
                e.type(), e.previousStatus(), e.status(), e.batchVersion(), e.recordedAt(), e.syncedAt(), lat, lng,
                accuracyMeters, stopIndex, canonical(Map.of("photo", "p.jpg", "weight_kg", new BigDecimal("12.5"))),
                null, e.contentHash(), !flags.isEmpty(), flags);
    }

    /**
     * @param eventId     the refused event's id, or {@code null}
     * @param batchId     the batch it named
     * @param workspaceId that batch's workspace, or {@code null} when unknown
     * @param content     what was received
     * @param at          when it was received
     * @return a quarantine record of d_ana's refused event
     */
    public static QuarantinedEvent quarantined(String eventId, String batchId, String workspaceId, String content,
                                               Instant at) {
        return new QuarantinedEvent(UUID.randomUUID().toString(), eventId, batchId, workspaceId, "d_ana", null,
                content, EventEncoding.sha256(content), ErrorCode.INVALID_TRANSITION, "refused: " + content,
                at.truncatedTo(ChronoUnit.MICROS));
    }

    /**
     * @param value JSON-like values
     * @return what the service stores: {@link Json#normalise}d values
     */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> canonical(Map<String, Object> value) {
        return (Map<String, Object>) Json.normalise("test", value);
    }
}
