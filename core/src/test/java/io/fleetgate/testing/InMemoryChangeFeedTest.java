package io.fleetgate.testing;

import io.fleetgate.contract.ChangeFeedContract;
import io.fleetgate.execution.CreateBatchRequest;
import io.fleetgate.supervisor.ChangeFeed;
import io.fleetgate.testkit.StoreFixture;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class InMemoryChangeFeedTest extends ChangeFeedContract {
    @Override
    protected StoreFixture newFixture() {
        return new InMemoryFixture();
    }

    /**
     * In memory the wake-up runs on the writer's thread, before the write returns, and the store
     * never says "anything": so which subscribers a change wakes can be counted exactly.
     */
    @Test
    void subscribeWhenAWorkspaceChangesThenOnlyItsSubscribersAreWokenAndAThrowingOneHarmsNoOther() {
        AtomicInteger north = new AtomicInteger();
        AtomicInteger south = new AtomicInteger();
        try (ChangeFeed.Subscription failing = feed.subscribe(sam, null, () -> {
                throw new IllegalStateException("a broken subscriber");
            });
             ChangeFeed.Subscription n = feed.subscribe(sam, null, north::incrementAndGet);
             ChangeFeed.Subscription s = feed.subscribe(oz, null, south::incrementAndGet)) {
            execution.createBatch(sam, new CreateBatchRequest("b_1", "ws_1", "d_ana", STOPS, null));
            assertThat(north).hasValue(1);
            assertThat(south).hasValue(0);
            execution.createBatch(oz, new CreateBatchRequest("b_9", "ws_2", "d_cy", STOPS, null));
            assertThat(north).hasValue(1);
            assertThat(south).hasValue(1);
        }
    }
}
