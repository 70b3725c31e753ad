package io.fleetgate.contract;

import io.fleetgate.access.Workspace;
import io.fleetgate.execution.Batch;
import io.fleetgate.execution.DriverEvent;
import io.fleetgate.execution.DriverEventType;
import io.fleetgate.execution.DriverStatus;
import io.fleetgate.execution.QuarantinedEvent;
import io.fleetgate.execution.ReviewItem;
import io.fleetgate.execution.ReviewRecord;
import io.fleetgate.execution.Stop;
import io.fleetgate.spi.EventLog.BatchChange;
import io.fleetgate.testkit.StoreContract;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.fleetgate.contract.ExecutionStoreContract.event;
import static io.fleetgate.contract.ExecutionStoreContract.newBatch;
import static io.fleetgate.contract.ExecutionStoreContract.quarantined;
import static io.fleetgate.contract.ExecutionStoreContract.step;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The store contract of what the supervisor tools need of {@link io.fleetgate.spi.BatchRepository},
 * {@link io.fleetgate.spi.EventLog} and {@link io.fleetgate.spi.ReviewQueue}, tested below the
 * service on every store by a thin subclass (in-memory, SQLite, PostgreSQL): a workspace's and a
 * driver's batches, the review queue's keyset pages over flagged and quarantined events, and review
 * records. The database refusing to change a review record is in store-jdbc's
 * {@code JdbcSupervisorStoreContract}.
 */
public abstract class SupervisorStoreContract extends StoreContract {
    private static final Instant T0 = ExecutionStoreContract.T0;
    private static final String WS = ExecutionStoreContract.WS;

    /** The execution repositories of {@link #store()}. */
    protected ExecutionRepos repo;
    private String southRefusalId;

    @BeforeEach
    void seedWorkspaces() {
        repo = ExecutionRepos.of(store());
        store().workspaces().upsertWorkspace(new Workspace(WS, "North"));
        store().workspaces().upsertWorkspace(new Workspace("ws_2", "South"));
    }

    // --- batches ----------------------------------------------------------------------------

    @Test
    void findBatchesInWorkspaceAndAssignedToThenWithStopsByIdInCodePointOrder() {
        Batch a = newBatch("b_a", "d_ana");
        Batch upper = newBatch("b_B", "d_ben");
        Batch unassigned = newBatch("b_0", null);
        Batch south = new Batch("b_s", "ws_2", "d_ana", DriverStatus.INACTIVE, null, null, null, Map.of(), 0,
                List.of(Stop.of(1, 2, 30)), List.of(), T0, T0);
        for (Batch b : List.of(a, upper, unassigned, south)) {
            assertThat(repo.batches().insertBatch(b)).isTrue();
        }

        assertThat(repo.batches().findBatchesInWorkspace(WS)).containsExactly(unassigned, upper, a);
        assertThat(repo.batches().findBatchesInWorkspace("ws_2")).containsExactly(south);
        assertThat(repo.batches().findBatchesInWorkspace("ws_404")).isEmpty();
        assertThat(repo.batches().findBatchesAssignedTo("d_ana")).containsExactly(a, south);
        assertThat(repo.batches().findBatchesAssignedTo("d_ben")).containsExactly(upper);
        assertThat(repo.batches().findBatchesAssignedTo("d_nobody")).isEmpty();
        assertThat(repo.batches().findBatchesAssignedTo("d_ana", DriverStatus.INACTIVE)).containsExactly(a, south);
        assertThat(repo.batches().findBatchesAssignedTo("d_ana", DriverStatus.COMPLETED)).isEmpty();
    }

