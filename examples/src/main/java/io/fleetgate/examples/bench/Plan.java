package io.fleetgate.examples.bench;

import java.util.List;

/**
 * How the database harness measures: rounds, their length and the workload sizes. Immutable.
 *
 * @param warmupRounds   the fewest rounds per arm run and discarded before measuring; at least 1
 * @param warmupSeconds  the least time warm-up rounds take in all
 * @param warmupOps      the fewest operations each arm runs in warm-up, the same in quick and full
 *                       runs: the JIT needs thousands of calls of the library's paths before they
 *                       run at full speed, and a warm-up counted in seconds gives a slow path fewer
 *                       calls than a fast one (so quick runs used to read a path at 0.72× that full
 *                       runs read at 0.93×)
 * @param measuredRounds rounds per arm kept; even, so that each arm runs first as often as second
 *                       ({@link Comparison#ratio()})
 * @param roundSeconds   how long a round of the slower arm should last, roughly
 * @param minOps         the fewest operations in a round (and the calibration round's size)
 * @param maxOps         the most operations in a round
 * @param syncEvents     events per {@code sync} round, shared by the threads
 * @param syncChunk      events per {@code sync} call (and per baseline transaction)
 * @param threads        the thread counts to run each benchmark at
 * @param activeDrivers  drivers with an ACTIVE session that the {@code active} lookup polls
 * @param historyEvents  events logged before any benchmark runs, so that the log is not empty and
 *                       PostgreSQL's planner has statistics of a table with rows in it (and as many
 *                       fixes stored)
 * @param ingestFixes    fixes per {@code positions-ingest} round, shared by the threads, in calls of
 *                       {@value DbSuite#FIXES_PER_CALL}; a multiple of {@code ingestThreads} times that
 * @param ingestThreads  the thread count {@code positions-ingest} runs at (each thread its own driver)
 */
record Plan(int warmupRounds, double warmupSeconds, int warmupOps, int measuredRounds, double roundSeconds, int minOps,
            int maxOps, int syncEvents, int syncChunk, List<Integer> threads, int activeDrivers,
            int historyEvents, int ingestFixes, int ingestThreads) {

    /** Operations each arm runs in warm-up before a comparison measures, in quick and full runs alike. */
    static final int WARMUP_OPS = 10_000;

    Plan {
        if (warmupRounds < 1 || measuredRounds < 1) {
            throw new IllegalArgumentException("need at least one warm-up and one measured round");
        }
        if (warmupOps < 0) {
            throw new IllegalArgumentException("warmupOps must be >= 0, was " + warmupOps);
        }
        threads = List.copyOf(threads);
        if (ingestThreads < 1 || ingestFixes < 1 || ingestFixes % (ingestThreads * DbSuite.FIXES_PER_CALL) != 0) {
            throw new IllegalArgumentException("ingestFixes must be a positive multiple of ingestThreads x "
                    + DbSuite.FIXES_PER_CALL + ", was " + ingestFixes + " for " + ingestThreads + " threads");
        }
    }

    /**
     * @param ops the fewest operations each arm runs in warm-up
     * @return this plan with that warm-up
     */
    Plan withWarmupOps(int ops) {
        return new Plan(warmupRounds, warmupSeconds, ops, measuredRounds, roundSeconds, minOps, maxOps, syncEvents,
                syncChunk, threads, activeDrivers, historyEvents, ingestFixes, ingestThreads);
    }

    /**
     * @param counts the thread counts
     * @return this plan at those thread counts
     */
    Plan withThreads(List<Integer> counts) {
        return new Plan(warmupRounds, warmupSeconds, warmupOps, measuredRounds, roundSeconds, minOps, maxOps, syncEvents,
                syncChunk, counts, activeDrivers, historyEvents, ingestFixes, ingestThreads);
    }

    /**
     * @return {@code --quick}: warm-up of 1.5 s and {@value #WARMUP_OPS} operations per arm, then 6
     *         measured rounds of about 0.25 s per arm; {@code positions-ingest} rounds of 16,000 fixes
     *         (8 threads, 20 calls each)
     */
    static Plan quick() {
        return new Plan(2, 1.5, WARMUP_OPS, 6, 0.25, 40, 20_000, 10_000, 500, List.of(1, 8), 2_000, 20_000, 16_000, 8);
    }

    /**
     * @return the full run: warm-up of 8 s and {@value #WARMUP_OPS} operations per arm, then 12
     *         measured rounds of about 1 s per arm; {@code positions-ingest} rounds of 40,000 fixes
     *         (8 threads, 50 calls each)
     */
    static Plan full() {
        return new Plan(3, 8, WARMUP_OPS, 12, 1.0, 100, 200_000, 10_000, 500, List.of(1, 8), 10_000, 50_000, 40_000,
                8);
    }

    /** @return tiny sizes, for tests of the harness itself (numbers meaningless) */
    static Plan tiny() {
        return new Plan(1, 0, 0, 2, 0.001, 4, 8, 60, 20, List.of(1, 2), 10, 40, 400, 2);
    }
}
