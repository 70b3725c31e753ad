package io.fleetgate.geo;

import java.math.BigDecimal;

/**
 * Exact orientation tests on doubles: the determinant in double precision when it is clearly away
 * from zero, else again in exact decimal arithmetic (a double converts to a {@link BigDecimal}
 * exactly), so collinear and touching points are found as they are, not as rounding makes them.
 * Used to validate rings; stateless and thread-safe.
 */
final class Robust {
    private Robust() {
    }

    /** {@return the sign of the turn a → b → p: 1 left, -1 right, 0 collinear} */
    static int orientation(double ax, double ay, double bx, double by, double px, double py) {
        double l = (bx - ax) * (py - ay);
        double r = (by - ay) * (px - ax);
        double det = l - r;
        double bound = 1e-12 * (Math.abs(l) + Math.abs(r));
        if (det > bound) {
            return 1;
        }
        if (-det > bound) {
            return -1;
        }
        BigDecimal exact = d(bx).subtract(d(ax)).multiply(d(py).subtract(d(ay)))
                .subtract(d(by).subtract(d(ay)).multiply(d(px).subtract(d(ax))));
        return exact.signum();
    }

    /** {@return the sign of (p - o) · (q - o), exactly} */
    static int dotSign(double ox, double oy, double px, double py, double qx, double qy) {
        return d(px).subtract(d(ox)).multiply(d(qx).subtract(d(ox)))
                .add(d(py).subtract(d(oy)).multiply(d(qy).subtract(d(oy)))).signum();
    }

    /** {@return whether segments ab and cd share any point} */
    static boolean segmentsTouch(double ax, double ay, double bx, double by, double cx, double cy, double dx,
                                 double dy) {
        int d1 = orientation(cx, cy, dx, dy, ax, ay);
        int d2 = orientation(cx, cy, dx, dy, bx, by);
        int d3 = orientation(ax, ay, bx, by, cx, cy);
        int d4 = orientation(ax, ay, bx, by, dx, dy);
        if (d1 * d2 < 0 && d3 * d4 < 0) {
            return true;
        }
        return (d1 == 0 && within(cx, cy, dx, dy, ax, ay)) || (d2 == 0 && within(cx, cy, dx, dy, bx, by))
                || (d3 == 0 && within(ax, ay, bx, by, cx, cy)) || (d4 == 0 && within(ax, ay, bx, by, dx, dy));
    }

    /** {@return whether p, collinear with ab, lies between them} */
    private static boolean within(double ax, double ay, double bx, double by, double px, double py) {
        return Math.min(ax, bx) <= px && px <= Math.max(ax, bx) && Math.min(ay, by) <= py && py <= Math.max(ay, by);
    }

    private static BigDecimal d(double v) {
        return new BigDecimal(v);
    }
}