    @Test
    void findCurrentBatchesWhenDriversHaveSeveralThenTheOneOnRouteElseTheLatestUpdatedInTheWorkspace() {
        Batch old = newBatch("b_1", "d_ana");
        Batch late = newBatch("b_2", "d_ana");
        Batch tie = newBatch("b_3", "d_ana");
        Batch benOld = newBatch("b_4", "d_ben");
        Batch benRoute = newBatch("b_5", "d_ben");
        Batch elsewhere = new Batch("b_s", "ws_2", "d_ana", DriverStatus.INACTIVE, null, null, null, Map.of(), 0,
                List.of(Stop.of(1, 2, 30)), List.of(), T0, T0);
        for (Batch b : List.of(old, late, tie, benOld, benRoute, elsewhere)) {
            assertThat(repo.batches().insertBatch(b)).isTrue();
        }
        // ana: b_2 and b_3 changed at the same later instant (the smaller id wins), b_s (ws_2) later still;
        // ben: b_4 changed last, but b_5 is on route
        Batch late1 = step(late, DriverStatus.INACTIVE, null, T0.plusSeconds(5));
        Batch tie1 = step(tie, DriverStatus.INACTIVE, null, T0.plusSeconds(5));
        Batch elsewhere1 = step(elsewhere, DriverStatus.INACTIVE, null, T0.plusSeconds(9));
        Batch benRoute1 = step(benRoute, DriverStatus.EN_ROUTE, null, T0.plusSeconds(1));
        Batch benOld1 = step(benOld, DriverStatus.INACTIVE, null, T0.plusSeconds(7));
        List<BatchChange> changes = new ArrayList<>();
        List<DriverEvent> events = new ArrayList<>();
        for (Batch b : List.of(late1, tie1, elsewhere1, benRoute1, benOld1)) {
            changes.add(new BatchChange(b, 0));
            events.add(event("ev_" + b.id(), b, b.status() == DriverStatus.EN_ROUTE ? DriverEventType.ROUTE_STARTED
                    : DriverEventType.PROOF_CAPTURED, DriverStatus.INACTIVE, b.updatedAt()));
        }
        assertThat(repo.log().commit(changes, events, List.of())).isTrue();

        Map<String, Batch> current = repo.batches().findCurrentBatches(WS, List.of("d_ana", "d_ben", "d_nobody"));

        assertThat(current).containsOnlyKeys("d_ana", "d_ben");
        assertThat(current.get("d_ana")).isEqualTo(late1);
        assertThat(current.get("d_ben")).isEqualTo(benRoute1);
        assertThat(repo.batches().findCurrentBatches("ws_2", List.of("d_ana")).get("d_ana").id()).isEqualTo("b_s");
        assertThat(repo.batches().findCurrentBatches(WS, List.of())).isEmpty();
    }

    @Test
    void findBatchesInWorkspaceWhenMoreThanOneStopQueryTakesThenEveryBatchWithItsStops() {
        List<Batch> inserted = new ArrayList<>();
        for (int i = 0; i < 1_050; i++) {
            Batch b = newBatch(String.format("b_%04d", i), i % 2 == 0 ? "d_ana" : null);
            repo.batches().insertBatch(b);
            inserted.add(b);
        }

        assertThat(repo.batches().findBatchesInWorkspace(WS)).containsExactlyElementsOf(inserted);
        assertThat(repo.batches().findBatchesAssignedTo("d_ana")).hasSize(525).allSatisfy(b -> assertThat(b.stops()).hasSize(3));
    }

    // --- review queue -----------------------------------------------------------------------

    /**
     * ws_1: flagged events ev_a (T0+1s), ev_B and ev_c (T0+2s), an unflagged event (T0+1s),
     * refusals qA (T0+2s) and qz (T0+3s); ws_2: a refusal (T0) and a flagged event ev_s (T0+1s);
     * plus a refusal naming no known workspace.
     *
     * @return the ws_1 items in queue order
     */
    protected final List<ReviewItem> seedQueue() {
        Batch b0 = newBatch("b_1", "d_ana");
        Batch s0 = new Batch("b_s", "ws_2", "d_cy", DriverStatus.INACTIVE, null, null, null, Map.of(), 0,
                List.of(Stop.of(1, 2, 30)), List.of(), T0, T0);
        repo.batches().insertBatch(b0);
        repo.batches().insertBatch(s0);
        Batch b1 = step(b0, DriverStatus.INACTIVE, null, T0);
        Batch b2 = step(b1, DriverStatus.INACTIVE, null, T0);
        Batch b3 = step(b2, DriverStatus.INACTIVE, null, T0);
        Batch b4 = step(b3, DriverStatus.INACTIVE, null, T0);
        Batch s1 = step(s0, DriverStatus.INACTIVE, null, T0);
        DriverEvent a = flagged(event("ev_a", b1, DriverEventType.PROOF_CAPTURED, DriverStatus.INACTIVE, T0), T0.plusSeconds(1));
        DriverEvent plain = synced(event("ev_plain", b2, DriverEventType.PROOF_CAPTURED, DriverStatus.INACTIVE, T0),
                T0.plusSeconds(1));
        DriverEvent c = flagged(event("ev_c", b3, DriverEventType.PROOF_CAPTURED, DriverStatus.INACTIVE, T0), T0.plusSeconds(2));
        DriverEvent upper = flagged(event("ev_B", b4, DriverEventType.PROOF_CAPTURED, DriverStatus.INACTIVE, T0),
                T0.plusSeconds(2));
        DriverEvent south = flagged(event("ev_s", s1, DriverEventType.PROOF_CAPTURED, DriverStatus.INACTIVE, T0),
                T0.plusSeconds(1));
        QuarantinedEvent qA = withId(quarantined("ev_qa", "b_1", WS, "{\"n\":1}", T0.plusSeconds(2)), "qA");
        QuarantinedEvent qz = withId(quarantined("ev_qz", "b_1", WS, "{\"n\":2}", T0.plusSeconds(3)), "qz");
        QuarantinedEvent qSouth = quarantined("ev_qs", "b_s", "ws_2", "{\"n\":3}", T0);
        QuarantinedEvent qNowhere = quarantined("ev_qn", "b_404", null, "{\"n\":4}", T0);
        assertThat(repo.log().commit(List.of(new BatchChange(b4, 0), new BatchChange(s1, 0)),
                List.of(a, plain, c, upper, south), List.of(qA, qz, qSouth, qNowhere))).isTrue();
        southRefusalId = qSouth.id();
        // By arrival, then id by code point: "B" < "c" < "q".
        return List.of(
                new ReviewItem("ev_a", WS, T0.plusSeconds(1), a, null),
                new ReviewItem("ev_B", WS, T0.plusSeconds(2), upper, null),
                new ReviewItem("ev_c", WS, T0.plusSeconds(2), c, null),
                new ReviewItem("qA", WS, T0.plusSeconds(2), null, qA),
                new ReviewItem("qz", WS, T0.plusSeconds(3), null, qz));
    }

