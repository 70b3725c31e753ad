package io.fleetgate.examples.bench;

import io.fleetgate.execution.Stop;
import io.fleetgate.geo.Coordinate;
import io.fleetgate.geo.Corridor;
import io.fleetgate.geo.Geo;
import io.fleetgate.position.Fix;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A driver's shift as their phone records it, for the position benchmarks: straight legs of 400
 * to 800 m, turning by up to 60° at each bend, driven at 7 to 14 m/s, with a stop (a stay of
 * {@value #DWELL_FIXES} fixes, 30 s) at every third bend; one fix every {@value #FIX_EVERY_S} s
 * with an accuracy of 5 to 20 m, off the line by up to a quarter of it, and a speed and heading in
 * three fixes of four (speed 0 and no heading at a stop). The batch's stops are those bends, its
 * corridor the legs driven ({@value #CORRIDOR_WIDTH_M} m wide).
 *
 * <p>Every fix is plausible (no {@code FixMark}: accuracy far under {@code FIX_MAX_ACCURACY_M},
 * speed under {@code MAX_SPEED_KMH}, recorded within {@code EVENT_MAX_OFFLINE_AGE_H} when {@code
 * start} is a day ago), inside the corridor, and no two imply a jump: what a phone on route sends,
 * so fleetgate's checks run in full and raise nothing. The same seed gives the same legs, stops
 * and fixes (only the times move with {@code start}), so both arms of a comparison write the same
 * rows. Immutable.
 *
 * @param fixes    the fixes, {@code recorded_at} increasing by {@value #FIX_EVERY_S} s from {@code start}
 * @param stops    the stops, in driving order (at least one)
 * @param corridor the legs driven, to the end of the last one
 */
record FixRoute(List<Fix> fixes, List<Stop> stops, Corridor corridor) {
    /** Seconds between two fixes. */
    static final int FIX_EVERY_S = 5;
    /** Fixes taken during a stop. */
    static final int DWELL_FIXES = 6;
    /** The corridor's full width, metres. */
    static final double CORRIDOR_WIDTH_M = 100;
    /** A stop's radius, metres. */
    static final double STOP_RADIUS_M = 50;

    private static final double CITY_LAT = 52.52;
    private static final double CITY_LNG = 13.405;
    /** Metres per degree of latitude. */
    private static final double KY = Math.toRadians(1) * Geo.EARTH_RADIUS_M;

    FixRoute {
        fixes = List.copyOf(fixes);
        stops = List.copyOf(stops);
    }

    /**
     * {@return a shift of {@code count} fixes}
     *
     * @param seed  which shift (the same seed, the same shift)
     * @param count how many fixes
     * @param start when the first fix is taken (to the microsecond)
     */
    static FixRoute drive(long seed, int count, Instant start) {
        Random random = new Random(seed);
        double lat = CITY_LAT + (random.nextDouble() - 0.5) * 0.05;
        double lng = CITY_LNG + (random.nextDouble() - 0.5) * 0.08;
        double bearing = random.nextDouble() * 360;
        double legLeft = leg(random);
        double speed = 7 + 7 * random.nextDouble();
        int dwell = 0;
        int bends = 0;
        List<Coordinate> line = new ArrayList<>();
        line.add(Coordinate.of(lat, lng));
        List<Stop> stops = new ArrayList<>();
        List<Fix> fixes = new ArrayList<>(count);
        for (int k = 0; k < count; k++) {
            double accuracy = 5 + 15 * random.nextDouble();
            double north = (random.nextDouble() - 0.5) * accuracy / 2;
            double east = (random.nextDouble() - 0.5) * accuracy / 2;
            Double reportedSpeed = null;
            Double heading = null;
            if (k % 4 != 3) {
                reportedSpeed = dwell > 0 ? 0.0 : speed * (0.9 + 0.2 * random.nextDouble());
                heading = dwell > 0 ? null : bearing;
            }
            fixes.add(new Fix(start.plusSeconds((long) FIX_EVERY_S * k),
                    Coordinate.of(lat + north / KY, lng + east / (KY * Math.cos(Math.toRadians(lat)))), accuracy,
                    reportedSpeed, heading));
            if (dwell > 0) {
                dwell--;
                continue;
            }
            double move = speed * FIX_EVERY_S;
            while (move >= legLeft) {
                double[] at = ahead(lat, lng, bearing, legLeft);
                lat = at[0];
                lng = at[1];
                move -= legLeft;
                line.add(Coordinate.of(lat, lng));
                bends++;
                bearing = (bearing + (random.nextDouble() - 0.5) * 120 + 360) % 360;
                legLeft = leg(random);
                speed = 7 + 7 * random.nextDouble();
                if (bends % 3 == 1) {
                    stops.add(Stop.of(lat, lng, STOP_RADIUS_M));
                    dwell = DWELL_FIXES;
                    move = 0;
                }
            }
            double[] at = ahead(lat, lng, bearing, move);
            lat = at[0];
            lng = at[1];
            legLeft -= move;
        }
        // the corridor runs to the end of the leg being driven
        double[] end = ahead(lat, lng, bearing, legLeft);
        line.add(Coordinate.of(end[0], end[1]));
        if (stops.isEmpty()) {
            stops.add(Stop.of(end[0], end[1], STOP_RADIUS_M));
        }
        return new FixRoute(fixes, stops, Corridor.of(line, CORRIDOR_WIDTH_M));
    }

    private static double leg(Random random) {
        return 400 + 400 * random.nextDouble();
    }

    /** {@return the point {@code metres} ahead on that bearing (degrees), on the local flat projection} */
    private static double[] ahead(double lat, double lng, double bearing, double metres) {
        double b = Math.toRadians(bearing);
        double north = metres * Math.cos(b);
        double east = metres * Math.sin(b);
        return new double[] {lat + north / KY, lng + east / (KY * Math.cos(Math.toRadians(lat)))};
    }
}
