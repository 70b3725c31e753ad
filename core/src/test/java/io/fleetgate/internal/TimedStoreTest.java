package io.fleetgate.internal;

import io.fleetgate.StoreCall;
import io.fleetgate.access.Workspace;
import io.fleetgate.testing.InMemoryStore;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TimedStoreTest {
    private final AtomicLong ticks = new AtomicLong();
    private final List<StoreCall> reported = new ArrayList<>();
    private final InMemoryStore raw = new InMemoryStore();
    private final TimedStore timed = new TimedStore(raw, () -> ticks.addAndGet(10), reported::add);

    @Test
    void callWhenItReturnsOrThrowsThenOneTimingNamedAccessorDotMethod() {
        timed.workspaces().upsertWorkspace(new Workspace("ws_1", "North depot"));
        assertThat(timed.workspaces().findWorkspace("ws_1")).isPresent();
        assertThatThrownBy(() -> timed.workspaces().upsertMembership(null)).isInstanceOf(NullPointerException.class);

        assertThat(reported).containsExactly(new StoreCall("workspaces.upsertWorkspace", true, 10),
                new StoreCall("workspaces.findWorkspace", true, 10),
                new StoreCall("workspaces.upsertMembership", false, 10));
    }

    @Test
    void exclusivelyWhenCallsRunInsideItThenTheyAreToldOnlyAfterItEndsThenItsOwn() {
        List<Integer> reportedInside = new ArrayList<>();
        String result = timed.exclusively(List.of("batch:b_1"), () -> {
            timed.workspaces().upsertWorkspace(new Workspace("ws_1", "North depot"));
            timed.exclusively(List.of("batch:b_2"), () -> timed.workspaces().findWorkspace("ws_1"));
            reportedInside.add(reported.size());
            return "done";
        });

        assertThat(result).isEqualTo("done");
        assertThat(reportedInside).as("nothing told inside the transaction").containsExactly(0);
        assertThat(reported).extracting(StoreCall::operation).containsExactly("workspaces.upsertWorkspace",
                "workspaces.findWorkspace", "store.exclusively", "store.exclusively");
        assertThat(reported.get(3).durationNanos()).isEqualTo(70);
    }

    @Test
    void operationsWhenListedThenEverySpiMethodAndNoArgumentCanBeOne() {
        Set<String> ops = StoreCall.operations();
        assertThat(ops).contains("store.exclusively", "eventLog.commit", "batches.findBatch",
                "exclusiveSessions.activate", "positions.takeFixes");
        assertThat(ops).allSatisfy(op -> assertThat(op).matches("[a-zA-Z]+\\.[a-zA-Z]+"));
        assertThatThrownBy(() -> new StoreCall("batches.b_123", true, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(timed.places()).hasToString("timed places");
    }
}
