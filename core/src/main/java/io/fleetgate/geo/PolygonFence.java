package io.fleetgate.geo;

import io.fleetgate.error.FleetgateException;

import java.util.ArrayList;
import java.util.List;

/**
 * A polygon around a place: one ring of 3 to {@value #MAX_VERTICES} vertices, closed (the last
 * vertex joins the first; a ring that repeats its first vertex at the end, or any vertex right
 * after itself, is taken as the same ring without the repeat), simple (no two edges cross or touch except neighbours at their shared vertex) and with an
 * area. A ring may cross the antimeridian: longitudes are read relative to the first vertex, so a
 * ring spanning 179.9° to -179.9° is 0.2° wide; a ring wider than 180° of longitude is refused.
 * Immutable and thread-safe.
 *
 * <p>The geometry is computed on a local equirectangular projection centred on the ring (metres
 * east and north of its first vertex, east scaled by the cosine of the ring's mean latitude): at
 * fence scale (metres to a few kilometres) it is within a fraction of a metre of the sphere, and
 * since it is an affine map of longitude and latitude, whether a point is inside is exactly what a
 * planar test on the degrees gives. Inside is the even-odd rule; a point on the boundary is inside.
 *
 * <p>As with {@link Geofence}, accuracy never loosens the fence: {@link PolygonCheck#inside()} is
 * the point alone, {@link PolygonCheck#certainlyInside()} needs the whole accuracy circle inside,
 * and only {@link PolygonCheck#plausiblyInside()} (for review flags, never for access) lets the
 * circle merely touch it.
 *
 * <p>Equal rings make equal fences.
 */
public final class PolygonFence implements Fence {
    /** The most vertices a ring may have. */
    public static final int MAX_VERTICES = 500;

    private final List<Coordinate> ring;
    private final Shape shape;

    private PolygonFence(List<Coordinate> ring, Shape shape) {
        this.ring = ring;
        this.shape = shape;
    }

    /**
     * {@return the fence} Checks the ring and projects it once.
     *
     * @param ring the vertices in order; a vertex repeated right after itself (the closing repeat
     *             of the first included) is dropped
     * @throws FleetgateException {@code INVALID_REQUEST} naming {@code polygon}: fewer than 3 or more
     *                            than {@value #MAX_VERTICES} vertices, wider than 180° of longitude,
     *                            crossing or touching itself, or without area
     */
    public static PolygonFence of(List<Coordinate> ring) {
        if (ring == null || ring.stream().anyMatch(java.util.Objects::isNull)) {
            throw FleetgateException.invalid("polygon", "must list its vertices");
        }
        // a vertex repeated next to itself (the closing repeat included) adds nothing: one is kept
        List<Coordinate> open = new ArrayList<>(ring.size());
        for (Coordinate c : ring) {
            if (open.isEmpty() || !open.get(open.size() - 1).equals(c)) {
                open.add(c);
            }
        }
        while (open.size() > 1 && open.get(0).equals(open.get(open.size() - 1))) {
            open.remove(open.size() - 1);
        }
        if (open.size() < 3 || open.size() > MAX_VERTICES) {
            throw FleetgateException.invalid("polygon", "must have 3 to " + MAX_VERTICES + " vertices");
        }
        Shape shape = Shape.of(open);
        shape.requireSimple(open);
        return new PolygonFence(List.copyOf(open), shape);
    }

    @Override
    public ExitFence exit(double factor, double scaleMeters) {
        return new ExitFence(this, Math.max(0, (factor - 1) * scaleMeters));
    }

    /** {@return the vertices in order, without the closing repeat} */
    public List<Coordinate> ring() {
        return ring;
    }

    /**
     * {@return whether the point is inside, how far it is from the boundary, and the verdicts with
     * its accuracy}
     *
     * @param point          where the device says it is
     * @param accuracyMeters its reported accuracy in metres, or {@code null} if unknown
     */
    @Override
    public PolygonCheck check(Coordinate point, Double accuracyMeters) {
        Geo.checkAccuracy("accuracy_m", accuracyMeters);
        return shape.check(point, accuracyMeters);
    }

    /**
     * {@return whether the point itself is inside (the boundary included); the fast test, without
     * the distance to the boundary}
     *
     * @param point where the device says it is
     */
    public boolean contains(Coordinate point) {
        return shape.contains(Shape.unwrap(point.lng() - shape.lng0) * shape.kx, (point.lat() - shape.lat0) * shape.ky);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PolygonFence p && ring.equals(p.ring);
    }

    @Override
    public int hashCode() {
        return ring.hashCode();
    }

    @Override
    public String toString() {
        return "PolygonFence" + ring;
    }

    /**
     * The ring on its local projection, with the arrays the tests loop over. Immutable.
     */
    static final class Shape {
        final double lat0;
        final double lng0;
        final double kx;
        final double ky;
        final double[] xs;
        final double[] ys;
        final double minX;
        final double maxX;
        final double minY;
        final double maxY;

        private Shape(double lat0, double lng0, double kx, double ky, double[] xs, double[] ys) {
            this.lat0 = lat0;
            this.lng0 = lng0;
            this.kx = kx;
            this.ky = ky;
            this.xs = xs;
            this.ys = ys;
            double x0 = Double.MAX_VALUE;
            double x1 = -Double.MAX_VALUE;
            double y0 = Double.MAX_VALUE;
            double y1 = -Double.MAX_VALUE;
            for (int i = 0; i < xs.length; i++) {
                x0 = Math.min(x0, xs[i]);
                x1 = Math.max(x1, xs[i]);
                y0 = Math.min(y0, ys[i]);
                y1 = Math.max(y1, ys[i]);
            }
            minX = x0;
            maxX = x1;
            minY = y0;
            maxY = y1;
        }

