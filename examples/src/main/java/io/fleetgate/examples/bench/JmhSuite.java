package io.fleetgate.examples.bench;

import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * The rules-engine (state machine, stop guard) and geo benchmarks, run with JMH from the bench
 * command.
 *
 * <p>Each benchmark method is run in its own forked JVM (JMH's {@code fork 1}) with warm-up and
 * measured iterations; a round runs every method once, and rounds alternate the order of the
 * methods (A B C, C B A, …), so each side of a comparison is measured several times interleaved
 * with the other. A comparison keeps, per round, the mean score of each side's measured
 * iterations; its RESULT line gives the medians over the rounds. With {@code gc} the GC profiler
 * ({@code -prof gc}) also reports the bytes allocated per operation.
 */
final class JmhSuite {

    /**
     * How long JMH measures.
     *
     * @param rounds       forks per method, interleaved
     * @param warmups      warm-up iterations per fork
     * @param warmupMillis length of a warm-up iteration
     * @param iterations   measured iterations per fork
     * @param iterMillis   length of a measured iteration
     */
    record JmhPlan(int rounds, int warmups, int warmupMillis, int iterations, int iterMillis) {
        /** @return {@code --quick}: 2 rounds of 2×150 ms warm-up and 3×150 ms measured */
        static JmhPlan quick() {
            return new JmhPlan(2, 2, 150, 3, 150);
        }

        /**
         * @return the full run: 10 rounds of 2×500 ms warm-up and 4×500 ms measured (many short
         *         forks rather than a few long ones: on a shared machine the neighbours' load
         *         changes within seconds, and more interleaved samples give a steadier median)
         */
        static JmhPlan full() {
            return new JmhPlan(10, 2, 500, 4, 500);
        }
    }

    /** One benchmark method, with its {@code scale} parameter if it has one. */
    record Method(Class<?> benchmark, String method, String scale) {
        String label() {
            return benchmark.getSimpleName() + "." + method + (scale == null ? "" : "(" + scale + ")");
        }
    }

    /** A comparison: its RESULT name, fleetgate's method, the baseline's and the target ratio. */
    record Pair(String name, Method ours, Method baseline, double target) {
    }

    /** The comparisons, in the order their RESULT lines are printed. */
    static final List<Pair> PAIRS = List.of(
            new Pair("statemachine-vs-stateless4j", sm("fleetgate"), sm("stateless4j"), 15.0),
            new Pair("statemachine-vs-array", sm("fleetgate"), sm("array"), 0.5),
            // what the stop rules add per event, next to the state machine (informational: the
            // target only says the guard stays within 1,000 times a table lookup, far below a
            // synced event's database cost)
            new Pair("stopguard-vs-statemachine", guard("stopGuard"), guard("stateMachine"), 0.001),
            new Pair("polygon-vs-jts", poly("containsFleetgate"), poly("containsJtsPrepared"), 0.9),
            new Pair("haversine-city", geo("haversineFleetgate", "city"), geo("haversineSpatial4j", "city"), 0.95),
            new Pair("haversine-global", geo("haversineFleetgate", "global"), geo("haversineSpatial4j", "global"), 0.95),
            new Pair("geofence-city", geo("geofenceFleetgate", "city"), geo("geofenceSpatial4j", "city"), 0.95),
            new Pair("geofence-global", geo("geofenceFleetgate", "global"), geo("geofenceSpatial4j", "global"), 0.95));

    private JmhSuite() {
    }

    private static Method sm(String method) {
        return new Method(StateMachineBenchmark.class, method, null);
    }

    private static Method poly(String method) {
        return new Method(PolygonBenchmark.class, method, null);
    }

    private static Method guard(String method) {
        return new Method(StopGuardBenchmark.class, method, null);
    }

    private static Method geo(String method, String scale) {
        return new Method(GeoBenchmark.class, method, scale);
    }

    /**
     * @param plan     iterations and rounds
     * @param gc       whether to attach the GC profiler
     * @param selected which comparison names to run
     * @param log      where progress goes
     * @return one comparison per selected pair, store {@code none}, 1 thread
     * @throws RunnerException if JMH fails
     */
    static List<Comparison> run(JmhPlan plan, boolean gc, Predicate<String> selected, PrintStream log)
            throws RunnerException {
        List<Pair> pairs = PAIRS.stream().filter(p -> selected.test(p.name())).toList();
        Set<Method> methods = new LinkedHashSet<>();
        for (Pair p : pairs) {
            methods.add(p.ours());
            methods.add(p.baseline());
        }
        Map<Method, List<Double>> scores = new LinkedHashMap<>();
        Map<Method, List<Double>> bytes = new LinkedHashMap<>();
        for (int round = 0; round < plan.rounds(); round++) {
            List<Method> order = new ArrayList<>(methods);
            if (round % 2 == 1) {
                Collections.reverse(order);
            }
            for (Method m : order) {
                RunResult r = runOne(m, plan, gc);
                double score = r.getPrimaryResult().getScore();
                scores.computeIfAbsent(m, k -> new ArrayList<>()).add(score);
                Double norm = allocation(r);
                if (norm != null) {
                    bytes.computeIfAbsent(m, k -> new ArrayList<>()).add(norm);
                }
                log.printf(Locale.ROOT, "  jmh round %d/%d  %-40s %14.1f ops/s%s%n", round + 1, plan.rounds(), m.label(),
                        score, norm == null ? "" : String.format(Locale.ROOT, "  %.1f B/op", norm));
            }
        }
        List<Comparison> out = new ArrayList<>();
        for (Pair p : pairs) {
            out.add(new Comparison(p.name(), "none", 1, scores.get(p.ours()), scores.get(p.baseline()), p.target(),
                    median(bytes.get(p.ours())), median(bytes.get(p.baseline()))));
        }
        return out;
    }

    private static Double median(List<Double> values) {
        return values == null || values.isEmpty() ? null : Comparison.percentile(values, 50);
    }

    private static RunResult runOne(Method m, JmhPlan plan, boolean gc) throws RunnerException {
        ChainedOptionsBuilder o = new OptionsBuilder()
                .include("^" + Pattern.quote(m.benchmark().getName() + "." + m.method()) + "$")
                .forks(1)
                .threads(1)
                .warmupIterations(plan.warmups())
                .warmupTime(TimeValue.milliseconds(plan.warmupMillis()))
                .measurementIterations(plan.iterations())
                .measurementTime(TimeValue.milliseconds(plan.iterMillis()))
                .shouldFailOnError(true)
                .verbosity(VerboseMode.SILENT);
        if (m.scale() != null) {
            o.param("scale", m.scale());
        }
        if (gc) {
            o.addProfiler(GCProfiler.class);
        }
        Collection<RunResult> results = new Runner(o.build()).run();
        if (results.size() != 1) {
            throw new IllegalStateException("JMH ran " + results.size() + " benchmarks for " + m.label());
        }
        return results.iterator().next();
    }

    private static Double allocation(RunResult r) {
        for (String key : r.getSecondaryResults().keySet()) {
            if (key.endsWith("gc.alloc.rate.norm")) {
                return r.getSecondaryResults().get(key).getScore();
            }
        }
        return null;
    }
}
