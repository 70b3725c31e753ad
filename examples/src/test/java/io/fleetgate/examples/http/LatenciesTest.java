package io.fleetgate.examples.http;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The push-latency benchmark's matching and percentiles: pure arithmetic on given instants, no clock. */
class LatenciesTest {

    @Test
    void matchWhenStreamGotSomeEarlyAndSomeNeverThenSignedLatenciesAndCounts() {
        Map<String, Long> acked = Map.of("e1", 1_000_000L, "e2", 2_000_000L, "e3", 3_000_000L, "e4", 4_000_000L);
        Map<String, Long> received = new HashMap<>();
        received.put("e1", 6_000_000L);     // 5 ms after its 200
        received.put("e2", 1_500_000L);     // 0.5 ms before its 200: the push beat the answer
        received.put("e3", 3_000_000L);     // at the same instant
        received.put("other", 9_000_000L);  // a change nobody in this round acknowledged: ignored

        Latencies l = Latencies.match(acked, received);

        assertThat(l.samplesMs()).containsExactly(-0.5, 0.0, 5.0);
        assertThat(l.missing()).isEqualTo(1);
        assertThat(l.beforeAck()).isEqualTo(1);
        assertThat(l.max()).isEqualTo(5.0);
        assertThat(l.met(500)).as("one missing change fails the target however fast the rest").isFalse();
    }

    @Test
    void percentileWhenHundredSamplesThenNearestRank() {
        List<Double> samples = new java.util.ArrayList<>();
        for (int i = 100; i >= 1; i--) {
            samples.add((double) i);
        }
        Map<String, Long> acked = new HashMap<>();
        Map<String, Long> received = new HashMap<>();
        for (int i = 0; i < samples.size(); i++) {
            acked.put("e" + i, 0L);
            received.put("e" + i, (long) (samples.get(i) * 1_000_000));
        }

        Latencies l = Latencies.match(acked, received);

        assertThat(l.percentile(50)).isEqualTo(50.0);
        assertThat(l.percentile(95)).isEqualTo(95.0);
        assertThat(l.percentile(99)).isEqualTo(99.0);
        assertThat(l.percentile(100)).isEqualTo(100.0);
        assertThat(l.percentile(0)).isEqualTo(1.0);
        assertThat(l.met(99)).isTrue();
        assertThat(l.met(98.9)).isFalse();
        assertThatThrownBy(() -> l.percentile(101)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void plusWhenTwoRoundsThenSamplesAndCountsAdd() {
        Latencies a = Latencies.match(Map.of("a", 0L, "b", 0L), Map.of("a", 2_000_000L));
        Latencies b = Latencies.match(Map.of("c", 5_000_000L), Map.of("c", 4_000_000L));

        Latencies both = a.plus(b);

        assertThat(both.samplesMs()).containsExactly(-1.0, 2.0);
        assertThat(both.missing()).isEqualTo(1);
        assertThat(both.beforeAck()).isEqualTo(1);
        assertThat(Latencies.none().percentile(99)).isNaN();
        assertThat(Latencies.none().met(500)).as("no samples cannot meet a target").isFalse();
    }

    @Test
    void lackingWhenClientMissesSomeThenCountsOnlyExpectedOnes() {
        assertThat(Latencies.lacking(Set.of("a", "b", "c"), Set.of("a", "x"))).isEqualTo(2);
        assertThat(Latencies.lacking(Set.of("a"), Set.of("a"))).isZero();
    }

    @Test
    void heapSumWhenPrometheusTextThenHeapSeriesOnlyAndNoLimitSkipped() {
        String metrics = """
                # HELP jvm_memory_used_bytes The amount of used memory
                jvm_memory_used_bytes{area="heap",id="G1 Eden Space",} 4194304.0
                jvm_memory_used_bytes{area="heap",id="G1 Old Gen",} 1.048576E7
                jvm_memory_used_bytes{area="nonheap",id="Metaspace",} 5.0E7
                jvm_memory_max_bytes{area="heap",id="G1 Eden Space",} -1.0
                jvm_memory_max_bytes{area="heap",id="G1 Old Gen",} 2.68435456E8
                """;

        assertThat(PushBench.heapSum(metrics, "jvm_memory_used_bytes")).isEqualTo(14_680_064.0);
        assertThat(PushBench.heapSum(metrics, "jvm_memory_max_bytes")).isEqualTo(268_435_456.0);
    }
}
