package io.fleetgate.geo;

import io.fleetgate.error.FleetgateException;

import java.util.List;

/**
 * A planned route as a polyline with a width: the band within {@code widthMeters / 2} of the line.
 * 2 to {@value #MAX_VERTICES} vertices, no vertex repeated next to itself, segments of at most
 * {@value #MAX_SEGMENT_KM} km, width greater than 0 and at most {@value #MAX_WIDTH_M} m. Longitudes
 * are read relative to each segment's start, so a route may cross the antimeridian. Immutable and
 * thread-safe; equal lines and widths make equal corridors.
 *
 * <p>Each segment is measured on its own local equirectangular projection (metres east and north
 * of its start, east scaled by the cosine of its mean latitude), within a fraction of a metre of
 * the sphere at segment lengths up to the cap. As with every fence, accuracy never loosens it:
 * {@link CorridorCheck#inside()} is the point alone.
 *
 * <p>The segments are kept in blocks of {@value #BLOCK} with a box around each (degrees of latitude
 * and of longitude from the block's start, and the block's least east scale), so a distance looks
 * closely only at the blocks that may hold a nearer segment than the nearest found so far: a route
 * of thousands of vertices costs about as much as one of a few dozen. The result is the same as
 * measuring every segment.
 */
public final class Corridor {
    /** The most vertices a route may have. */
    public static final int MAX_VERTICES = 10_000;
    /** The longest segment, km: longer ones would bend on one flat projection. */
    public static final int MAX_SEGMENT_KM = 100;
    /** The widest corridor, metres. */
    public static final int MAX_WIDTH_M = 10_000;

    private static final double KY = Math.toRadians(1) * Geo.EARTH_RADIUS_M;

    private final List<Coordinate> line;
    private final double widthMeters;
    /** Per segment: its start, its east scale, its end on its projection and its squared length. */
    private final double[] lat0;
    private final double[] lng0;
    private final double[] kx;
    private final double[] ex;
    private final double[] ey;
    private final double[] len2;
    /**
     * Per block of {@value #BLOCK} segments: its start's longitude, its vertices' least and
     * greatest latitude and longitude offset from it, its least east scale, and whether the box
     * may rule it out (false for a block too wide in longitude to read on one projection).
     */
    private final double[] blockLng;
    private final double[] blockMinLat;
    private final double[] blockMaxLat;
    private final double[] blockMinOff;
    private final double[] blockMaxOff;
    private final double[] blockKx;
    private final boolean[] blockBoxed;

    /** Segments per block of the distance's index. */
    static final int BLOCK = 16;
    /** A box's bound is lowered by this fraction, so that rounding never rules out the nearest segment. */
    private static final double SLACK = 1 - 1e-9;

    private Corridor(List<Coordinate> line, double widthMeters) {
        this.line = line;
        this.widthMeters = widthMeters;
        int n = line.size() - 1;
        lat0 = new double[n];
        lng0 = new double[n];
        kx = new double[n];
        ex = new double[n];
        ey = new double[n];
        len2 = new double[n];
        for (int i = 0; i < n; i++) {
            Coordinate a = line.get(i);
            Coordinate b = line.get(i + 1);
            lat0[i] = a.lat();
            lng0[i] = a.lng();
            kx[i] = KY * Math.cos(Math.toRadians((a.lat() + b.lat()) / 2));
            ex[i] = PolygonFence.Shape.unwrap(b.lng() - a.lng()) * kx[i];
            ey[i] = (b.lat() - a.lat()) * KY;
            len2[i] = ex[i] * ex[i] + ey[i] * ey[i];
        }
        int blocks = (n + BLOCK - 1) / BLOCK;
        blockLng = new double[blocks];
        blockMinLat = new double[blocks];
        blockMaxLat = new double[blocks];
        blockMinOff = new double[blocks];
        blockMaxOff = new double[blocks];
        blockKx = new double[blocks];
        blockBoxed = new boolean[blocks];
        for (int b = 0; b < blocks; b++) {
            int from = b * BLOCK;
            int to = Math.min(n, from + BLOCK);
            double ref = lng0[from];
            double minLat = Double.MAX_VALUE;
            double maxLat = -Double.MAX_VALUE;
            double minOff = Double.MAX_VALUE;
            double maxOff = -Double.MAX_VALUE;
            double minKx = Double.MAX_VALUE;
            boolean consistent = true;
            for (int i = from; i < to; i++) {
                Coordinate a = line.get(i);
                Coordinate e = line.get(i + 1);
                double oa = PolygonFence.Shape.unwrap(a.lng() - ref);
                double oe = PolygonFence.Shape.unwrap(e.lng() - ref);
                // the segment must run from oa to oe on the block's projection as on its own
                consistent &= Math.abs(oe - oa - PolygonFence.Shape.unwrap(e.lng() - a.lng())) < 1e-9;
                minLat = Math.min(minLat, Math.min(a.lat(), e.lat()));
                maxLat = Math.max(maxLat, Math.max(a.lat(), e.lat()));
                minOff = Math.min(minOff, Math.min(oa, oe));
                maxOff = Math.max(maxOff, Math.max(oa, oe));
                minKx = Math.min(minKx, kx[i]);
            }
            blockLng[b] = ref;
            blockMinLat[b] = minLat;
            blockMaxLat[b] = maxLat;
            blockMinOff[b] = minOff;
            blockMaxOff[b] = maxOff;
            blockKx[b] = minKx;
            blockBoxed[b] = consistent && maxOff - minOff < 90;
        }
    }

