package io.fleetgate.geo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class GeoTest {

    private static final double R = Geo.EARTH_RADIUS_M;

    /**
     * Reference distances in metres. The spherical model differs from the WGS-84 ellipsoid by up
     * to about 0.5 %, so each pair must come within 0.5 % of its reference. Every reference was
     * also recomputed off-line with Vincenty's inverse formula on WGS-84 (values noted below), and
     * each case is double-checked in the test itself with the spherical law of cosines.
     */
    static Stream<Arguments> publishedPairs() {
        return Stream.of(
                // Short: one minute of arc of latitude along the Greenwich meridian is the
                // historical definition of the nautical mile, 1,852 m (international nautical mile).
                // Sphere: 1,853.25 m; WGS-84 geodesic at the equator: about 1,843 m.
                Arguments.of("one arcminute of latitude = 1 nautical mile",
                        0.0, 0.0, 1.0 / 60.0, 0.0, 1_852.0),
                // Short: New York JFK (40.639751 N, 73.778925 W) to LaGuardia LGA
                // (40.777245 N, 73.872608 W), FAA airport reference points: 17.2 km (10.7 mi),
                // WGS-84 geodesic (Vincenty 17,199 m).
                Arguments.of("JFK to LGA",
                        40.639751, -73.778925, 40.777245, -73.872608, 17_200.0),
                // Continental: London (51.5074 N, 0.1278 W) to Paris (48.8566 N, 2.3522 E),
                // commonly published 343.5 km (Vincenty 343.9 km).
                Arguments.of("London to Paris",
                        51.5074, -0.1278, 48.8566, 2.3522, 343_500.0),
                // Continental: Land's End (50 03 59 N, 005 42 53 W) to John o' Groats
                // (58 38 38 N, 003 04 12 W), the movable-type.co.uk haversine worked example:
                // 968.9 km (Vincenty 969.9 km).
                Arguments.of("Land's End to John o' Groats",
                        dms(50, 3, 59), -dms(5, 42, 53), dms(58, 38, 38), -dms(3, 4, 12), 968_900.0),
                // Continental: Nashville BNA (36.12 N, 86.67 W) to Los Angeles LAX (33.94 N,
                // 118.40 W), the Rosetta Code haversine task: 2,886.44 km with R = 6,371 km
                // (Vincenty 2,892.8 km).
                Arguments.of("BNA to LAX",
                        36.12, -86.67, 33.94, -118.40, 2_886_440.0),
                // Intercontinental: New York JFK (40.639751 N, 73.778925 W) to London LHR
                // (51.4706 N, 0.461941 W): 5,555 km (3,451 mi) WGS-84 geodesic as listed by Great
                // Circle Mapper (Vincenty 5,554.5 km); the spherical value is about 5,540 km.
                Arguments.of("JFK to LHR",
                        40.639751, -73.778925, 51.4706, -0.461941, 5_555_000.0),
                // Intercontinental: Sydney SYD (33.946111 S, 151.177222 E) to Los Angeles LAX
                // (33.9425 N, 118.408056 W): 12,051 km (7,488 mi) (Vincenty 12,050.7 km).
                Arguments.of("SYD to LAX",
                        -33.946111, 151.177222, 33.9425, -118.408056, 12_051_000.0),
                // Intercontinental: Singapore SIN (1.3644 N, 103.9915 E) to New York JFK
                // (40.6398 N, 73.7789 W): 15,349 km, the published SQ 23/24 nonstop distance
                // (Vincenty 15,347 km).
                Arguments.of("SIN to JFK",
                        1.3644, 103.9915, 40.6398, -73.7789, 15_349_000.0),
                // Near-antipodal: Madrid (40.4168 N, 3.7038 W) to Wellington (41.2865 S,
                // 174.7762 E), 178.5 degrees of longitude apart: 19,855 km WGS-84 geodesic
                // (Vincenty 19,854.6 km), 160 km short of half the circumference.
                Arguments.of("Madrid to Wellington",
                        40.4168, -3.7038, -41.2865, 174.7762, 19_855_000.0));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("publishedPairs")
    void distanceWhenPublishedPairThenWithinHalfPercentOfPublished(
            String pair, double lat1, double lng1, double lat2, double lng2, double publishedM) {
        double actual = Geo.distanceMeters(Coordinate.of(lat1, lng1), Coordinate.of(lat2, lng2));

        assertThat(actual).as(pair).isCloseTo(publishedM, within(publishedM * 0.005));
        // Independent cross-check on the same sphere: the law of cosines agrees to well under a
        // millimetre per kilometre at these scales, and is itself within 0.5 % of the reference.
        double cosines = lawOfCosinesMeters(lat1, lng1, lat2, lng2);
        assertThat(actual).as(pair + " vs law of cosines").isCloseTo(cosines, within(Math.max(1e-3, cosines * 1e-9)));
        assertThat(cosines).as(pair + " law of cosines vs reference").isCloseTo(publishedM, within(publishedM * 0.005));
    }

    @Test
    void distanceWhenLondonToParisThenWithinHalfPercentOfPublished() {
        Coordinate london = Coordinate.of(51.5074, -0.1278);
        Coordinate paris = Coordinate.of(48.8566, 2.3522);

        assertThat(london.distanceTo(paris)).isCloseTo(343_500.0, within(343_500.0 * 0.005));
    }

    @Test
    void distanceToWhenCalledOnCoordinateThenSameAsGeoDistanceAndRawHaversine() {
        Coordinate a = Coordinate.of(-33.946111, 151.177222);
        Coordinate b = Coordinate.of(33.9425, -118.408056);

        assertThat(a.distanceTo(b))
                .isEqualTo(Geo.distanceMeters(a, b))
                .isEqualTo(Geo.haversineMeters(a.lat(), a.lng(), b.lat(), b.lng()));
    }

    @Test
    void distanceWhenPointToItselfThenZero() {
        Coordinate[] points = {
                Coordinate.of(0, 0), Coordinate.of(51.5074, -0.1278), Coordinate.of(90, 0),
                Coordinate.of(-90, 180), Coordinate.of(-41.2865, 174.7762), Coordinate.of(12.5, -180)};
        for (Coordinate p : points) {
            assertThat(Geo.distanceMeters(p, p)).as(p.toString()).isZero();
        }
    }

    @Test
    void distanceWhenArgumentsSwappedThenSame() {
        Coordinate[][] pairs = {
                {Coordinate.of(51.5074, -0.1278), Coordinate.of(48.8566, 2.3522)},
                {Coordinate.of(-33.946111, 151.177222), Coordinate.of(33.9425, -118.408056)},
                {Coordinate.of(40.4168, -3.7038), Coordinate.of(-41.2865, 174.7762)},
                {Coordinate.of(0, 179.9), Coordinate.of(0, -179.9)},
                {Coordinate.of(89.9, 10), Coordinate.of(-89.9, -170)}};
        for (Coordinate[] p : pairs) {
            double ab = Geo.distanceMeters(p[0], p[1]);
            double ba = Geo.distanceMeters(p[1], p[0]);
            assertThat(ab).as("%s <-> %s", p[0], p[1]).isPositive().isCloseTo(ba, within(1e-6));
        }
    }

    @Test
    void distanceWhenPointsOneThousandthDegreeOfLatitudeApartThenAbout111Metres() {
        Coordinate a = Coordinate.of(48.137154, 11.576124);
        Coordinate b = Coordinate.of(48.138154, 11.576124);

        // 0.001 degree of arc on the mean sphere: R * pi / 180 / 1000 = 111.195 m.
        assertThat(Geo.distanceMeters(a, b)).isCloseTo(111.195, within(0.01));
        assertThat(Geo.distanceMeters(a, b)).isCloseTo(R * Math.toRadians(0.001), within(1e-6));
    }

    @Test
    void distanceWhenOneThousandthDegreeOfLongitudeAtSixtyNorthThenHalfOfEquatorValue() {
        // cos(60 degrees) = 0.5, so an east-west step shrinks to about 55.6 m.
        double d = Geo.haversineMeters(60, 10, 60, 10.001);

        assertThat(d).isCloseTo(R * Math.toRadians(0.001) * 0.5, within(0.001));
    }

    @Test
    void distanceWhenCrossingTheDateLineThenShortWayRound() {
        // 0.2 degree of the equator, about 22.24 km, not the 40,000 km long way.
        double d = Geo.distanceMeters(Coordinate.of(0, 179.9), Coordinate.of(0, -179.9));

        assertThat(d).isCloseTo(R * Math.toRadians(0.2), within(0.01));
    }

    @Test
    void distanceWhenAntipodesThenHalfTheCircumference() {
        double half = Math.PI * R; // 20,015,114 m

        assertThat(Geo.distanceMeters(Coordinate.of(0, 0), Coordinate.of(0, 180))).isCloseTo(half, within(1e-6));
        assertThat(Geo.distanceMeters(Coordinate.of(90, 0), Coordinate.of(-90, 0))).isCloseTo(half, within(1e-6));
        assertThat(Geo.distanceMeters(Coordinate.of(45, 30), Coordinate.of(-45, -150))).isCloseTo(half, within(1.0));
        assertThat(Geo.distanceMeters(Coordinate.of(-33.8688, 151.2093), Coordinate.of(33.8688, -28.7907)))
                .isCloseTo(half, within(1.0));
    }

    @Test
    void distanceWhenRoundingPushesHaversineAboveOneThenClampedNotNaN() {
        double lat1 = -87.5;
        double lng1 = -90;
        double lat2 = 87.5;
        double lng2 = 90;
        // The same arithmetic as Geo: for this antipodal pair rounding makes h exceed 1, so without
        // the clamp sqrt(1 - h) would be NaN and so would the distance.
        double phi1 = Math.toRadians(lat1);
        double phi2 = Math.toRadians(lat2);
        double sinDLat = Math.sin((phi2 - phi1) * 0.5);
        double sinDLng = Math.sin(Math.toRadians(lng2 - lng1) * 0.5);
        double rawH = sinDLat * sinDLat + Math.cos(phi1) * Math.cos(phi2) * sinDLng * sinDLng;
        assertThat(rawH).as("precondition: this pair rounds h above 1").isGreaterThan(1.0);

        double d = Geo.haversineMeters(lat1, lng1, lat2, lng2);

        assertThat(d).isNotNaN().isCloseTo(Math.PI * R, within(1e-6));
    }

    @Test
    void distanceWhenSweepingExactAndNearAntipodesThenNeverNaNAndNeverBeyondHalfCircumference() {
        double half = Math.PI * R;
        double[] lngs = {-180, -179.9, -123.4, -90, -45.5, 0, 0.1, 33.3, 90, 179.9, 180};
        double[] nudges = {0, 1e-12, 1e-9, 1e-6};
        int checked = 0;
        for (int i = -900; i <= 900; i++) {
            double lat = i / 10.0;
            for (double lng : lngs) {
                double antiLng = lng <= 0 ? lng + 180 : lng - 180;
                for (double nudge : nudges) {
                    double lat2 = Math.max(-90, Math.min(90, -lat + nudge));
                    double d = Geo.haversineMeters(lat, lng, lat2, antiLng);
                    assertThat(d).as("(%s,%s)-(%s,%s)", lat, lng, lat2, antiLng)
                            .isNotNaN()
                            .isLessThanOrEqualTo(half + 1e-6)
                            .isGreaterThan(half - 1.0);
                    checked++;
                }
            }
        }
        assertThat(checked).isEqualTo(1801 * lngs.length * nudges.length);
    }

    private static double lawOfCosinesMeters(double lat1, double lng1, double lat2, double lng2) {
        double phi1 = Math.toRadians(lat1);
        double phi2 = Math.toRadians(lat2);
        double cosC = Math.sin(phi1) * Math.sin(phi2)
                + Math.cos(phi1) * Math.cos(phi2) * Math.cos(Math.toRadians(lng2 - lng1));
        return R * Math.acos(Math.max(-1.0, Math.min(1.0, cosC)));
    }

    private static double dms(int degrees, int minutes, int seconds) {
        return degrees + minutes / 60.0 + seconds / 3600.0;
    }
}
