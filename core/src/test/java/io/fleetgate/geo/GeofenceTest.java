package io.fleetgate.geo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.within;

import io.fleetgate.error.ErrorCode;
import io.fleetgate.error.FleetgateException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GeofenceTest {

    private static final Coordinate CHARGER = Coordinate.of(52.520008, 13.404954);

    /** A point {@code metres} due north of the charger on the mean sphere. */
    private static Coordinate north(double metres) {
        return Coordinate.of(CHARGER.lat() + Math.toDegrees(metres / Geo.EARTH_RADIUS_M), CHARGER.lng());
    }

    @Test
    void checkWhenDistanceEqualsRadiusExactlyThenInside() {
        Coordinate point = north(150);
        double distance = Geo.distanceMeters(CHARGER, point);
        Geofence fence = new Geofence(CHARGER, distance);

        GeofenceCheck check = fence.check(point, null);

        assertThat(check.distanceMeters()).isEqualTo(distance);
        assertThat(check.inside()).isTrue();
        assertThat(check.plausiblyInside()).isTrue();
    }

    @Test
    void checkWhenDistanceOneUlpBeyondRadiusThenOutside() {
        Coordinate point = north(150);
        double distance = Geo.distanceMeters(CHARGER, point);
        Geofence fence = new Geofence(CHARGER, Math.nextDown(distance));

        GeofenceCheck check = fence.check(point, null);

        assertThat(check.inside()).isFalse();
        assertThat(check.plausiblyInside()).isFalse();
    }

    @Test
    void checkWhenPointTenCentimetresBeyondRadiusThenOutside() {
        Geofence fence = new Geofence(CHARGER, 150);

        GeofenceCheck check = fence.check(north(150.1), 0.0);

        assertThat(check.distanceMeters()).isCloseTo(150.1, within(1e-6));
        assertThat(check.inside()).isFalse();
        assertThat(check.plausiblyInside()).isFalse();
    }

    @Test
    void checkWhenPointWellInsideThenInsideAndCarriesInputs() {
        Geofence fence = new Geofence(CHARGER, 150);

        GeofenceCheck check = fence.check(north(20), 12.5);

        assertThat(check.distanceMeters()).isCloseTo(20, within(1e-6));
        assertThat(check.radiusMeters()).isEqualTo(150);
        assertThat(check.accuracyMeters()).isEqualTo(12.5);
        assertThat(check.inside()).isTrue();
        assertThat(check.plausiblyInside()).isTrue();
    }

    @Test
    void checkWhenPointAtCentreThenDistanceZeroAndInside() {
        GeofenceCheck check = new Geofence(CHARGER, 0.001).check(CHARGER, null);

        assertThat(check.distanceMeters()).isZero();
        assertThat(check.inside()).isTrue();
    }

    @Test
    void checkWhenHugeAccuracyAndPointOutsideThenNotInsideButPlausiblyInside() {
        Geofence fence = new Geofence(CHARGER, 150);

        GeofenceCheck check = fence.check(north(200), 5_000.0);

        assertThat(check.distanceMeters()).isCloseTo(200, within(1e-6));
        assertThat(check.inside()).as("accuracy must never grant access").isFalse();
        assertThat(check.plausiblyInside()).isTrue();
    }

    @Test
    void checkWhenAccuracyCircleJustMissesFenceThenNotPlausiblyInside() {
        Geofence fence = new Geofence(CHARGER, 150);

        GeofenceCheck check = fence.check(north(200), 49.0);

        assertThat(check.inside()).isFalse();
        assertThat(check.plausiblyInside()).isFalse();
    }

    @Test
    void checkWhenAccuracyCircleOverlapsFenceThenPlausiblyInsideOnly() {
        Geofence fence = new Geofence(CHARGER, 150);

        GeofenceCheck check = fence.check(north(200), 51.0);

        assertThat(check.inside()).isFalse();
        assertThat(check.plausiblyInside()).isTrue();
    }

    @Test
    void checkWhenAccuracyUnknownThenPlausiblyInsideSameAsInside() {
        Geofence fence = new Geofence(CHARGER, 150);

        GeofenceCheck outside = fence.check(north(151), null);
        GeofenceCheck inside = fence.check(north(149), null);

        assertThat(outside.inside()).isFalse();
        assertThat(outside.plausiblyInside()).isFalse();
        assertThat(inside.inside()).isTrue();
        assertThat(inside.plausiblyInside()).isTrue();
    }

    @Test
    void insideWhenSweepingDistancesAndAccuraciesThenAccuracyNeverChangesInside() {
        Geofence fence = new Geofence(CHARGER, 150);
        Double[] accuracies = {null, 0.0, 1.0, 50.0, 149.0, 500.0, 1e9};
        for (int metres = 0; metres <= 400; metres += 5) {
            Coordinate point = north(metres);
            boolean expectedInside = Geo.distanceMeters(CHARGER, point) <= 150;
            for (Double accuracy : accuracies) {
                GeofenceCheck check = fence.check(point, accuracy);
                assertThat(check.inside()).as("%s m, accuracy %s", metres, accuracy).isEqualTo(expectedInside);
                if (expectedInside) {
                    assertThat(check.plausiblyInside()).as("%s m, accuracy %s", metres, accuracy).isTrue();
                }
            }
        }
    }

    @Test
    void insideWhenCheckBuiltDirectlyAtRadiusThenInclusive() {
        assertThat(new GeofenceCheck(150.0, 150.0, null).inside()).isTrue();
        assertThat(new GeofenceCheck(Math.nextUp(150.0), 150.0, null).inside()).isFalse();
        assertThat(new GeofenceCheck(Math.nextUp(150.0), 150.0, 1e-6).inside()).isFalse();
        assertThat(new GeofenceCheck(Math.nextUp(150.0), 150.0, 1e-6).plausiblyInside()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(doubles = {-0.001, -1, -1e9, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, Double.NaN})
    void checkWhenAccuracyNegativeOrNotFiniteThenInvalidRequestNamingAccuracy(double accuracy) {
        Geofence fence = new Geofence(CHARGER, 150);

        FleetgateException e = catchThrowableOfType(FleetgateException.class, () -> fence.check(CHARGER, accuracy));

        assertThat(e).as("accuracy %s", accuracy).isNotNull();
        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
        assertThat(e.details()).containsEntry("field", "accuracy_m");
    }

    @Test
    void checkAccuracyWhenNullOrZeroOrPositiveThenReturnedUnchanged() {
        Double big = 1e6;

        assertThat(Geo.checkAccuracy("accuracy_m", null)).isNull();
        assertThat(Geo.checkAccuracy("accuracy_m", 0.0)).isEqualTo(0.0);
        assertThat(Geo.checkAccuracy("accuracy_m", big)).isSameAs(big);
    }

    @Test
    void checkAccuracyWhenInvalidThenNamesTheGivenField() {
        FleetgateException e = catchThrowableOfType(FleetgateException.class,
                () -> Geo.checkAccuracy("gps_accuracy", -5.0));

        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
        assertThat(e.details()).containsEntry("field", "gps_accuracy");
        assertThat(e.getMessage()).startsWith("gps_accuracy ");
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.0, -0.0, -0.001, -150, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY})
    void constructWhenRadiusNotPositiveFiniteThenInvalidRequestNamingRadius(double radius) {
        FleetgateException e = catchThrowableOfType(FleetgateException.class, () -> new Geofence(CHARGER, radius));

        assertThat(e).as("radius %s", radius).isNotNull();
        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
        assertThat(e.details()).containsEntry("field", "radius_m");
    }

    @Test
    void constructWhenCentreNullThenInvalidRequestNamingCenter() {
        FleetgateException e = catchThrowableOfType(FleetgateException.class, () -> new Geofence(null, 150));

        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
        assertThat(e.details()).containsEntry("field", "center");
    }

    @Test
    void constructWhenRadiusTinyOrHugeButFiniteThenAccepted() {
        assertThat(new Geofence(CHARGER, Double.MIN_VALUE).radiusMeters()).isEqualTo(Double.MIN_VALUE);
        assertThat(new Geofence(CHARGER, Double.MAX_VALUE).check(Coordinate.of(-52, -166), null).inside()).isTrue();
    }
}
