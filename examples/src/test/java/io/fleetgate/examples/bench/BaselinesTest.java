package io.fleetgate.examples.bench;

import com.github.oxo42.stateless4j.StateMachine;
import io.fleetgate.execution.DriverEventType;
import io.fleetgate.execution.DriverStateMachine;
import io.fleetgate.execution.DriverStatus;
import io.fleetgate.geo.Coordinate;
import io.fleetgate.geo.Geo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The JMH baselines answer what fleetgate answers, so the benchmarks compare equal work; and the
 * JMH stubs were generated into the build.
 */
class BaselinesTest {

    @Test
    void stateless4jTableWhenEveryStatusAndEventThenSameAnswerAsDriverStateMachine() {
        DriverStateMachine machine = DriverStateMachine.standard();
        for (DriverStatus from : DriverStatus.values()) {
            for (DriverEventType event : DriverEventType.values()) {
                if (event == DriverEventType.SUPERVISOR_OVERRIDE) {
                    continue; // takes a target; not part of the benchmark's workload
                }
                DriverStateMachine.Decision d = machine.decide(from, event, null);
                StateMachineBenchmark.Row row = new StateMachineBenchmark.Row();
                StateMachine<DriverStatus, DriverEventType> sm = new StateMachine<>(from, () -> row.status,
                        s -> row.status = s, StateMachineBenchmark.STATELESS4J);
                assertThat(sm.canFire(event)).as(from + " " + event).isEqualTo(d.allowed());
                if (d.allowed()) {
                    sm.fire(event);
                    assertThat(row.status).as(from + " " + event).isEqualTo(d.to());
                }
            }
        }
    }

    @Test
    void stateMachineBenchmarkWhenSetUpThenCyclesThroughTheSeeds22Transitions() {
        StateMachineBenchmark ours = new StateMachineBenchmark();
        StateMachineBenchmark stateless4j = new StateMachineBenchmark();
        StateMachineBenchmark array = new StateMachineBenchmark();
        ours.setUp();
        stateless4j.setUp();
        array.setUp();

        assertThat(ours.distinctPairs()).isEqualTo(22);
        for (int i = 0; i < 2048; i++) {
            DriverStatus expected = array.array();
            assertThat(expected).isNotNull();
            assertThat(ours.fleetgate()).isEqualTo(expected);
            assertThat(stateless4j.stateless4j()).isEqualTo(expected);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"city", "global"})
    void spatial4jWhenSamePointsThenSameMetresAndSameFenceAnswer(String scale) {
        GeoBenchmark b = new GeoBenchmark();
        b.scale = scale;
        b.setUp();
        int inside = 0;
        for (int i = 0; i < b.lat1.length; i++) {
            double ours = Geo.distanceMeters(Coordinate.of(b.lat1[i], b.lng1[i]), Coordinate.of(b.lat2[i], b.lng2[i]));
            double theirs = GeoBenchmark.spatial4jMeters(b.lat1[i], b.lng1[i], b.lat2[i], b.lng2[i]);
            assertThat(ours).isCloseTo(theirs, within(1e-6 + theirs * 1e-12));
            boolean fence = b.fences[i].check(Coordinate.of(b.lat2[i], b.lng2[i]), b.accuracy[i]).inside();
            assertThat(fence).isEqualTo(theirs <= b.radius[i]);
            inside += fence ? 1 : 0;
        }
        assertThat(inside).as("points inside their fence").isBetween(b.lat1.length / 4, b.lat1.length * 3 / 4);
    }

    @Test
    void jmhWhenBuiltThenBenchmarkListIsOnTheClassPath() {
        assertThat(getClass().getResource("/META-INF/BenchmarkList")).isNotNull();
    }
}
