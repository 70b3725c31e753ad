package io.fleetgate.geo;

import io.fleetgate.error.ErrorCode;
import io.fleetgate.error.FleetgateException;
import io.fleetgate.testkit.RandomInputs;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Random;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Seeded property tests of {@link Geo#distanceMeters} and {@link Coordinate#of}: each seed draws
 * a few thousand cases, and every failure message names the seed and the case.
 */
class GeoPropertyTest {
    private static final int CASES = 2_000;
    /** Rounding slack for sums of distances, metres (the haversine is accurate to well under this). */
    private static final double SLACK_M = 1e-6;
    private static final double HALF_CIRCUMFERENCE_M = Math.PI * Geo.EARTH_RADIUS_M;

    static LongStream seeds() {
        return LongStream.of(1L, 20261122L, 0xF1EE7L, -7L);
    }

    /** A valid point, often on or next to a pole, the antimeridian, the equator or the bounds. */
    private static Coordinate point(Random r) {
        return Coordinate.of(inRange(r, 90), inRange(r, 180));
    }

    private static double inRange(Random r, double limit) {
        double v = RandomInputs.aroundBound(r, limit);
        return Math.abs(v) <= limit ? v : (r.nextDouble() * 2 - 1) * limit;
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void distanceWhenRandomPointsThenSymmetricZeroToSelfAndWithinHalfACircumference(long seed) {
        Random r = new Random(seed);
        for (int i = 0; i < CASES; i++) {
            Coordinate a = point(r);
            Coordinate b = r.nextInt(10) == 0 ? new Coordinate(-a.lat(), a.lng() + (a.lng() > 0 ? -180 : 180)) : point(r);
            double ab = Geo.distanceMeters(a, b);
            String c = "seed " + seed + " case " + i + ": " + a + " " + b;
            assertThat(ab).as(c).isEqualTo(Geo.distanceMeters(b, a));
            assertThat(ab).as(c).isBetween(0.0, HALF_CIRCUMFERENCE_M + SLACK_M);
            assertThat(Geo.distanceMeters(a, a)).as(c).isZero();
            assertThat(a.distanceTo(b)).as(c).isEqualTo(ab);
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void distanceWhenRandomTrianglesThenTriangleInequalityHolds(long seed) {
        Random r = new Random(seed);
        for (int i = 0; i < CASES; i++) {
            Coordinate a = point(r);
            Coordinate b = point(r);
            // a third of the triangles are small (charger scale), where rounding matters most
            Coordinate c = r.nextInt(3) == 0
                    ? Coordinate.of(Math.max(-90, Math.min(90, a.lat() + r.nextGaussian() * 1e-4)),
                            Math.max(-180, Math.min(180, a.lng() + r.nextGaussian() * 1e-4)))
                    : point(r);
            double ab = Geo.distanceMeters(a, b);
            double bc = Geo.distanceMeters(b, c);
            double ac = Geo.distanceMeters(a, c);
            assertThat(ac).as("seed %d case %d: %s %s %s", seed, i, a, b, c).isLessThanOrEqualTo(ab + bc + SLACK_M);
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void ofWhenRandomDoublesThenAcceptsExactlyTheFiniteInRangeValues(long seed) {
        Random r = new Random(seed);
        int accepted = 0;
        int refused = 0;
        for (int i = 0; i < CASES * 5; i++) {
            double lat = RandomInputs.aroundBound(r, 90);
            double lng = RandomInputs.aroundBound(r, 180);
            boolean latOk = Double.isFinite(lat) && lat >= -90 && lat <= 90;
            boolean lngOk = Double.isFinite(lng) && lng >= -180 && lng <= 180;
            String c = "seed " + seed + " case " + i + ": lat " + lat + " lng " + lng;
            Throwable thrown = catchThrowable(() -> Coordinate.of(lat, lng));
            if (latOk && lngOk) {
                assertThat(thrown).as(c).isNull();
                Coordinate p = Coordinate.of(lat, lng);
                assertThat(p.lat()).as(c).isEqualTo(lat);
                assertThat(p.lng()).as(c).isEqualTo(lng);
                accepted++;
            } else {
                assertThat(thrown).as(c).isInstanceOf(FleetgateException.class);
                FleetgateException e = (FleetgateException) thrown;
                assertThat(e.code()).as(c).isEqualTo(ErrorCode.INVALID_REQUEST);
                assertThat(e.details()).as(c).containsEntry("field", latOk ? "lng" : "lat");
                refused++;
            }
        }
        assertThat(accepted).as("seed %d draws both kinds", seed).isGreaterThan(CASES / 2);
        assertThat(refused).as("seed %d draws both kinds", seed).isGreaterThan(CASES / 2);
    }
}
