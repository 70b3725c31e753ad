package io.fleetgate.store.jdbc;

import io.fleetgate.error.ErrorCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SQLite under contention (issue #8): 8 threads × 1,000 mixed writes on one database file through
 * two {@link JdbcStore}s with their own pools, as two host processes would have. Every call
 * either succeeds or is refused with a domain code; none fails with {@code STORE_UNAVAILABLE} or
 * lets {@code SQLITE_BUSY} through, and afterwards the tables hold exactly the acknowledged
 * writes, counted per kind.
 */
class SqliteContentionTest {
    private static final long SEED = 20261122L;
    private static final int THREADS = 8;
    private static final int CALLS = 1_000;

    private final SqliteFixture fixture = new SqliteFixture();

    private final List<JdbcStore> stores = new ArrayList<>();

    @AfterEach
    void close() {
        stores.forEach(JdbcStore::close);
        fixture.close();
    }

    private JdbcStore open() {
        JdbcStore s = JdbcStore.builder().sqlite(fixture.file()).sqliteDurability(SqliteDurability.NORMAL).build();
        stores.add(s);
        return s;
    }

    @Test
    void mixedWritesWhen8ThreadsOnTwoPoolsThenOnlyDomainRefusalsAndRowsMatchAcknowledgedWrites() throws Exception {
        MixedWorkload load = new MixedWorkload(Set.of(ErrorCode.ACTIVE_SESSION_EXISTS, ErrorCode.NOT_ACTIVE));
        // Two stores on the fixture's file, each with its own pool, as two processes would have.
        // synchronous=NORMAL: the locking is the same as with FULL, without an fsync per commit
        // (which is the disk's speed, not contention, and would make this test take a minute).
        JdbcStore one = open();
        JdbcStore two = open();
        load.seed(one);
        List<MixedWorkload.Instance> instances = List.of(load.instance(one), load.instance(two));
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                MixedWorkload.Instance on = instances.get(t % 2);
                Random r = new Random(SEED + t);
                done.add(pool.submit(() -> {
                    go.await();
                    for (int i = 0; i < CALLS; i++) {
                        load.step(on, r);
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : done) {
                f.get(10, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }

        String c = "seed " + SEED + ": " + load;
        assertThat(load.unknown().values()).as(c).containsOnly(0L);
        Map<MixedWorkload.Kind, Long> ack = load.acknowledged();
        assertThat(ack.values().stream().mapToLong(Long::longValue).sum() - ack.get(MixedWorkload.Kind.READ)
                + load.refusals().values().stream().mapToLong(Long::longValue).sum())
                .as("every write was acknowledged or refused; %s", c).isEqualTo(THREADS * CALLS);
        assertThat(load.acknowledged().values()).as(c + ": every kind was written").allMatch(n -> n > 0);
        load.verify(one.dataSource(), instances.get(0));
        System.out.println("SqliteContentionTest " + c);
    }
}
