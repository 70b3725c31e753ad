package io.fleetgate.store.jdbc;

import io.fleetgate.error.ErrorCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * PostgreSQL with its connections killed under load (issue #8): 4 threads run at least 75 mixed
 * calls each (and on until 30 backends were killed) through two {@link JdbcStore}s while a killer
 * thread calls {@code pg_terminate_backend} on the stores' own backends (found by a per-test
 * {@code ApplicationName}) at random moments, idle, active or inside a transaction. Every call
 * either succeeds, is refused with a domain code, or fails with {@code STORE_UNAVAILABLE};
 * nothing else escapes. Afterwards every acknowledged write is there, nothing is half-written
 * (one ACTIVE exclusive session per driver at most, every batch's status and version a replay of
 * its log, no event without its batch update), and once the killer stops the pools recover: a
 * final round of calls all end without {@code STORE_UNAVAILABLE}.
 */
class PostgresFaultTest {
    private static final long SEED = 57L;
    private static final int THREADS = 4;
    private static final int CALLS = 75;
    private static final int FINAL_CALLS = 40;
    private static final int MIN_KILLS = 30;

    private final PostgresFixture fixture = new PostgresFixture();
    private final String app = "fleetgate-fault-" + UUID.randomUUID().toString().substring(0, 8);
    private final List<JdbcStore> stores = new ArrayList<>();

    @AfterEach
    void close() {
        stores.forEach(JdbcStore::close);
        fixture.close();
    }

    private JdbcStore open() {
        JdbcStore s = JdbcStore.builder().postgres(fixture.schemaUrl() + "&ApplicationName=" + app)
                .owner(PostgresFixture.user(), PostgresFixture.password())
                .runtime(PostgresFixture.runtimeUser(), PostgresFixture.runtimePassword()).poolSize(4).build();
        stores.add(s);
        return s;
    }

    @Test
    void mixedWritesWhenBackendsTerminatedAtRandomThenUnavailableOrDoneAndNothingLostOrHalfWritten() throws Exception {
        MixedWorkload load = new MixedWorkload(Set.of(ErrorCode.ACTIVE_SESSION_EXISTS, ErrorCode.NOT_ACTIVE,
                ErrorCode.STORE_UNAVAILABLE));
        load.seed(fixture.store());
        List<MixedWorkload.Instance> instances = List.of(load.instance(open()), load.instance(open()));
        AtomicBoolean stop = new AtomicBoolean();
        Map<String, Integer> kills = new java.util.concurrent.ConcurrentHashMap<>();
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS + 1);
        try {
            Future<?> killer = pool.submit(() -> {
                go.await();
                kill(new Random(SEED), stop, kills);
                return null;
            });
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                MixedWorkload.Instance on = instances.get(t % 2);
                Random r = new Random(SEED + 1 + t);
                done.add(pool.submit(() -> {
                    go.await();
                    // at least CALLS each, and on until the killer has struck MIN_KILLS times
                    for (int i = 0; i < CALLS || (killed(kills) < MIN_KILLS && i < 40 * CALLS); i++) {
                        load.step(on, r);
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : done) {
                f.get(10, TimeUnit.MINUTES);
            }
            stop.set(true);
            killer.get(1, TimeUnit.MINUTES);
        } finally {
            stop.set(true);
            pool.shutdownNow();
        }
        String c = "seed " + SEED + ", kills " + kills + ": " + load;
        assertThat(killed(kills)).as(c).isGreaterThanOrEqualTo(MIN_KILLS);
        assertThat(kills.getOrDefault("idle in transaction", 0) + kills.getOrDefault("active", 0))
                .as("some kills hit a statement or an open transaction; " + c).isPositive();
        assertThat(load.unknown().values().stream().mapToLong(Long::longValue).sum())
                .as("the faults reached the callers; " + c).isPositive();

        // The killer has stopped: after a pause longer than Hikari's 500 ms alive-bypass window (so
        // every pooled connection is checked before use), the pools have recovered.
        Thread.sleep(1_000);
        Map<MixedWorkload.Kind, Long> unknownBefore = load.unknown();
        Random r = new Random(SEED - 1);
        for (int i = 0; i < FINAL_CALLS; i++) {
            load.step(instances.get(i % 2), r);
        }
        assertThat(load.unknown()).as("after the killer stopped; " + c).isEqualTo(unknownBefore);

        load.verify(fixture.store().dataSource(), load.instance(fixture.store()));
        System.out.println("PostgresFaultTest " + c + "; final round " + FINAL_CALLS + " calls, all done");
    }

    private static int killed(Map<String, Integer> kills) {
        return kills.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** Terminates one of the test's own backends every few milliseconds until told to stop. */
    private void kill(Random r, AtomicBoolean stop, Map<String, Integer> kills) throws SQLException, InterruptedException {
        // As the stores' runtime role, which may terminate its own backends (those of the stores' pools).
        try (Connection admin = DriverManager.getConnection(PostgresFixture.url(), PostgresFixture.runtimeUser(),
                PostgresFixture.runtimePassword());
             PreparedStatement find = admin.prepareStatement("SELECT pid, state FROM pg_stat_activity "
                     + "WHERE application_name = ? AND usename = current_user AND pid <> pg_backend_pid()");
             PreparedStatement terminate = admin.prepareStatement("SELECT pg_terminate_backend(?)")) {
            find.setString(1, app);
            while (!stop.get()) {
                Thread.sleep(r.nextInt(80));
                List<Map.Entry<Integer, String>> backends = new ArrayList<>();
                try (ResultSet rs = find.executeQuery()) {
                    while (rs.next()) {
                        backends.add(Map.entry(rs.getInt(1), String.valueOf(rs.getString(2))));
                    }
                }
                // prefer backends that are running a statement or hold a transaction open
                List<Map.Entry<Integer, String>> busy = backends.stream()
                        .filter(b -> !b.getValue().equals("idle")).toList();
                List<Map.Entry<Integer, String>> from = !busy.isEmpty() && r.nextInt(4) != 0 ? busy : backends;
                if (from.isEmpty()) {
                    continue;
                }
                Map.Entry<Integer, String> victim = from.get(r.nextInt(from.size()));
                terminate.setInt(1, victim.getKey());
                try (ResultSet rs = terminate.executeQuery()) {
                    rs.next();
                    if (rs.getBoolean(1)) {
                        kills.merge(victim.getValue(), 1, Integer::sum);
                    }
                }
            }
        }
    }
}
