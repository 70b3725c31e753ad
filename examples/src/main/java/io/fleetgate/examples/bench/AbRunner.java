package io.fleetgate.examples.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs two {@link Arm}s in alternating rounds on a fixed set of threads and keeps each measured
 * round's throughput.
 *
 * <p>Rounds go A B, B A, A B, …: whichever arm ran second in one pair runs first in the next, so
 * neither always inherits the other's dirty pages, WAL growth or JIT state. Warm-up rounds run
 * until {@link Plan#warmupRounds()} pairs, {@link Plan#warmupSeconds()} and
 * {@link Plan#warmupOps()} operations per arm have passed; the
 * first runs {@link Plan#minOps()} operations and each sizes the next so that a round of the
 * slower arm lasts about {@link Plan#roundSeconds()}. Measured rounds keep the last size: both
 * arms run the same number of operations in every round.
 * Each round's data is prepared before its clock starts. The heap is not collected between rounds:
 * each arm pays for its garbage as a host would, the alternation shares out what one arm leaves
 * to the next, and a {@code System.gc()} before each round made G1 shrink the heap and its young
 * generation, so that the arm run next paid for regrowing them (the allocation-heavier arm more:
 * SQLite's one-thread {@code active} read 0.59 with it and 0.85 without, 0.86 with it on a fixed
 * heap). Not thread-safe; one per comparison.
 */
final class AbRunner implements AutoCloseable {
    private final int threads;
    private final ExecutorService pool;
    private final PrintStream log;
    private final CpuMeter cpuMeter = CpuMeter.fromEnvironment();

    /**
     * @param threads how many threads run each round
     * @param log     where progress goes
     */
    AbRunner(int threads, PrintStream log) {
        this.threads = threads;
        this.log = log;
        AtomicInteger n = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "bench-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * @param name     the benchmark
     * @param store    the store's name
     * @param ours     fleetgate's arm
     * @param baseline the baseline's arm
     * @param plan     rounds and sizes
     * @param fixedOps operations per round, or 0 to size rounds from the first warm-up
     * @param target   the least acceptable ratio
     * @return the measured rounds
     * @throws Exception if an arm fails
     */
    Comparison compare(String name, String store, Arm ours, Arm baseline, Plan plan, int fixedOps, double target)
            throws Exception {
        return compare(name, store, ours, baseline, plan, fixedOps, target, 0);
    }

    /**
     * As {@link #compare(String, String, Arm, Arm, Plan, int, double)}, with an absolute target too.
     *
     * @param name     the benchmark
     * @param store    the store's name
     * @param ours     fleetgate's arm
     * @param baseline the baseline's arm
     * @param plan     rounds and sizes
     * @param fixedOps operations per round, or 0 to size rounds from the first warm-up
     * @param target   the least acceptable ratio
     * @param minOurs  the least acceptable median ops/s of fleetgate, 0 for none
     * @return the measured rounds
     * @throws Exception if an arm fails
     */
    Comparison compare(String name, String store, Arm ours, Arm baseline, Plan plan, int fixedOps, double target,
                       double minOurs) throws Exception {
        int ops = fixedOps > 0 ? fixedOps : roundUp(plan.minOps());
        List<Double> a = new ArrayList<>();
        List<Double> b = new ArrayList<>();
        long warmupEnds = System.nanoTime() + (long) (plan.warmupSeconds() * 1e9);
        int warmups = 0;
        long warmupOps = 0;
        for (int r = 0; a.size() < plan.measuredRounds(); r++) {
            boolean measured = warmups >= plan.warmupRounds() && warmupOps >= plan.warmupOps()
                    && System.nanoTime() >= warmupEnds;
            boolean oursFirst = r % 2 == 0;
            double first = round(oursFirst ? ours : baseline, ops, oursFirst ? "ours" : "baseline");
            double second = round(oursFirst ? baseline : ours, ops, oursFirst ? "baseline" : "ours");
            double rateOurs = oursFirst ? first : second;
            double rateBase = oursFirst ? second : first;
            if (measured) {
                a.add(rateOurs);
                b.add(rateBase);
            } else {
                warmups++;
                warmupOps += ops;
            }
            log.printf(Locale.ROOT, "  %-8s %-8s %dt %s %2d  ops %6d  ours %10.1f/s  baseline %10.1f/s  %.3f%n",
                    name, store, threads, measured ? "round " : "warmup", measured ? a.size() : warmups, ops, rateOurs,
                    rateBase, rateOurs / rateBase);
            if (!measured && fixedOps == 0) {
                double slower = Math.min(rateOurs, rateBase);
                ops = roundUp((int) Math.max(plan.minOps(), Math.min(plan.maxOps(), slower * plan.roundSeconds())));
            }
        }
        return new Comparison(name, store, threads, a, b, target, null, null, minOurs);
    }

    private int roundUp(int ops) {
        return Math.max(threads, (ops + threads - 1) / threads * threads);
    }

    /** @return the arm's throughput over one round of {@code ops} operations */
    private double round(Arm arm, int ops, String side) throws Exception {
        Arm.Round round = arm.prepare(ops, threads);
        CpuMeter.Sample cpu = cpuMeter.sample();
        CountDownLatch ready = new CountDownLatch(threads);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Long>> done = new ArrayList<>(threads);
        for (int t = 0; t < threads; t++) {
            int thread = t;
            done.add(pool.submit(() -> {
                ready.countDown();
                go.await();
                round.run(thread);
                return System.nanoTime();
            }));
        }
        ready.await();
        long start = System.nanoTime();
        go.countDown();
        long end = start;
        try {
            for (Future<Long> f : done) {
                end = Math.max(end, f.get());
            }
        } catch (ExecutionException e) {
            done.forEach(f -> f.cancel(true));
            Throwable cause = e.getCause();
            if (cause instanceof Exception ex) {
                throw ex;
            }
            throw e;
        }
        cpuMeter.report(log, side, cpu, ops);
        return ops / ((end - start) / 1e9);
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
