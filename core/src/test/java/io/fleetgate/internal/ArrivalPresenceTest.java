package io.fleetgate.internal;

import io.fleetgate.PositionSettings;
import io.fleetgate.execution.Stop;
import io.fleetgate.geo.Coordinate;
import io.fleetgate.position.Fix;
import io.fleetgate.position.FixMark;
import io.fleetgate.position.RecordedFix;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The presence rule on its own: counts, dwell with hysteresis, the window, marks, and monotony. */
class ArrivalPresenceTest {
    private static final Instant T = Instant.parse("2026-12-07T10:00:00Z");
    /** A 100 m circle; 0.0009° of latitude is about 100 m. */
    private static final Stop STOP = Stop.of(30.27, -97.74, 100).withId("s");
    private static final PositionSettings RULES = PositionSettings.defaults();

    private static RecordedFix at(long seconds, double metresNorth, double accuracy, FixMark... marks) {
        Fix f = Fix.of(T.plusSeconds(seconds), 30.27 + metresNorth / 111_195.0, -97.74, accuracy);
        return new RecordedFix("d", "w", "b", f, Set.of(marks), T);
    }

    private static ArrivalPresence.Verdict judge(RecordedFix... fixes) {
        List<RecordedFix> sorted = new ArrayList<>(List.of(fixes));
        sorted.sort(Comparator.comparing(RecordedFix::recordedAt));
        return ArrivalPresence.judge(STOP, T, sorted, RULES);
    }

    @Test
    void judgeWhenTwoFixesWhollyInsideThenConfirmedByCount() {
        assertThat(judge(at(-5, 0, 5), at(5, 50, 20))).isEqualTo(new ArrivalPresence.Verdict(true, 2, Duration.ofSeconds(10)));
    }

    @Test
    void judgeWhenAccuracyCirclePokesOutThenTheFixDoesNotCount() {
        // 90 m out with 15 m accuracy reaches 105 m: not wholly inside
        assertThat(judge(at(0, 90, 15), at(10, 90, 15)).insideFixes()).isZero();
        assertThat(judge(at(0, 85, 10), at(10, 85, 10)).confirmed()).isTrue();
    }

    @Test
    void judgeWhenOneFixInsideThenAStayUntilBeyondTheExitFenceCounts() {
        // inside at 0 s; 120 m out (beyond 100, within the 125 m exit fence) at 40 s: a 40 s stay
        ArrivalPresence.Verdict stay = judge(at(0, 0, 5), at(40, 120, 0));
        assertThat(stay).isEqualTo(new ArrivalPresence.Verdict(true, 1, Duration.ofSeconds(40)));
        // 130 m out is gone: the stay is the one fix
        assertThat(judge(at(0, 0, 5), at(40, 130, 0))).isEqualTo(new ArrivalPresence.Verdict(false, 1, Duration.ZERO));
        // a stay must start inside: fixes only at the edge are no presence
        assertThat(judge(at(0, 110, 0), at(40, 120, 0)).dwell()).isZero();
    }

    @Test
    void judgeWhenFixesOutsideTheWindowOrMarkedThenIgnored() {
        assertThat(judge(at(-301, 0, 5), at(301, 0, 5)).insideFixes()).isZero();
        assertThat(judge(at(-300, 0, 5), at(300, 0, 5)).insideFixes()).isEqualTo(2);
        assertThat(judge(at(0, 0, 5, FixMark.FUTURE), at(5, 0, 5, FixMark.ACCURACY)).insideFixes()).isZero();
    }

    @Test
    void judgeWhenConfirmationIsOffThenEveryArrivalIsConfirmed() {
        PositionSettings off = RULES.withConfirmation(0, RULES.confirmDwell());
        assertThat(ArrivalPresence.judge(STOP, T, List.of(), off).confirmed()).isTrue();
    }

    /** A late fix can confirm an arrival, never un-confirm it: the verdict only grows with the set. */
    @Test
    void judgeWhenFixesAreAddedInAnyOrderThenAConfirmationIsNeverLost() {
        Random random = new Random(4);
        for (int round = 0; round < 2000; round++) {
            List<RecordedFix> all = new ArrayList<>();
            int n = 1 + random.nextInt(8);
            for (int i = 0; i < n; i++) {
                all.add(at(random.nextInt(700) - 350, random.nextInt(180), random.nextInt(40),
                        random.nextInt(6) == 0 ? new FixMark[] {FixMark.ACCURACY} : new FixMark[0]));
            }
            boolean confirmed = false;
            int inside = 0;
            Duration dwell = Duration.ZERO;
            List<RecordedFix> seen = new ArrayList<>();
            for (RecordedFix f : all) {
                seen.add(f);
                seen.sort(Comparator.comparing(RecordedFix::recordedAt));
                ArrivalPresence.Verdict v = ArrivalPresence.judge(STOP, T, seen, RULES);
                assertThat(v.confirmed() || !confirmed).as("round %d: %s", round, seen).isTrue();
                assertThat(v.insideFixes()).isGreaterThanOrEqualTo(inside);
                assertThat(v.dwell()).isGreaterThanOrEqualTo(dwell);
                confirmed = v.confirmed();
                inside = v.insideFixes();
                dwell = v.dwell();
            }
        }
    }
}