    @Test
    void findReviewQueueWhenPagedByTwoThenEveryOpenItemOnceInArrivalThenIdOrder() {
        List<ReviewItem> expected = seedQueue();

        List<ReviewItem> paged = new ArrayList<>();
        List<ReviewItem> page = repo.reviews().findReviewQueue(WS, null, null, 2);
        while (!page.isEmpty()) {
            assertThat(page.size()).isLessThanOrEqualTo(2);
            paged.addAll(page);
            ReviewItem last = page.get(page.size() - 1);
            page = repo.reviews().findReviewQueue(WS, last.at(), last.id(), 2);
        }

        assertThat(paged).containsExactlyElementsOf(expected);
        assertThat(repo.reviews().findReviewQueue(WS, null, null, 100)).containsExactlyElementsOf(expected);
        assertThat(repo.reviews().findReviewQueue("ws_2", null, null, 100)).extracting(ReviewItem::id)
                .containsExactly(southRefusalId, "ev_s");
        assertThat(repo.reviews().findReviewQueue(WS, T0.plusSeconds(2), null, 100)).extracting(ReviewItem::id)
                .containsExactly("qz");
        assertThat(repo.reviews().findReviewQueue(WS, null, null, 0)).isEmpty();
        assertThat(repo.reviews().findReviewQueue("ws_404", null, null, 10)).isEmpty();
        assertThatThrownBy(() -> repo.reviews().findReviewQueue(WS, null, null, -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void findReviewQueueWhenItemsReviewedThenLeftOutButStillFoundAsItems() {
        List<ReviewItem> items = seedQueue();

        assertThat(repo.reviews().insertReview(review(WS, "ev_B", false, "drift"))).isTrue();
        assertThat(repo.reviews().insertReview(review(WS, "qA", true, "harmless"))).isTrue();

        assertThat(repo.reviews().findReviewQueue(WS, null, null, 100)).extracting(ReviewItem::id)
                .containsExactly("ev_a", "ev_c", "qz");
        assertThat(repo.reviews().findReviewQueue(WS, T0.plusSeconds(1), "ev_a", 1)).extracting(ReviewItem::id)
                .containsExactly("ev_c");
        assertThat(repo.reviews().findReviewItem(WS, "ev_B")).contains(items.get(1));
        assertThat(repo.reviews().findReviewItem(WS, "qA")).contains(items.get(3));
        assertThat(repo.reviews().findReviewItem(WS, "ev_a")).contains(items.get(0));
        assertThat(repo.reviews().findReviewItem(WS, "ev_plain")).isEmpty();
        assertThat(repo.reviews().findReviewItem("ws_2", "ev_a")).isEmpty();
        assertThat(repo.reviews().findReviewItem(WS, "ev_s")).isEmpty();
        assertThat(repo.reviews().findReviewItem(WS, "ev_nope")).isEmpty();
    }

    @Test
    void insertReviewWhenSameItemIdInAnotherWorkspaceThenEachWorkspaceReviewsItsOwn() {
        seedQueue();
        // Event ids are unique per workspace and sender only: ws_2 may hold a flagged ev_a of its own.
        Batch s1 = repo.batches().findBatch("b_s").orElseThrow();
        Batch s2 = step(s1, DriverStatus.INACTIVE, null, T0);
        DriverEvent southA = flagged(event("ev_a", s2, DriverEventType.PROOF_CAPTURED, DriverStatus.INACTIVE, T0),
                T0.plusSeconds(4));
        assertThat(repo.log().commit(List.of(new BatchChange(s2, s1.version())), List.of(southA), List.of())).isTrue();

        assertThat(repo.reviews().insertReview(review(WS, "ev_a", false, "north"))).isTrue();

        assertThat(repo.reviews().findReviewQueue("ws_2", null, null, 100)).extracting(ReviewItem::id)
                .containsExactly(southRefusalId, "ev_s", "ev_a");
        assertThat(repo.reviews().insertReview(review("ws_2", "ev_a", false, "south"))).isTrue();
        assertThat(repo.reviews().insertReview(review("ws_2", "ev_a", false, "again"))).isFalse();
        assertThat(repo.reviews().findReviewQueue("ws_2", null, null, 100)).extracting(ReviewItem::id)
                .containsExactly(southRefusalId, "ev_s");
        assertThat(repo.reviews().findReviewQueue(WS, null, null, 100)).extracting(ReviewItem::id)
                .containsExactly("ev_B", "ev_c", "qA", "qz");
    }

    @Test
    void insertReviewWhenItemAlreadyReviewedThenFalseAndNothingWritten() {
        seedQueue();
        assertThat(repo.reviews().insertReview(review(WS, "ev_a", false, "first"))).isTrue();
        String before = fixture().snapshot();

        assertThat(repo.reviews().insertReview(review(WS, "ev_a", false, "second"))).isFalse();

        assertThat(fixture().snapshot()).isEqualTo(before).contains("first").doesNotContain("second");
    }

    // --- helpers ----------------------------------------------------------------------------

    /**
     * @param workspaceId the item's workspace
     * @param itemId      an event id or quarantine record id
     * @param quarantined whether the item is a quarantine record
     * @param note        the reviewer's note
     * @return supervisor s_sam's review of the item, a minute after {@code T0}; a flagged event's
     *         sender is the seeded one (d_ana in ws_1, d_cy in ws_2)
     */
    protected static ReviewRecord review(String workspaceId, String itemId, boolean quarantined, String note) {
        return new ReviewRecord(UUID.randomUUID().toString(), workspaceId, itemId,
                quarantined ? ReviewItem.Kind.QUARANTINED : ReviewItem.Kind.EVENT,
                quarantined ? null : WS.equals(workspaceId) ? "d_ana" : "d_cy", "s_sam", note, T0.plusSeconds(60));
    }

    /** The event as accepted at {@code syncedAt}, flagged for review. */
    private static DriverEvent flagged(DriverEvent e, Instant syncedAt) {
        return copy(e, syncedAt, true, List.of("NO_LOCATION: " + e.type() + " without a location"));
    }

    /** The event as accepted at {@code syncedAt}, not flagged. */
    private static DriverEvent synced(DriverEvent e, Instant syncedAt) {
        return copy(e, syncedAt, false, List.of());
    }

    private static DriverEvent copy(DriverEvent e, Instant syncedAt, boolean flagged, List<String> reasons) {
        return new DriverEvent(e.eventId(), e.batchId(), e.workspaceId(), e.driverId(), e.actorId(), e.sessionId(),
                e.type(), e.previousStatus(), e.status(), e.batchVersion(), e.recordedAt(), syncedAt, e.lat(),
                e.lng(), e.accuracyMeters(), e.stopIndex(), e.payload(), e.reason(), e.contentHash(), flagged, reasons);
    }

    private static QuarantinedEvent withId(QuarantinedEvent q, String id) {
        return new QuarantinedEvent(id, q.eventId(), q.batchId(), q.workspaceId(), q.senderId(), q.sessionId(),
                q.content(), q.contentHash(), q.errorCode(), q.reason(), q.receivedAt());
    }
}
