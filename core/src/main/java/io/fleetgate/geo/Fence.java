package io.fleetgate.geo;

/**
 * Where a stop counts as "there": a circle ({@link Geofence}) or a ring ({@link PolygonFence}).
 * Implementations are immutable and thread-safe.
 */
public sealed interface Fence permits Geofence, PolygonFence {

    /**
     * {@return how a reported point, with its accuracy, relates to the fence}
     *
     * @param point          the reported position
     * @param accuracyMeters its reported accuracy (radius, metres), or {@code null} if unknown
     */
    FenceCheck check(Coordinate point, Double accuracyMeters);

    /**
     * {@return the larger fence a driver must leave to count as gone (hysteresis): a circle's
     * radius times {@code factor}, or a ring widened by {@code (factor - 1) * scaleMeters}}
     *
     * @param factor      at least 1
     * @param scaleMeters the size the margin is measured against (a stop's radius)
     */
    ExitFence exit(double factor, double scaleMeters);

    /**
     * A fence widened for leaving: a point is still "at" it while its accuracy circle overlaps the
     * fence grown by {@code marginMeters}. Immutable.
     *
     * @param fence        the fence
     * @param marginMeters how far beyond its edge still counts, metres (0 or more)
     */
    record ExitFence(Fence fence, double marginMeters) {
        /**
         * {@return whether the point may still be at the fence: its accuracy circle reaches within
         * the margin of the fence}
         *
         * @param point          the reported position
         * @param accuracyMeters its accuracy, or {@code null}
         */
        public boolean plausiblyWithin(Coordinate point, Double accuracyMeters) {
            double slack = accuracyMeters == null ? 0 : accuracyMeters;
            return fence.check(point, accuracyMeters).distanceOutsideMeters() - slack <= marginMeters;
        }
    }
}
