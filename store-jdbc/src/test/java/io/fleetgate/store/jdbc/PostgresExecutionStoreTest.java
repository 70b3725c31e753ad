package io.fleetgate.store.jdbc;

import io.fleetgate.contract.ExecutionRepos;
import io.fleetgate.execution.Batch;
import io.fleetgate.execution.DriverEventType;
import io.fleetgate.execution.DriverStatus;
import io.fleetgate.spi.EventLog.BatchChange;
import io.fleetgate.testkit.StoreFixture;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PostgresExecutionStoreTest extends JdbcExecutionStoreContract {
    @Override
    protected StoreFixture newFixture() {
        return new PostgresFixture();
    }

    @Test
    void commitWhenDriverRewritesBatchedInsertsThenTakenEventIdStillRefused() {
        PostgresFixture pg = (PostgresFixture) fixture();
        // With reWriteBatchedInserts the driver reports SUCCESS_NO_INFO instead of row counts.
        try (JdbcStore rewriting = JdbcStore.builder()
                .postgres(pg.schemaUrl() + "&reWriteBatchedInserts=true").owner(PostgresFixture.user(), PostgresFixture.password())
                .runtime(PostgresFixture.runtimeUser(), PostgresFixture.runtimePassword())
                .poolSize(2).build()) {
            ExecutionRepos r = ExecutionRepos.of(rewriting);
            Batch b0 = newBatch("b_1", "d_ana");
            r.batches().insertBatch(b0);
            Batch b1 = step(b0, DriverStatus.ACTIVE, null, T0);
            assertThat(r.log().commit(List.of(new BatchChange(b1, 0)),
                    List.of(event("ev_1", b1, DriverEventType.DRIVER_LOGGED_IN, DriverStatus.INACTIVE, T0)),
                    List.of())).isTrue();
            String before = pg.snapshot();

            Batch b2 = step(b1, DriverStatus.EN_ROUTE, null, T0.plusSeconds(1));
            Batch b3 = step(b2, DriverStatus.DELAYED, null, T0.plusSeconds(2));
            boolean committed = r.log().commit(List.of(new BatchChange(b3, 1)),
                    List.of(event("ev_2", b2, DriverEventType.ROUTE_STARTED, DriverStatus.ACTIVE, T0.plusSeconds(1)),
                            event("ev_1", b3, DriverEventType.DELAY_REPORTED, DriverStatus.EN_ROUTE, T0.plusSeconds(2))),
                    List.of());

            assertThat(committed).isFalse();
            assertThat(pg.snapshot()).isEqualTo(before);
            Batch b3ok = step(b2, DriverStatus.DELAYED, null, T0.plusSeconds(2));
            assertThat(r.log().commit(List.of(new BatchChange(b3ok, 1)),
                    List.of(event("ev_2", b2, DriverEventType.ROUTE_STARTED, DriverStatus.ACTIVE, T0.plusSeconds(1)),
                            event("ev_3", b3ok, DriverEventType.DELAY_REPORTED, DriverStatus.EN_ROUTE, T0.plusSeconds(2))),
                    List.of())).isTrue();
            assertThat(r.log().findLog("b_1")).hasSize(3);
        }
    }
}
