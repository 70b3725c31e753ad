package io.fleetgate.examples.bench;

import io.fleetgate.error.FleetgateException;
import io.fleetgate.geo.Coordinate;
import io.fleetgate.geo.PolygonFence;
import org.junit.jupiter.api.Test;
import org.locationtech.jts.geom.GeometryFactory;
import org.locationtech.jts.geom.Polygon;
import org.locationtech.jts.geom.prep.PreparedGeometry;
import org.locationtech.jts.geom.prep.PreparedGeometryFactory;
import org.locationtech.jts.operation.distance.DistanceOp;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * fleetgate's polygon geometry against JTS on shared random cases (issue #17): which rings are
 * valid fences, and which points they hold. JTS works on the degrees; fleetgate on its local
 * projection, an affine map of them, so the answers must agree except for points within a
 * rounding error of an edge, which are left out.
 */
class PolygonBaselineTest {
    private static final GeometryFactory JTS = new GeometryFactory();

    @Test
    void containsWhenRandomStarRingsAndPointsThenTheSameAnswerAsJtsCovers() {
        Random random = new Random(2026_12_07);
        int compared = 0;
        int inside = 0;
        for (int p = 0; p < 200; p++) {
            int n = 3 + random.nextInt(80);
            List<Coordinate> ring = PolygonBenchmark.polygon(random, -60 + 120 * random.nextDouble(),
                    -170 + 340 * random.nextDouble(), n, 0.0005 + 0.01 * random.nextDouble());
            PolygonFence fence = PolygonFence.of(ring);
            Polygon polygon = PolygonBenchmark.jts(ring);
            PreparedGeometry prepared = PreparedGeometryFactory.prepare(polygon);
            double lat = ring.get(0).lat();
            double lng = ring.get(0).lng();
            for (int q = 0; q < 200; q++) {
                Coordinate c = Coordinate.of(lat + (random.nextDouble() - 0.5) * 0.05,
                        lng + (random.nextDouble() - 0.5) * 0.05);
                var point = JTS.createPoint(new org.locationtech.jts.geom.Coordinate(c.lng(), c.lat()));
                if (DistanceOp.distance(polygon.getExteriorRing(), point) < 1e-12) {
                    continue; // on an edge, to rounding
                }
                boolean ours = fence.contains(c);
                assertThat(ours).as("ring %d, point %s", p, c).isEqualTo(prepared.covers(point));
                compared++;
                inside += ours ? 1 : 0;
            }
        }
        assertThat(compared).isGreaterThan(39_000);
        assertThat(inside).as("both answers occur").isBetween(1_000, compared - 1_000);
    }

    @Test
    void ofWhenRandomRingsThenAcceptedExactlyWhenJtsFindsThemValid() {
        Random random = new Random(17);
        int valid = 0;
        int invalid = 0;
        for (int i = 0; i < 3_000; i++) {
            int n = 3 + random.nextInt(6);
            List<Coordinate> ring = new ArrayList<>();
            for (int k = 0; k < n; k++) {
                // a coarse grid, so that touching vertices and collinear edges occur
                ring.add(Coordinate.of(random.nextInt(5) * 0.001, random.nextInt(5) * 0.001));
            }
            boolean jtsValid;
            try {
                jtsValid = PolygonBenchmark.jts(ring).isValid() && PolygonBenchmark.jts(ring).getArea() > 0;
            } catch (IllegalArgumentException degenerate) {
                jtsValid = false; // JTS refuses to build it at all (too few distinct points)
            }
            boolean ours;
            try {
                PolygonFence.of(ring);
                ours = true;
            } catch (FleetgateException refused) {
                ours = false;
            }
            assertThat(ours).as("ring %s", ring).isEqualTo(jtsValid);
            valid += ours ? 1 : 0;
            invalid += ours ? 0 : 1;
        }
        assertThat(valid).isGreaterThan(100);
        assertThat(invalid).isGreaterThan(100);
    }
}
