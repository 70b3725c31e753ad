package io.fleetgate.examples.bench;

import java.util.List;

/**
 * How the database harness measures: rounds, their length and the workload sizes. Immutable.
 *
 * @param warmupRounds   the fewest rounds per arm run and discarded before measuring; at least 1
 * @param warmupSeconds  the least time warm-up rounds take in all (the JIT needs thousands of
 *                       calls of the library's paths before they run at full speed)
 * @param measuredRounds rounds per arm kept
 * @param roundSeconds   how long a round of the slower arm should last, roughly
 * @param minOps         the fewest operations in a round (and the calibration round's size)
 * @param maxOps         the most operations in a round
 * @param syncEvents     events per {@code sync} round, shared by the threads
 * @param syncChunk      events per {@code sync} call (and per baseline transaction)
 * @param threads        the thread counts to run each benchmark at
 * @param activeDrivers  drivers with an ACTIVE session that the {@code active} lookup polls
 * @param historyEvents  events logged before any benchmark runs, so that the log is not empty and
 *                       PostgreSQL's planner has statistics of a table with rows in it
 */
record Plan(int warmupRounds, double warmupSeconds, int measuredRounds, double roundSeconds, int minOps, int maxOps,
            int syncEvents, int syncChunk, List<Integer> threads, int activeDrivers,
            int historyEvents) {

    Plan {
        if (warmupRounds < 1 || measuredRounds < 1) {
            throw new IllegalArgumentException("need at least one warm-up and one measured round");
        }
        threads = List.copyOf(threads);
    }

    /** @return {@code --quick}: 1.5 s of warm-up, then 5 measured rounds of about 0.25 s per arm */
    static Plan quick() {
        return new Plan(2, 1.5, 5, 0.25, 40, 20_000, 10_000, 500, List.of(1, 8), 2_000, 20_000);
    }

    /** @return the full run: 8 s of warm-up, then 11 measured rounds of about 1 s per arm */
    static Plan full() {
        return new Plan(3, 8, 11, 1.0, 100, 200_000, 10_000, 500, List.of(1, 8), 10_000, 50_000);
    }

    /** @return tiny sizes, for tests of the harness itself (numbers meaningless) */
    static Plan tiny() {
        return new Plan(1, 0, 2, 0.001, 4, 8, 60, 20, List.of(1, 2), 10, 40);
    }
}
