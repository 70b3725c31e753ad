package io.fleetgate.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock tests move by hand. Thread-safe. */
public final class TestClock extends Clock {
    private volatile Instant now;

    /** @param start the first instant */
    public TestClock(Instant start) {
        this.now = start;
    }

    /** @return a clock at 2026-11-22T10:00:00Z */
    public static TestClock standard() {
        return new TestClock(Instant.parse("2026-11-22T10:00:00Z"));
    }

    /** @param d how far to move forward */
    public void advance(Duration d) {
        now = now.plus(d);
    }

    /** @param instant the new now */
    public void set(Instant instant) {
        now = instant;
    }

    @Override
    public Instant instant() {
        return now;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