        static Shape of(List<Coordinate> ring) {
            double lng0 = ring.get(0).lng();
            double lat0 = ring.get(0).lat();
            double sumLat = 0;
            double minDl = 0;
            double maxDl = 0;
            double[] dl = new double[ring.size()];
            for (int i = 0; i < ring.size(); i++) {
                dl[i] = unwrap(ring.get(i).lng() - lng0);
                minDl = Math.min(minDl, dl[i]);
                maxDl = Math.max(maxDl, dl[i]);
                sumLat += ring.get(i).lat();
            }
            if (maxDl - minDl > 180) {
                throw FleetgateException.invalid("polygon", "must span less than 180° of longitude");
            }
            double meanLat = sumLat / ring.size();
            double ky = Math.toRadians(1) * Geo.EARTH_RADIUS_M;
            double kx = ky * Math.cos(Math.toRadians(meanLat));
            double[] xs = new double[ring.size()];
            double[] ys = new double[ring.size()];
            for (int i = 0; i < ring.size(); i++) {
                xs[i] = dl[i] * kx;
                ys[i] = (ring.get(i).lat() - lat0) * ky;
            }
            return new Shape(lat0, lng0, kx, ky, xs, ys);
        }

        /** {@return a longitude difference in [-180, 180)} */
        static double unwrap(double d) {
            if (d >= 180) {
                return d - 360;
            }
            if (d < -180) {
                return d + 360;
            }
            return d;
        }

        /**
         * Refuses a ring that crosses or touches itself, folds back along an edge, or has no area.
         * Decided on the degrees themselves (longitudes unwrapped only for a ring across the
         * antimeridian) with exact orientation tests, as JTS decides validity: a vertex lying on
         * another edge is found however the projection rounds.
         */
        void requireSimple(List<Coordinate> ring) {
            int n = ring.size();
            boolean wraps = false;
            for (Coordinate c : ring) {
                wraps |= Math.abs(c.lng() - ring.get(0).lng()) > 180;
            }
            double[] rx = new double[n];
            double[] ry = new double[n];
            for (int i = 0; i < n; i++) {
                double lng = ring.get(i).lng();
                rx[i] = wraps && lng < 0 ? lng + 360 : lng;
                ry[i] = ring.get(i).lat();
            }
            for (int i = 0; i < n; i++) {
                int i2 = (i + 1) % n;
                for (int j = i + 1; j < n; j++) {
                    int j2 = (j + 1) % n;
                    if (i2 == j || j2 == i) {
                        int shared = i2 == j ? i2 : i;
                        int p = i2 == j ? i : i2;
                        int q = i2 == j ? j2 : j;
                        if (n > 3 && Robust.orientation(rx[shared], ry[shared], rx[p], ry[p], rx[q], ry[q]) == 0
                                && Robust.dotSign(rx[shared], ry[shared], rx[p], ry[p], rx[q], ry[q]) > 0) {
                            throw FleetgateException.invalid("polygon", "folds back on itself at vertex " + shared);
                        }
                        continue;
                    }
                    if (Robust.segmentsTouch(rx[i], ry[i], rx[i2], ry[i2], rx[j], ry[j], rx[j2], ry[j2])) {
                        throw FleetgateException.invalid("polygon", "crosses or touches itself (edges " + i + " and "
                                + j + ")");
                    }
                }
            }
            double area2 = 0;
            for (int i = 0; i < n; i++) {
                int k = (i + 1) % n;
                area2 += xs[i] * ys[k] - xs[k] * ys[i];
            }
            if (Math.abs(area2) < 1e-6) {
                throw FleetgateException.invalid("polygon", "has no area");
            }
        }

        PolygonCheck check(Coordinate point, Double accuracyMeters) {
            double px = unwrap(point.lng() - lng0) * kx;
            double py = (point.lat() - lat0) * ky;
            return new PolygonCheck(contains(px, py), boundaryDistance(px, py), accuracyMeters);
        }

        /** Even-odd ray casting to the east; a point on an edge counts as inside. */
        boolean contains(double px, double py) {
            if (px < minX || px > maxX || py < minY || py > maxY) {
                return false;
            }
            boolean inside = false;
            int n = xs.length;
            for (int i = 0, j = n - 1; i < n; j = i++) {
                double xi = xs[i];
                double yi = ys[i];
                double xj = xs[j];
                double yj = ys[j];
                if ((yi > py) != (yj > py)) {
                    double xCross = xi + (py - yi) * (xj - xi) / (yj - yi);
                    if (px < xCross) {
                        inside = !inside;
                    } else if (px == xCross) {
                        return true;
                    }
                } else if (yi == py && yj == py && Math.min(xi, xj) <= px && px <= Math.max(xi, xj)) {
                    return true;
                }
            }
            return inside;
        }

        /** {@return the distance in metres from the point to the nearest edge} */
        double boundaryDistance(double px, double py) {
            double best = Double.MAX_VALUE;
            int n = xs.length;
            for (int i = 0, j = n - 1; i < n; j = i++) {
                best = Math.min(best, segmentDistance(px, py, xs[j], ys[j], xs[i], ys[i]));
            }
            return best;
        }

        static double segmentDistance(double px, double py, double ax, double ay, double bx, double by) {
            double dx = bx - ax;
            double dy = by - ay;
            double len2 = dx * dx + dy * dy;
            double t = len2 == 0 ? 0 : ((px - ax) * dx + (py - ay) * dy) / len2;
            t = t < 0 ? 0 : t > 1 ? 1 : t;
            return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
        }
    }
}
