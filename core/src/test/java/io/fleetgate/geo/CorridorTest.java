package io.fleetgate.geo;

import io.fleetgate.error.ErrorCode;
import io.fleetgate.error.FleetgateException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class CorridorTest {
    /** North along lng -97.74 for ~2.2 km, then east ~1.9 km. */
    private static final Corridor ROUTE = Corridor.of(List.of(Coordinate.of(30.26, -97.74),
            Coordinate.of(30.28, -97.74), Coordinate.of(30.28, -97.72)), 50);

    @Test
    void checkWhenBesideTheRouteThenTheDistanceToItsNearestSegmentWithinAMetreOfTheSphere() {
        Coordinate east = Coordinate.of(30.27, -97.7397);
        double expected = Geo.haversineMeters(30.27, -97.74, 30.27, -97.7397);
        CorridorCheck c = ROUTE.check(east, null);
        assertThat(c.distanceMeters()).isCloseTo(expected, within(1.0));
        assertThat(c.halfWidthMeters()).isEqualTo(25);
        assertThat(c.inside()).isFalse();
        assertThat(ROUTE.check(east, 10.0).plausiblyInside()).isTrue();
        assertThat(ROUTE.check(east, 1.0).plausiblyInside()).isFalse();
        assertThat(ROUTE.check(Coordinate.of(30.2801, -97.73), null).inside()).as("on the second leg").isTrue();
        // past the route's end the distance is to its last vertex
        assertThat(ROUTE.distanceMeters(Coordinate.of(30.28, -97.71)))
                .isCloseTo(Geo.haversineMeters(30.28, -97.72, 30.28, -97.71), within(1.0));
    }

    @Test
    void checkWhenTheRouteCrossesTheAntimeridianThenMeasuredAcrossIt() {
        Corridor ferry = Corridor.of(List.of(Coordinate.of(0, 179.99), Coordinate.of(0, -179.99)), 100);
        assertThat(ferry.check(Coordinate.of(0.0003, 180), null).inside()).isTrue();
        assertThat(ferry.distanceMeters(Coordinate.of(0, 0))).isGreaterThan(1_000_000);
    }

    @Test
    void ofWhenTheLineOrWidthIsWrongThenInvalidNamingTheField() {
        assertField(() -> Corridor.of(List.of(Coordinate.of(0, 0)), 10), "corridor.line");
        assertField(() -> Corridor.of(List.of(Coordinate.of(0, 0), Coordinate.of(0, 0)), 10), "corridor.line");
        assertField(() -> Corridor.of(List.of(Coordinate.of(0, 0), Coordinate.of(0, 1)), 10), "corridor.line"); // 111 km
        assertField(() -> Corridor.of(ROUTE.line(), 0), "corridor.width_m");
        assertField(() -> Corridor.of(ROUTE.line(), Double.NaN), "corridor.width_m");
        assertField(() -> Corridor.of(ROUTE.line(), 10_001), "corridor.width_m");
        List<Coordinate> many = new ArrayList<>();
        for (int i = 0; i <= Corridor.MAX_VERTICES; i++) {
            many.add(Coordinate.of(0, i * 0.0001));
        }
        assertField(() -> Corridor.of(many, 10), "corridor.line");
        assertThat(Corridor.of(many.subList(0, Corridor.MAX_VERTICES), 10).line()).hasSize(Corridor.MAX_VERTICES);
        assertThat(Corridor.of(ROUTE.line(), 50)).isEqualTo(ROUTE).hasSameHashCodeAs(ROUTE);
    }

    private static void assertField(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String field) {
        assertThatThrownBy(call).isInstanceOfSatisfying(FleetgateException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
            assertThat(e.details()).containsEntry("field", field);
        });
    }
}
