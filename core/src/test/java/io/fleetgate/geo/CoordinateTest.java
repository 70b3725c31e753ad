package io.fleetgate.geo;

import io.fleetgate.error.ErrorCode;
import io.fleetgate.error.FleetgateException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class CoordinateTest {

    static Stream<Arguments> invalidValues() {
        return Stream.of(
                Arguments.of(Double.NaN, 0.0, "lat"),
                Arguments.of(Double.POSITIVE_INFINITY, 0.0, "lat"),
                Arguments.of(Double.NEGATIVE_INFINITY, 0.0, "lat"),
                Arguments.of(90.0001, 0.0, "lat"),
                Arguments.of(-90.0001, 0.0, "lat"),
                Arguments.of(Math.nextUp(90.0), 0.0, "lat"),
                Arguments.of(Math.nextDown(-90.0), 0.0, "lat"),
                Arguments.of(180.0, 0.0, "lat"),
                Arguments.of(0.0, Double.NaN, "lng"),
                Arguments.of(0.0, Double.POSITIVE_INFINITY, "lng"),
                Arguments.of(0.0, Double.NEGATIVE_INFINITY, "lng"),
                Arguments.of(0.0, 180.0001, "lng"),
                Arguments.of(0.0, -180.0001, "lng"),
                Arguments.of(0.0, Math.nextUp(180.0), "lng"),
                Arguments.of(0.0, Math.nextDown(-180.0), "lng"),
                Arguments.of(0.0, 360.0, "lng"),
                // Both bad: latitude is checked first and named.
                Arguments.of(Double.NaN, Double.NaN, "lat"));
    }

    @ParameterizedTest(name = "lat={0}, lng={1} -> {2}")
    @MethodSource("invalidValues")
    void constructWhenValueInvalidThenInvalidRequestNamingField(double lat, double lng, String field) {
        FleetgateException e = catchThrowableOfType(FleetgateException.class, () -> new Coordinate(lat, lng));

        assertThat(e).as("exception for lat=%s lng=%s", lat, lng).isNotNull();
        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
        assertThat(e.details()).containsExactly(java.util.Map.entry("field", field));
        assertThat(e.getMessage()).startsWith(field + " ");
    }

    @ParameterizedTest(name = "lat={0}, lng={1} -> {2}")
    @MethodSource("invalidValues")
    void ofWhenValueInvalidThenInvalidRequestNamingField(double lat, double lng, String field) {
        FleetgateException e = catchThrowableOfType(FleetgateException.class, () -> Coordinate.of(lat, lng));

        assertThat(e).isNotNull();
        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
        assertThat(e.details()).containsEntry("field", field);
    }

    @Test
    void constructWhenLatitudeOutOfRangeThenMessageGivesTheRange() {
        FleetgateException e = catchThrowableOfType(FleetgateException.class, () -> Coordinate.of(90.0001, 0));

        assertThat(e.getMessage()).isEqualTo("lat must be between -90 and 90");
    }

    @Test
    void constructWhenLongitudeNotFiniteThenMessageSaysFinite() {
        FleetgateException e = catchThrowableOfType(FleetgateException.class,
                () -> Coordinate.of(0, Double.POSITIVE_INFINITY));

        assertThat(e.getMessage()).isEqualTo("lng must be a finite number");
    }

    static Stream<Arguments> boundaries() {
        return Stream.of(
                Arguments.of(90.0, 0.0),
                Arguments.of(-90.0, 0.0),
                Arguments.of(0.0, 180.0),
                Arguments.of(0.0, -180.0),
                Arguments.of(90.0, 180.0),
                Arguments.of(-90.0, -180.0),
                Arguments.of(-0.0, -0.0),
                Arguments.of(Math.nextDown(90.0), Math.nextUp(-180.0)));
    }

    @ParameterizedTest(name = "lat={0}, lng={1}")
    @MethodSource("boundaries")
    void constructWhenOnOrInsideBoundaryThenAcceptedUnchanged(double lat, double lng) {
        Coordinate c = Coordinate.of(lat, lng);

        assertThat(c.lat()).isEqualTo(lat);
        assertThat(c.lng()).isEqualTo(lng);
        assertThat(c).isEqualTo(new Coordinate(lat, lng));
    }
}
