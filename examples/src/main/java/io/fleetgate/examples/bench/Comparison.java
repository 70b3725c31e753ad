package io.fleetgate.examples.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One benchmark's outcome: fleetgate's throughput and its baseline's, one sample per measured
 * round, the rounds of the two having been run interleaved (A/B/A/B…). Immutable.
 *
 * @param name       the benchmark, e.g. {@code activate} or {@code haversine-city}
 * @param store      {@code sqlite}, {@code postgres} or {@code none}
 * @param threads    how many threads ran the operations
 * @param ours       fleetgate's ops/s, one per measured round, in the order run
 * @param baseline   the baseline's ops/s, one per measured round, in the order run
 * @param target     the least acceptable {@link #ratio()}
 * @param oursBytes  fleetgate's allocation per operation (JMH {@code gc.alloc.rate.norm}), or
 *                   {@code null} when not measured
 * @param baseBytes  the baseline's allocation per operation, or {@code null}
 * @param minOurs    the least acceptable {@link #oursMedian()} in ops/s, an absolute target met
 *                   besides the ratio (PostgreSQL's {@code positions-ingest}); 0 for none
 */
record Comparison(String name, String store, int threads, List<Double> ours, List<Double> baseline,
                  double target, Double oursBytes, Double baseBytes, double minOurs) {

    Comparison {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(store, "store");
        ours = List.copyOf(ours);
        baseline = List.copyOf(baseline);
        if (ours.isEmpty() || baseline.isEmpty()) {
            throw new IllegalArgumentException("no samples for " + name);
        }
        if (!(minOurs >= 0)) {
            throw new IllegalArgumentException("minOurs must be >= 0, was " + minOurs);
        }
    }

    /** A comparison with a ratio target only. */
    Comparison(String name, String store, int threads, List<Double> ours, List<Double> baseline, double target,
               Double oursBytes, Double baseBytes) {
        this(name, store, threads, ours, baseline, target, oursBytes, baseBytes, 0);
    }

    /** @return median ops/s of fleetgate */
    double oursMedian() {
        return percentile(ours, 50);
    }

    /** @return median ops/s of the baseline */
    double baselineMedian() {
        return percentile(baseline, 50);
    }

    /**
     * @return the median, over blocks of two consecutive pairs, of the geometric mean of the two
     *         {@linkplain #pairedRatios() paired-round ratios} (a last pair without a partner counts
     *         alone). Rounds run A B, B A, A B, B A…, so in each block both arms run once in an odd
     *         and once in an even position: a machine whose rounds alternate fast and slow (seen on
     *         SQLite's one-thread {@code active}: pairs read 0.55, 1.25, 0.60, 1.24…) moves both
     *         ratios of a block in opposite directions and not their mean, and a machine that speeds
     *         up or slows down during the run moves both sides of a pair and not its ratio, as it
     *         would a ratio of two medians taken apart
     */
    double ratio() {
        List<Double> paired = pairedRatios();
        List<Double> blocks = new ArrayList<>();
        for (int i = 0; i < paired.size(); i += 2) {
            blocks.add(i + 1 < paired.size() ? Math.sqrt(paired.get(i) * paired.get(i + 1)) : paired.get(i));
        }
        return percentile(blocks, 50);
    }

    /** @return whether the ratio reaches the target, and fleetgate's median its absolute target if any */
    boolean met() {
        return ratio() >= target && oursMedian() >= minOurs;
    }

    /** @return the targets as the table prints them, e.g. {@code >=0.60} or {@code >=0.60 & >=20.0k/s} */
    String targets() {
        String ratio = String.format(Locale.ROOT, ">=%.2f", target);
        return minOurs > 0 ? ratio + " & >=" + number(minOurs) + "/s" : ratio;
    }

    /**
     * @return the ratio of each round's pair (ours ÷ the baseline run next to it), which shows how
     *         steady the comparison was even when the machine's speed drifted
     */
    List<Double> pairedRatios() {
        List<Double> out = new ArrayList<>();
        for (int i = 0; i < Math.min(ours.size(), baseline.size()); i++) {
            out.add(ours.get(i) / baseline.get(i));
        }
        return out;
    }

    /** @return {@code RESULT <name> <store> <threads> <ops_per_s> <baseline_ops_per_s> <ratio>} */
    String resultLine() {
        return String.format(Locale.ROOT, "RESULT %s %s %d %.1f %.1f %.3f", name, store, threads,
                oursMedian(), baselineMedian(), ratio());
    }

    /**
     * @param samples values
     * @param p       0 to 100
     * @return the p-th percentile, interpolated linearly between the nearest ranks
     */
    static double percentile(List<Double> samples, double p) {
        List<Double> sorted = new ArrayList<>(samples);
        Collections.sort(sorted);
        double rank = p / 100.0 * (sorted.size() - 1);
        int lo = (int) Math.floor(rank);
        int hi = (int) Math.ceil(rank);
        return sorted.get(lo) + (sorted.get(hi) - sorted.get(lo)) * (rank - lo);
    }

    /** @return e.g. "2.3k [2.2k-2.4k]": the median and the min-max */
    static String spread(List<Double> samples) {
        return String.format(Locale.ROOT, "%s [%s-%s]", number(percentile(samples, 50)),
                number(Collections.min(samples)), number(Collections.max(samples)));
    }

    /** @return a throughput with three significant figures at least, no exponent */
    static String number(double v) {
        if (v >= 1e6) {
            return String.format(Locale.ROOT, "%.1fM", v / 1e6);
        }
        if (v >= 1e4) {
            return String.format(Locale.ROOT, "%.1fk", v / 1e3);
        }
        return String.format(Locale.ROOT, "%.0f", v);
    }
}