    /**
     * {@return the corridor}
     *
     * @param line        the planned route's vertices, in driving order
     * @param widthMeters the band's full width, metres
     * @throws FleetgateException {@code INVALID_REQUEST} naming {@code corridor.line} or
     *                            {@code corridor.width_m}
     */
    public static Corridor of(List<Coordinate> line, double widthMeters) {
        if (line == null || line.stream().anyMatch(java.util.Objects::isNull)) {
            throw FleetgateException.invalid("corridor.line", "must list its vertices");
        }
        if (line.size() < 2 || line.size() > MAX_VERTICES) {
            throw FleetgateException.invalid("corridor.line", "must have 2 to " + MAX_VERTICES + " vertices");
        }
        if (!(widthMeters > 0) || widthMeters > MAX_WIDTH_M) {
            throw FleetgateException.invalid("corridor.width_m", "must be greater than 0 and at most "
                    + MAX_WIDTH_M + " metres");
        }
        for (int i = 1; i < line.size(); i++) {
            if (line.get(i).equals(line.get(i - 1))) {
                throw FleetgateException.invalid("corridor.line", "repeats vertex " + (i - 1) + " next to itself");
            }
            if (line.get(i).distanceTo(line.get(i - 1)) > MAX_SEGMENT_KM * 1000.0) {
                throw FleetgateException.invalid("corridor.line", "segment " + (i - 1) + " is longer than "
                        + MAX_SEGMENT_KM + " km; add vertices");
            }
        }
        return new Corridor(List.copyOf(line), widthMeters);
    }

    /** {@return the planned route's vertices} */
    public List<Coordinate> line() {
        return line;
    }

    /** {@return the band's full width, metres} */
    public double widthMeters() {
        return widthMeters;
    }

    /**
     * {@return how far the point is from the route, and the verdicts with its accuracy}
     *
     * @param point          where the device says it is
     * @param accuracyMeters its reported accuracy in metres, or {@code null} if unknown
     */
    public CorridorCheck check(Coordinate point, Double accuracyMeters) {
        Geo.checkAccuracy("accuracy_m", accuracyMeters);
        return new CorridorCheck(distanceMeters(point), widthMeters / 2, accuracyMeters);
    }

    /**
     * {@return the distance in metres from the point to the nearest point of the route}
     *
     * @param point a point
     */
    public double distanceMeters(Coordinate point) {
        int blocks = blockLng.length;
        if (blocks == 1) {
            return Math.sqrt(nearest(0, point, Double.MAX_VALUE));
        }
        // each block's bound first; the block of the least bound measured first gives a near
        // distance that rules most others out
        double[] bound = new double[blocks];
        int first = 0;
        for (int b = 0; b < blocks; b++) {
            bound[b] = bound(b, point);
            if (bound[b] < bound[first]) {
                first = b;
            }
        }
        double best = nearest(first, point, Double.MAX_VALUE);
        for (int b = 0; b < blocks; b++) {
            if (b != first && bound[b] * SLACK < best) {
                best = nearest(b, point, best);
            }
        }
        return Math.sqrt(best);
    }

    /** {@return the least of {@code best} and the squared distances from the point to block {@code b}'s segments} */
    private double nearest(int b, Coordinate point, double best) {
        int to = Math.min(len2.length, (b + 1) * BLOCK);
        for (int i = b * BLOCK; i < to; i++) {
            double px = PolygonFence.Shape.unwrap(point.lng() - lng0[i]) * kx[i];
            double py = (point.lat() - lat0[i]) * KY;
            double t = (px * ex[i] + py * ey[i]) / len2[i];
            t = t < 0 ? 0 : t > 1 ? 1 : t;
            double dx = px - t * ex[i];
            double dy = py - t * ey[i];
            double d2 = dx * dx + dy * dy;
            if (d2 < best) {
                best = d2;
            }
        }
        return best;
    }

    /**
     * {@return a lower bound of the squared distance from the point to each segment of block
     * {@code b} on its own projection}: the box's gap in latitude and in longitude (at the block's
     * least east scale); 0 for a block the box may not rule out, or for a point so far round the
     * globe that its longitude offset could wrap.
     */
    private double bound(int b, Coordinate point) {
        double off = PolygonFence.Shape.unwrap(point.lng() - blockLng[b]);
        if (!blockBoxed[b] || Math.abs(off) + Math.max(Math.abs(blockMinOff[b]), Math.abs(blockMaxOff[b])) >= 180) {
            return 0;
        }
        double dxDeg = Math.max(0, Math.max(blockMinOff[b] - off, off - blockMaxOff[b]));
        double dyDeg = Math.max(0, Math.max(blockMinLat[b] - point.lat(), point.lat() - blockMaxLat[b]));
        double dx = dxDeg * blockKx[b];
        double dy = dyDeg * KY;
        return dx * dx + dy * dy;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Corridor c && line.equals(c.line) && Double.compare(widthMeters, c.widthMeters) == 0;
    }

    @Override
    public int hashCode() {
        return line.hashCode() * 31 + Double.hashCode(widthMeters);
    }

    @Override
    public String toString() {
        return "Corridor[width_m=" + widthMeters + ", line=" + line + "]";
    }
}
