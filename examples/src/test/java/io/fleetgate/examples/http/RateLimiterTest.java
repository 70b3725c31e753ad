package io.fleetgate.examples.http;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class RateLimiterTest {
    private final MovableClock clock = new MovableClock(Instant.parse("2026-12-01T10:00:00Z"));

    @Test
    void takeWhenBucketEmptyThenSecondsUntilOneIsBackAndRefillsAtTheRate() {
        RateLimiter limiter = new RateLimiter(clock, HttpLimits.DEFAULTS.withRate(0.1, 2));
        String key = RateLimiter.tokenKey("token-a");

        assertThat(limiter.take(key)).isZero();
        assertThat(limiter.take(key)).isZero();
        assertThat(limiter.take(key)).isEqualTo(10);
        clock.advance(Duration.ofSeconds(4));
        assertThat(limiter.take(key)).isEqualTo(6);
        clock.advance(Duration.ofSeconds(6));
        assertThat(limiter.take(key)).isZero();
        assertThat(limiter.take(RateLimiter.tokenKey("token-b"))).as("another caller").isZero();
    }

    @Test
    void takeWhenIdleLongThenNeverMoreThanTheBurst() {
        RateLimiter limiter = new RateLimiter(clock, HttpLimits.DEFAULTS.withRate(5, 3));
        String key = RateLimiter.addressKey("127.0.0.1");
        limiter.take(key);
        clock.advance(Duration.ofHours(1));

        for (int i = 0; i < 3; i++) {
            assertThat(limiter.take(key)).isZero();
        }
        assertThat(limiter.take(key)).isEqualTo(1);
    }

    @Test
    void tokenKeyWhenMadeThenHoldsNoPartOfTheToken() {
        String token = "secret-token-value-1234567890";

        assertThat(RateLimiter.tokenKey(token)).doesNotContain(token).doesNotContain("secret").hasSize(66)
                .isEqualTo(RateLimiter.tokenKey(token));
    }

    @Test
    void takeWhenMoreCallersThanTheTableHoldsThenRefilledBucketsAreDroppedAndEmptyOnesKept() {
        RateLimiter limiter = new RateLimiter(clock, HttpLimits.DEFAULTS.withRate(1, 2));
        String busy = RateLimiter.tokenKey("busy");
        for (int i = 0; i < RateLimiter.MAX_BUCKETS - 1; i++) {
            limiter.take("caller-" + i);
        }
        clock.advance(Duration.ofSeconds(1)); // every other caller's bucket is full again
        limiter.take(busy);
        limiter.take(busy);
        assertThat(limiter.size()).isEqualTo(RateLimiter.MAX_BUCKETS);

        assertThat(limiter.take("one-more")).isZero();

        assertThat(limiter.size()).isEqualTo(2);
        assertThat(limiter.take(busy)).as("the busy caller's empty bucket was kept").isEqualTo(1);
    }
}
