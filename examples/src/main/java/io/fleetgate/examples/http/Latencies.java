package io.fleetgate.examples.http;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Matches what a stream received with when its writes were acknowledged, for the {@code
 * push-latency} benchmark: each change is keyed by the event id it carries ({@code entity_id}),
 * its latency is the instant the stream received it minus the instant the syncing client got the
 * 200 of the request that committed the event (both {@link System#nanoTime()} of one JVM). A
 * change can arrive before that 200 (the host's commit wakes the stream while the answer is still
 * on its way), which gives a negative latency: kept as measured, and counted apart. Immutable.
 *
 * @param samplesMs  one latency per acknowledged event the stream received, in ms, sorted
 * @param missing    acknowledged events the stream never received
 * @param beforeAck  of the samples, how many arrived before their 200
 */
record Latencies(List<Double> samplesMs, int missing, int beforeAck) {

    Latencies {
        samplesMs = List.copyOf(samplesMs);
    }

    /**
     * @param acked    event id → when its request's 200 was received (nanoTime)
     * @param received event id → when the stream received its change (nanoTime); ids not acked are ignored
     * @return the matched latencies
     */
    static Latencies match(Map<String, Long> acked, Map<String, Long> received) {
        List<Double> samples = new ArrayList<>(acked.size());
        int missing = 0;
        int early = 0;
        for (Map.Entry<String, Long> e : acked.entrySet()) {
            Long got = received.get(e.getKey());
            if (got == null) {
                missing++;
                continue;
            }
            long nanos = got - e.getValue();
            if (nanos < 0) {
                early++;
            }
            samples.add(nanos / 1e6);
        }
        Collections.sort(samples);
        return new Latencies(samples, missing, early);
    }

    /**
     * @param more another round's latencies
     * @return both rounds' together
     */
    Latencies plus(Latencies more) {
        List<Double> all = new ArrayList<>(samplesMs);
        all.addAll(more.samplesMs);
        Collections.sort(all);
        return new Latencies(all, missing + more.missing, beforeAck + more.beforeAck);
    }

    /** @return no samples */
    static Latencies none() {
        return new Latencies(List.of(), 0, 0);
    }

    /**
     * @param p 0 to 100
     * @return the p-th percentile in ms by the nearest-rank method (the smallest sample with at
     *         least p % of the samples at or below it: p99 is a latency that 99 % of the changes
     *         did not exceed), or NaN without samples
     */
    double percentile(double p) {
        if (p < 0 || p > 100) {
            throw new IllegalArgumentException("p must be 0 to 100, was " + p);
        }
        if (samplesMs.isEmpty()) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p / 100.0 * samplesMs.size());
        return samplesMs.get(Math.max(0, rank - 1));
    }

    /** @return the largest sample in ms, NaN without samples */
    double max() {
        return samplesMs.isEmpty() ? Double.NaN : samplesMs.get(samplesMs.size() - 1);
    }

    /**
     * @param targetP99Ms the most the 99th percentile may be
     * @return whether there are samples, none is missing and the p99 is within the target
     */
    boolean met(double targetP99Ms) {
        return !samplesMs.isEmpty() && missing == 0 && percentile(99) <= targetP99Ms;
    }

    /**
     * @param expected the event ids every client must receive
     * @param got      what one client received
     * @return how many of {@code expected} {@code got} lacks
     */
    static int lacking(Set<String> expected, Set<String> got) {
        int n = 0;
        for (String id : expected) {
            if (!got.contains(id)) {
                n++;
            }
        }
        return n;
    }
}
