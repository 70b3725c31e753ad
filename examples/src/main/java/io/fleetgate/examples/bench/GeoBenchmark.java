package io.fleetgate.examples.bench;

import io.fleetgate.geo.Coordinate;
import io.fleetgate.geo.Geo;
import io.fleetgate.geo.Geofence;
import org.locationtech.spatial4j.distance.DistanceUtils;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Distances and geofence checks: fleetgate's validated API against spatial4j's haversine
 * ({@link DistanceUtils#distHaversineRAD}, the same {@code atan2} formula), both taking degrees
 * and answering in metres on the same radius, on 1,024 pre-generated point pairs.
 *
 * <p>fleetgate's side goes through the API a host calls with what a phone sent: two
 * {@link Coordinate}s built (and range-checked) from raw degrees, then {@link Geo#distanceMeters};
 * for a fence, {@link Geofence#check} of a new {@code Coordinate} with a reported accuracy, then
 * {@code inside()}. spatial4j's side converts the degrees to radians, calls the haversine and
 * scales by {@link Geo#EARTH_RADIUS_M}; its fence is the distance compared to the radius.
 *
 * <p>{@code city}: points within ±0.1° latitude and ±0.15° longitude of Berlin, fences of 150 m
 * with half the points near the centre. {@code global}: points spread over the sphere, fences of
 * 500 km; long distances are where the {@code asin} form of the haversine slows down on JDK 17.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class GeoBenchmark {
    private static final int SLOTS = 1024;

    /** {@code city} or {@code global}. */
    @Param({"city", "global"})
    public String scale;

    final double[] lat1 = new double[SLOTS];
    final double[] lng1 = new double[SLOTS];
    final double[] lat2 = new double[SLOTS];
    final double[] lng2 = new double[SLOTS];
    final double[] radius = new double[SLOTS];
    final Double[] accuracy = new Double[SLOTS];
    final Geofence[] fences = new Geofence[SLOTS];
    private int next;

    /** Makes the points and fences, the same for every run (fixed seed). */
    @Setup
    public void setUp() {
        Random random = new Random(11);
        boolean city = "city".equals(scale);
        double fence = city ? 150 : 500_000;
        double near = city ? 0.0015 : 5.0;
        Double[] accuracies = {null, 5.0, 12.0, 30.0};
        for (int i = 0; i < SLOTS; i++) {
            if (city) {
                lat1[i] = 52.52 + (random.nextDouble() - 0.5) * 0.2;
                lng1[i] = 13.405 + (random.nextDouble() - 0.5) * 0.3;
            } else {
                lat1[i] = Math.toDegrees(Math.asin(2 * random.nextDouble() - 1));
                lng1[i] = (random.nextDouble() - 0.5) * 360;
            }
            if (i % 2 == 0) {
                lat2[i] = clamp(lat1[i] + (random.nextDouble() - 0.5) * 2 * near, 90);
                lng2[i] = clamp(lng1[i] + (random.nextDouble() - 0.5) * 2 * near, 180);
            } else if (city) {
                lat2[i] = 52.52 + (random.nextDouble() - 0.5) * 0.2;
                lng2[i] = 13.405 + (random.nextDouble() - 0.5) * 0.3;
            } else {
                lat2[i] = Math.toDegrees(Math.asin(2 * random.nextDouble() - 1));
                lng2[i] = (random.nextDouble() - 0.5) * 360;
            }
            radius[i] = fence;
            accuracy[i] = accuracies[i % accuracies.length];
            fences[i] = new Geofence(Coordinate.of(lat1[i], lng1[i]), fence);
        }
    }

    private static double clamp(double v, double limit) {
        return Math.max(-limit, Math.min(limit, v));
    }

    private int slot() {
        int i = next;
        next = (i + 1) & (SLOTS - 1);
        return i;
    }

    /** @return metres between two validated coordinates, by fleetgate */
    @Benchmark
    public double haversineFleetgate() {
        int i = slot();
        return Geo.distanceMeters(Coordinate.of(lat1[i], lng1[i]), Coordinate.of(lat2[i], lng2[i]));
    }

    /**
     * Diagnostic, not in the RESULT lines: fleetgate's formula without building coordinates, to
     * tell the cost of validation from the cost of the arithmetic.
     *
     * @return metres between the same points, by {@link Geo#haversineMeters} on raw degrees
     */
    @Benchmark
    public double haversineFleetgateUnchecked() {
        int i = slot();
        return Geo.haversineMeters(lat1[i], lng1[i], lat2[i], lng2[i]);
    }

    /** @return metres between the same points, by spatial4j */
    @Benchmark
    public double haversineSpatial4j() {
        int i = slot();
        return spatial4jMeters(lat1[i], lng1[i], lat2[i], lng2[i]);
    }

    /** @return whether the reported point is inside the fence, by fleetgate */
    @Benchmark
    public boolean geofenceFleetgate() {
        int i = slot();
        return fences[i].check(Coordinate.of(lat2[i], lng2[i]), accuracy[i]).inside();
    }

    /** @return the same answer from spatial4j's distance and a comparison */
    @Benchmark
    public boolean geofenceSpatial4j() {
        int i = slot();
        return spatial4jMeters(lat1[i], lng1[i], lat2[i], lng2[i]) <= radius[i];
    }

    /** @return spatial4j's haversine of degrees, in metres on fleetgate's Earth radius */
    static double spatial4jMeters(double lat1, double lng1, double lat2, double lng2) {
        return DistanceUtils.distHaversineRAD(Math.toRadians(lat1), Math.toRadians(lng1), Math.toRadians(lat2),
                Math.toRadians(lng2)) * Geo.EARTH_RADIUS_M;
    }
}
