package io.fleetgate.geo;

/**
 * How a reported point and its accuracy circle relate to a {@link Fence}. Accuracy never loosens a
 * fence: {@link #certainlyInside()} needs the whole circle inside; {@link #plausiblyInside()} (an
 * overlap) is for review flags only.
 */
public sealed interface FenceCheck permits GeofenceCheck, PolygonCheck {

    /** {@return whether the reported point itself is inside; accuracy plays no part} */
    boolean inside();

    /** {@return whether the whole accuracy circle lies inside (unknown accuracy counts as 0)} */
    boolean certainlyInside();

    /** {@return whether the accuracy circle and the fence overlap; for review flags, never for access} */
    boolean plausiblyInside();

    /** {@return how far outside the fence the point is, metres; 0 when inside} */
    double distanceOutsideMeters();
}
