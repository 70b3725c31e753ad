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
    void distanceWhenTheRouteIsLongThenTheSameAsMeasuringEverySegment() {
        java.util.Random random = new java.util.Random(17);
        int cases = 0;
        for (int r = 0; r < 300; r++) {
            // a random walk: in a city, across the antimeridian, near a pole, or doubling back
            double lat = switch (r % 4) {
                case 0 -> 52.5;
                case 1 -> -10 + random.nextDouble() * 20;
                case 2 -> 88.5 + random.nextDouble();
                default -> -60 + random.nextDouble() * 120;
            };
            double lng = wrap(r % 4 == 1 ? 179.5 + random.nextDouble() : -180 + random.nextDouble() * 360);
            double step = r % 3 == 0 ? 0.002 : r % 3 == 1 ? 0.05 : 0.5;
            int vertices = 2 + random.nextInt(r % 5 == 0 ? 2000 : 200);
            List<Coordinate> line = new ArrayList<>();
            line.add(Coordinate.of(lat, lng));
            double bearing = random.nextDouble() * 2 * Math.PI;
            while (line.size() < vertices) {
                bearing += (random.nextDouble() - 0.5) * (r % 4 == 3 ? 4 : 1);
                double nextLat = Math.max(-89.9, Math.min(89.9, lat + step * Math.cos(bearing)));
                double nextLng = wrap(lng + step * Math.sin(bearing) / Math.max(0.05, Math.cos(Math.toRadians(lat))));
                Coordinate next = Coordinate.of(nextLat, nextLng);
                if (next.equals(line.get(line.size() - 1))
                        || next.distanceTo(line.get(line.size() - 1)) > Corridor.MAX_SEGMENT_KM * 1000.0) {
                    bearing += 1;
                    continue;
                }
                line.add(next);
                lat = nextLat;
                lng = nextLng;
            }
            Corridor c = Corridor.of(line, 100);
            for (int k = 0; k < 40; k++) {
                Coordinate near = line.get(random.nextInt(line.size()));
                double spread = k % 4 == 0 ? 90 : k % 4 == 1 ? 1 : 0.01;
                Coordinate p = Coordinate.of(Math.max(-90, Math.min(90, near.lat() + (random.nextDouble() - 0.5) * spread)),
                        wrap(near.lng() + (random.nextDouble() - 0.5) * spread * 2));
                assertThat(c.distanceMeters(p)).as("route %d, point %s", r, p).isEqualTo(everySegment(line, p));
                cases++;
            }
        }
        assertThat(cases).isEqualTo(12_000);
    }

    /** The distance as the class comment defines it, measured on every segment (no index). */
    private static double everySegment(List<Coordinate> line, Coordinate p) {
        double ky = Math.toRadians(1) * Geo.EARTH_RADIUS_M;
        double best = Double.MAX_VALUE;
        for (int i = 0; i + 1 < line.size(); i++) {
            Coordinate a = line.get(i);
            Coordinate b = line.get(i + 1);
            double kx = ky * Math.cos(Math.toRadians((a.lat() + b.lat()) / 2));
            double ex = PolygonFence.Shape.unwrap(b.lng() - a.lng()) * kx;
            double ey = (b.lat() - a.lat()) * ky;
            double px = PolygonFence.Shape.unwrap(p.lng() - a.lng()) * kx;
            double py = (p.lat() - a.lat()) * ky;
            double t = Math.max(0, Math.min(1, (px * ex + py * ey) / (ex * ex + ey * ey)));
            double dx = px - t * ex;
            double dy = py - t * ey;
            best = Math.min(best, dx * dx + dy * dy);
        }
        return Math.sqrt(best);
    }

    private static double wrap(double lng) {
        return lng >= 180 ? lng - 360 : lng < -180 ? lng + 360 : lng;
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
