package io.fleetgate.position;

import java.util.EnumSet;
import java.util.Set;

/**
 * Why a fix is implausible. A marked fix is kept (and shown), never dropped, but counts for
 * nothing: it confirms no arrival, starts no excursion and is no end of a jump.
 */
public enum FixMark {
    /** Its reported accuracy is worse than {@code FIX_MAX_ACCURACY_M}. */
    ACCURACY,
    /** It was recorded later than the server's clock allows ({@code EVENT_FUTURE_TOLERANCE_S}). */
    FUTURE,
    /** It reports a speed above {@code MAX_SPEED_KMH}. */
    SPEED,
    /** It was recorded longer ago than {@code EVENT_MAX_OFFLINE_AGE_H}. */
    STALE;

    /**
     * {@return the marks as stored: one bit each, by ordinal}
     *
     * @param marks the marks
     */
    public static int bits(Set<FixMark> marks) {
        int bits = 0;
        for (FixMark m : marks) {
            bits |= 1 << m.ordinal();
        }
        return bits;
    }

    /**
     * {@return the marks of stored bits}
     *
     * @param bits as from {@link #bits}
     */
    public static Set<FixMark> of(int bits) {
        Set<FixMark> marks = EnumSet.noneOf(FixMark.class);
        for (FixMark m : values()) {
            if ((bits & (1 << m.ordinal())) != 0) {
                marks.add(m);
            }
        }
        return marks;
    }
}
