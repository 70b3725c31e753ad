package io.fleetgate.examples.bench;

import io.fleetgate.geo.Coordinate;
import io.fleetgate.geo.PolygonFence;
import org.locationtech.jts.geom.GeometryFactory;
import org.locationtech.jts.geom.Polygon;
import org.locationtech.jts.geom.prep.PreparedGeometry;
import org.locationtech.jts.geom.prep.PreparedGeometryFactory;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Point in polygon on a 50-vertex stop fence (issue #17): fleetgate's {@link PolygonFence#contains}
 * of a new {@link Coordinate} (range-checked, as a host builds it from what a phone sent) against
 * JTS 1.20's {@link PreparedGeometry#covers} (boundary included, as fleetgate's) of a new JTS point,
 * over the same 1,024 points (about half inside), {@link #polygon} the same ring on both sides.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class PolygonBenchmark {
    private static final int SLOTS = 1024;
    private static final GeometryFactory JTS = new GeometryFactory();

    final double[] lat = new double[SLOTS];
    final double[] lng = new double[SLOTS];
    PolygonFence fence;
    PreparedGeometry prepared;
    private int next;

    /** Makes the ring and the points, the same for every run (fixed seed). */
    @Setup
    public void setUp() {
        Random random = new Random(17);
        List<Coordinate> ring = polygon(random, 52.52, 13.405, 50, 0.002);
        fence = PolygonFence.of(ring);
        prepared = PreparedGeometryFactory.prepare(jts(ring));
        for (int i = 0; i < SLOTS; i++) {
            lat[i] = 52.52 + (random.nextDouble() - 0.5) * 0.005;
            lng[i] = 13.405 + (random.nextDouble() - 0.5) * 0.008;
        }
    }

    /**
     * {@return a simple star-shaped ring: {@code n} vertices at increasing angles around the
     * centre, each at a random distance between 0.3 and 1 times {@code size} degrees}
     *
     * @param random the source
     * @param lat    the centre's latitude
     * @param lng    the centre's longitude
     * @param n      the vertices
     * @param size   the largest distance from the centre, degrees
     */
    static List<Coordinate> polygon(Random random, double lat, double lng, int n, double size) {
        List<Coordinate> ring = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            double a = 2 * Math.PI * i / n;
            double r = size * (0.3 + 0.7 * random.nextDouble());
            ring.add(Coordinate.of(lat + r * Math.sin(a), lng + 1.6 * r * Math.cos(a)));
        }
        return ring;
    }

    /**
     * {@return the ring as a JTS polygon, x = longitude, y = latitude}
     *
     * @param ring the vertices
     */
    static Polygon jts(List<Coordinate> ring) {
        org.locationtech.jts.geom.Coordinate[] cs = new org.locationtech.jts.geom.Coordinate[ring.size() + 1];
        for (int i = 0; i < ring.size(); i++) {
            cs[i] = new org.locationtech.jts.geom.Coordinate(ring.get(i).lng(), ring.get(i).lat());
        }
        cs[ring.size()] = cs[0];
        return JTS.createPolygon(cs);
    }

    private int slot() {
        int i = next;
        next = (i + 1) & (SLOTS - 1);
        return i;
    }

    /** @return whether fleetgate's fence holds the point */
    @Benchmark
    public boolean containsFleetgate() {
        int i = slot();
        return fence.contains(Coordinate.of(lat[i], lng[i]));
    }

    /** @return whether JTS's prepared polygon covers the point */
    @Benchmark
    public boolean containsJtsPrepared() {
        int i = slot();
        return prepared.covers(JTS.createPoint(new org.locationtech.jts.geom.Coordinate(lng[i], lat[i])));
    }
}
