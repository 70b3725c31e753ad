package io.fleetgate.examples.bench;

/**
 * One side of a database comparison: fleetgate or its hand-written baseline. Preparing a round is
 * not timed; running it is.
 */
interface Arm {

    /**
     * Makes fresh data for one round (new drivers, sessions to complete, batches and events), so
     * that no round sees another's leftovers.
     *
     * @param ops     how many operations the round performs in all
     * @param threads how many threads share them
     * @return the round, ready to run
     * @throws Exception if the data cannot be made
     */
    Round prepare(int ops, int threads) throws Exception;

    /** A prepared round. */
    interface Round {
        /**
         * Runs thread {@code t}'s share of the operations; timed. Throws when an operation does not
         * have the expected outcome, so a broken arm cannot pass for a fast one.
         *
         * @param t the thread, 0 to threads − 1
         * @throws Exception on failure
         */
        void run(int t) throws Exception;
    }

    /**
     * @param ops     operations in all
     * @param threads threads
     * @param t       a thread
     * @return the first operation index of thread {@code t}
     */
    static int from(int ops, int threads, int t) {
        return (int) ((long) ops * t / threads);
    }

    /**
     * @param ops     operations in all
     * @param threads threads
     * @param t       a thread
     * @return one past the last operation index of thread {@code t}
     */
    static int to(int ops, int threads, int t) {
        return (int) ((long) ops * (t + 1) / threads);
    }
}
