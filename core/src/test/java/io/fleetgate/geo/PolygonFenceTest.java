package io.fleetgate.geo;

import io.fleetgate.error.ErrorCode;
import io.fleetgate.error.FleetgateException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class PolygonFenceTest {
    /** About 222 m × 222 m around (30.27, -97.74). */
    private static final PolygonFence SQUARE = PolygonFence.of(List.of(
            Coordinate.of(30.269, -97.741), Coordinate.of(30.269, -97.739),
            Coordinate.of(30.271, -97.739), Coordinate.of(30.271, -97.741)));

    private static void assertInvalid(List<Coordinate> ring, String says) {
        assertThatThrownBy(() -> PolygonFence.of(ring)).isInstanceOfSatisfying(FleetgateException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
            assertThat(e.getMessage()).startsWith("polygon").contains(says);
        });
    }

    @Test
    void checkWhenInsideOutsideOrOnTheBoundaryThenEvenOddWithTheBoundaryInside() {
        assertThat(SQUARE.contains(Coordinate.of(30.27, -97.74))).isTrue();
        assertThat(SQUARE.contains(Coordinate.of(30.272, -97.74))).isFalse();
        assertThat(SQUARE.contains(Coordinate.of(30.27, -97.741))).as("on an edge").isTrue();
        assertThat(SQUARE.contains(Coordinate.of(30.269, -97.741))).as("a vertex").isTrue();
        // a concave ring: an L whose notch is outside
        PolygonFence l = PolygonFence.of(List.of(Coordinate.of(0, 0), Coordinate.of(0, 0.002), Coordinate.of(0.001, 0.002),
                Coordinate.of(0.001, 0.001), Coordinate.of(0.002, 0.001), Coordinate.of(0.002, 0)));
        assertThat(l.contains(Coordinate.of(0.0015, 0.0005))).isTrue();
        assertThat(l.contains(Coordinate.of(0.0015, 0.0015))).as("the notch").isFalse();
    }

    @Test
    void checkWhenNearAnEdgeThenTheBoundaryDistanceIsTheSpheresWithinAMetre() {
        Coordinate outside = Coordinate.of(30.27, -97.7385); // east of the east edge (lng -97.739)
        PolygonCheck c = SQUARE.check(outside, null);
        double expected = Geo.haversineMeters(30.27, -97.739, 30.27, -97.7385);
        assertThat(c.inside()).isFalse();
        assertThat(c.boundaryDistanceMeters()).isCloseTo(expected, within(1.0));
        assertThat(c.distanceOutsideMeters()).isEqualTo(c.boundaryDistanceMeters());
    }

    @Test
    void accuracyWhenGivenThenItNeverLoosensInsideButMakesCertainlyStricterAndPlausiblyLenient() {
        Coordinate nearEdge = Coordinate.of(30.27, -97.7392); // ~19 m inside the east edge
        PolygonCheck sharp = SQUARE.check(nearEdge, 5.0);
        PolygonCheck blurred = SQUARE.check(nearEdge, 50.0);
        assertThat(sharp.inside()).isTrue();
        assertThat(sharp.certainlyInside()).isTrue();
        assertThat(blurred.inside()).isTrue();
        assertThat(blurred.certainlyInside()).as("the circle pokes out").isFalse();
        Coordinate justOut = Coordinate.of(30.27, -97.7388); // ~19 m outside
        assertThat(SQUARE.check(justOut, 50.0).inside()).isFalse();
        assertThat(SQUARE.check(justOut, 50.0).plausiblyInside()).isTrue();
        assertThat(SQUARE.check(justOut, 5.0).plausiblyInside()).isFalse();
        assertThatThrownBy(() -> SQUARE.check(justOut, -1.0)).isInstanceOf(FleetgateException.class);
    }

    @Test
    void ofWhenTheRingRepeatsItsFirstVertexThenTheSameFence() {
        List<Coordinate> closed = new ArrayList<>(SQUARE.ring());
        closed.add(closed.get(0));
        assertThat(PolygonFence.of(closed)).isEqualTo(SQUARE).hasSameHashCodeAs(SQUARE);
        assertThat(PolygonFence.of(closed).ring()).hasSize(4);
    }

    @Test
    void ofWhenTheRingIsNotASimpleAreaThenInvalidSayingWhy() {
        assertInvalid(List.of(Coordinate.of(0, 0), Coordinate.of(0, 1)), "3 to 500 vertices");
        assertThat(PolygonFence.of(List.of(Coordinate.of(0, 0), Coordinate.of(0, 0.001), Coordinate.of(0, 0.001),
                Coordinate.of(0.001, 0))).ring()).as("a repeated vertex is kept once").hasSize(3);
        assertInvalid(List.of(Coordinate.of(0, 0), Coordinate.of(0, 0.001), Coordinate.of(0, 0.001),
                Coordinate.of(0, 0)), "3 to 500 vertices");
        // a bow tie
        assertInvalid(List.of(Coordinate.of(0, 0), Coordinate.of(0.001, 0.001), Coordinate.of(0, 0.001),
                Coordinate.of(0.001, 0)), "crosses or touches itself");
        assertInvalid(List.of(Coordinate.of(0, 0), Coordinate.of(0, 0.001), Coordinate.of(0, 0.002)), "no area");
        // a spike: the ring runs out along an edge and back
        assertInvalid(List.of(Coordinate.of(0, 0), Coordinate.of(0, 0.002), Coordinate.of(0, 0.001),
                Coordinate.of(0.001, 0.001)), "");
        // a ring touching itself at a vertex
        assertInvalid(List.of(Coordinate.of(0, 0), Coordinate.of(0.002, 0), Coordinate.of(0.001, 0.001),
                Coordinate.of(0.002, 0.002), Coordinate.of(0, 0.002), Coordinate.of(0.001, 0.001)), "crosses or touches itself");
        assertInvalid(List.of(Coordinate.of(0, -100), Coordinate.of(1, 0), Coordinate.of(0, 100)), "180°");
        List<Coordinate> many = new ArrayList<>();
        for (int i = 0; i < 501; i++) {
            double a = 2 * Math.PI * i / 501;
            many.add(Coordinate.of(0.01 * Math.sin(a), 0.01 * Math.cos(a)));
        }
        assertInvalid(many, "3 to 500 vertices");
        assertThat(PolygonFence.of(many.subList(0, 500)).ring()).hasSize(500);
        List<Coordinate> withNull = new ArrayList<>(SQUARE.ring());
        withNull.set(1, null);
        assertInvalid(withNull, "must list");
    }

    @Test
    void checkWhenTheRingCrossesTheAntimeridianThenItIsTheNarrowRingThere() {
        PolygonFence dateLine = PolygonFence.of(List.of(Coordinate.of(-0.001, 179.999), Coordinate.of(-0.001, -179.999),
                Coordinate.of(0.001, -179.999), Coordinate.of(0.001, 179.999)));
        assertThat(dateLine.contains(Coordinate.of(0, 180))).isTrue();
        assertThat(dateLine.contains(Coordinate.of(0, -180))).isTrue();
        assertThat(dateLine.contains(Coordinate.of(0, 179.9995))).isTrue();
        assertThat(dateLine.contains(Coordinate.of(0, 0))).isFalse();
        assertThat(dateLine.contains(Coordinate.of(0, 179.99))).isFalse();
        assertThat(dateLine.check(Coordinate.of(0, 180), 0.0).boundaryDistanceMeters())
                .isCloseTo(Geo.haversineMeters(0, 180, 0, 179.999), within(0.5));
    }
}
