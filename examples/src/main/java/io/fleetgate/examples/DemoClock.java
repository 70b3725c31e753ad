package io.fleetgate.examples;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A clock that stands still until told to move, so the demo can jump past an expiry without
 * waiting. Thread-safe; clocks made by {@link #withZone} share this one's instant.
 */
final class DemoClock extends Clock {
    private final AtomicReference<Instant> now;
    private final ZoneId zone;

    /** @param start the instant the clock shows until it is advanced */
    DemoClock(Instant start) {
        this(new AtomicReference<>(Objects.requireNonNull(start, "start")), ZoneOffset.UTC);
    }

    private DemoClock(AtomicReference<Instant> now, ZoneId zone) {
        this.now = now;
        this.zone = zone;
    }

    /**
     * Moves the clock forward.
     *
     * @param amount how far, not negative
     * @return the instant now shown
     * @throws IllegalArgumentException if {@code amount} is negative
     */
    Instant advance(Duration amount) {
        if (amount.isNegative()) {
            throw new IllegalArgumentException("amount must not be negative");
        }
        return now.updateAndGet(t -> t.plus(amount));
    }

    @Override
    public Instant instant() {
        return now.get();
    }

    @Override
    public ZoneId getZone() {
        return zone;
    }

    @Override
    public Clock withZone(ZoneId newZone) {
        return new DemoClock(now, Objects.requireNonNull(newZone, "zone"));
    }
}
