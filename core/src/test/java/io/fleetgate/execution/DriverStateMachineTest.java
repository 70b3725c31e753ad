package io.fleetgate.execution;

import io.fleetgate.error.ErrorCode;
import io.fleetgate.error.InvalidTransitionException;
import io.fleetgate.execution.DriverStateMachine.Decision;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class DriverStateMachineTest {

    private static final DriverStateMachine MACHINE = DriverStateMachine.standard();

    /**
     * What every call without a target must answer, written out by hand from seed 004 (not derived
     * from the machine). A cell is the status moved to, or the kind of refusal:
     * {@code --} the event's "requires" rule, {@code xx} "not allowed from", {@code ##} the
     * SUSPENDED lock, {@code ??} an override without a target.
     */
    private static final String EXPECTED = """
                        LOGIN START ARRIVE DEPART DELAY RESUME COMPLETE CANCEL OVERRIDE PROOF
            INACTIVE    AC    ER    --     --     --    --     --       IN     ??       IN
            ACTIVE      --    ER    --     --     --    --     --       IN     ??       AC
            EN_ROUTE    --    --    AS     --     DL    --     CO       IN     ??       ER
            AT_STOP     --    --    --     ER     DL    --     CO       IN     ??       AS
            DELAYED     --    --    --     --     --    ER     CO       IN     ??       DL
            COMPLETED   --    --    --     --     --    --     --       xx     ??       CO
            SUSPENDED   ##    ##    ##     ##     ##    ##     ##       ##     ??       ##
            """;

    private static final Map<String, DriverEventType> COLUMNS = Map.of(
            "LOGIN", DriverEventType.DRIVER_LOGGED_IN,
            "START", DriverEventType.ROUTE_STARTED,
            "ARRIVE", DriverEventType.ARRIVED_AT_STOP,
            "DEPART", DriverEventType.DEPARTED_STOP,
            "DELAY", DriverEventType.DELAY_REPORTED,
            "RESUME", DriverEventType.ROUTE_RESUMED,
            "COMPLETE", DriverEventType.ROUTE_COMPLETED,
            "CANCEL", DriverEventType.ROUTE_CANCELLED,
            "OVERRIDE", DriverEventType.SUPERVISOR_OVERRIDE,
            "PROOF", DriverEventType.PROOF_CAPTURED);

    private static final Map<String, DriverStatus> CELLS = Map.of(
            "IN", DriverStatus.INACTIVE,
            "AC", DriverStatus.ACTIVE,
            "ER", DriverStatus.EN_ROUTE,
            "AS", DriverStatus.AT_STOP,
            "DL", DriverStatus.DELAYED,
            "CO", DriverStatus.COMPLETED,
            "SU", DriverStatus.SUSPENDED);

    /** The "requires" rows of seed 004's table, for the refusal sentences; also by hand. */
    private static final Map<DriverEventType, String> REQUIRES = Map.of(
            DriverEventType.DRIVER_LOGGED_IN, "INACTIVE",
            DriverEventType.ROUTE_STARTED, "INACTIVE or ACTIVE",
            DriverEventType.ARRIVED_AT_STOP, "EN_ROUTE",
            DriverEventType.DEPARTED_STOP, "AT_STOP",
            DriverEventType.DELAY_REPORTED, "EN_ROUTE or AT_STOP",
            DriverEventType.ROUTE_RESUMED, "DELAYED",
            DriverEventType.ROUTE_COMPLETED, "EN_ROUTE, AT_STOP or DELAYED");

    private static final Map<DriverStatus, Map<DriverEventType, String>> GRID = parse(EXPECTED);

    private static Map<DriverStatus, Map<DriverEventType, String>> parse(String grid) {
        List<String> lines = grid.lines().filter(l -> !l.isBlank()).toList();
        String[] header = lines.get(0).trim().split("\\s+");
        Map<DriverStatus, Map<DriverEventType, String>> rows = new EnumMap<>(DriverStatus.class);
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.trim().split("\\s+");
            assertThat(cells).as("row %s", line).hasSize(header.length + 1);
            Map<DriverEventType, String> row = new EnumMap<>(DriverEventType.class);
            for (int i = 0; i < header.length; i++) {
                row.put(COLUMNS.get(header[i]), cells[i + 1]);
            }
            rows.put(DriverStatus.valueOf(cells[0]), row);
        }
        return rows;
    }

    static Stream<Arguments> everyStatusAndEvent() {
        return Arrays.stream(DriverStatus.values()).flatMap(status ->
                Arrays.stream(DriverEventType.values()).map(event -> Arguments.of(status, event)));
    }

    static Stream<Arguments> everyStatusAndTarget() {
        return Arrays.stream(DriverStatus.values()).flatMap(status ->
                Arrays.stream(DriverStatus.values()).map(target -> Arguments.of(status, target)));
    }

    @Test
    void expectedTableWhenParsedThenCoversEveryStatusAndEvent() {
        assertThat(GRID.keySet()).containsExactly(DriverStatus.values());
        GRID.forEach((status, row) -> assertThat(row.keySet()).as("row %s", status)
                .containsExactly(DriverEventType.values()));
    }

    @ParameterizedTest(name = "{0} + {1}")
    @MethodSource("everyStatusAndEvent")
    void decideWhenAnyStatusAndEventWithoutTargetThenMatchesExpectedTable(DriverStatus status, DriverEventType event) {
        String cell = GRID.get(status).get(event);

        Decision decision = MACHINE.decide(status, event, null);

        assertThat(decision.from()).isEqualTo(status);
        assertThat(decision.event()).isEqualTo(event);
        if (CELLS.containsKey(cell)) {
            assertThat(decision.allowed()).as("%s + %s allowed", status, event).isTrue();
            assertThat(decision.to()).isEqualTo(CELLS.get(cell));
            assertThat(decision.refusal()).isNull();
            return;
        }
        assertThat(decision.allowed()).as("%s + %s allowed", status, event).isFalse();
        assertThat(decision.to()).isNull();
        String expected = switch (cell) {
            case "--" -> event + " requires " + REQUIRES.get(event) + ", not " + status;
            case "xx" -> event + " is not allowed from " + status;
            case "##" -> "from SUSPENDED only SUPERVISOR_OVERRIDE is accepted";
            case "??" -> "SUPERVISOR_OVERRIDE needs a target status";
            default -> throw new AssertionError("unknown cell " + cell);
        };
        assertThat(decision.refusal()).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("everyStatusAndTarget")
    void decideWhenOverrideWithTargetThenAllowedToTarget(DriverStatus status, DriverStatus target) {
        Decision decision = MACHINE.decide(status, DriverEventType.SUPERVISOR_OVERRIDE, target);

        assertThat(decision.allowed()).isTrue();
        assertThat(decision.from()).isEqualTo(status);
        assertThat(decision.event()).isEqualTo(DriverEventType.SUPERVISOR_OVERRIDE);
        assertThat(decision.to()).isEqualTo(target);
        assertThat(decision.refusal()).isNull();
    }

    @ParameterizedTest
    @EnumSource(DriverStatus.class)
    void decideWhenOverrideWithoutTargetThenRefusedNamingRule(DriverStatus status) {
        Decision decision = MACHINE.decide(status, DriverEventType.SUPERVISOR_OVERRIDE, null);

        assertThat(decision.allowed()).isFalse();
        assertThat(decision.to()).isNull();
        assertThat(decision.refusal()).isEqualTo("SUPERVISOR_OVERRIDE needs a target status");
    }

    @ParameterizedTest
    @EnumSource(value = DriverEventType.class, names = "SUPERVISOR_OVERRIDE", mode = EnumSource.Mode.EXCLUDE)
    void decideWhenTargetGivenWithNonOverrideEventThenRefusedNamingRule(DriverEventType event) {
        for (DriverStatus status : DriverStatus.values()) {
            for (DriverStatus target : DriverStatus.values()) {
                Decision decision = MACHINE.decide(status, event, target);

                assertThat(decision.allowed()).as("%s + %s -> %s", status, event, target).isFalse();
                assertThat(decision.from()).isEqualTo(status);
                assertThat(decision.event()).isEqualTo(event);
                assertThat(decision.to()).isNull();
                assertThat(decision.refusal())
                        .isEqualTo(event + " takes no target status; only SUPERVISOR_OVERRIDE does");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = DriverEventType.class, names = "SUPERVISOR_OVERRIDE", mode = EnumSource.Mode.EXCLUDE)
    void decideWhenSuspendedAndNonOverrideEventThenRefusedNamingLock(DriverEventType event) {
        Decision decision = MACHINE.decide(DriverStatus.SUSPENDED, event, null);

        assertThat(decision.allowed()).isFalse();
        assertThat(decision.refusal()).isEqualTo("from SUSPENDED only SUPERVISOR_OVERRIDE is accepted");
    }

    @Test
    void decideWhenSuspendedAndCancelOrProofThenRefused() {
        assertThat(MACHINE.decide(DriverStatus.SUSPENDED, DriverEventType.ROUTE_CANCELLED, null).allowed()).isFalse();
        assertThat(MACHINE.decide(DriverStatus.SUSPENDED, DriverEventType.PROOF_CAPTURED, null).allowed()).isFalse();
        assertThat(MACHINE.decide(DriverStatus.SUSPENDED, DriverEventType.SUPERVISOR_OVERRIDE, DriverStatus.EN_ROUTE)
                .to()).isEqualTo(DriverStatus.EN_ROUTE);
    }

    @Test
    void decideWhenRouteStartedFromInactiveThenEnRoute() {
        Decision decision = MACHINE.decide(DriverStatus.INACTIVE, DriverEventType.ROUTE_STARTED, null);

        assertThat(decision.allowed()).isTrue();
        assertThat(decision.to()).isEqualTo(DriverStatus.EN_ROUTE);
        assertThat(decision).hasToString("INACTIVE --ROUTE_STARTED--> EN_ROUTE");
    }

    @Test
    void decideWhenArrivedFromInactiveThenRefusedNamingRule() {
        Decision decision = MACHINE.decide(DriverStatus.INACTIVE, DriverEventType.ARRIVED_AT_STOP, null);

        assertThat(decision.allowed()).isFalse();
        assertThat(decision.to()).isNull();
        assertThat(decision.refusal()).isEqualTo("ARRIVED_AT_STOP requires EN_ROUTE, not INACTIVE");
    }

    @Test
    void decideWhenCancelledFromCompletedThenRefusedNamingRule() {
        assertThat(MACHINE.decide(DriverStatus.COMPLETED, DriverEventType.ROUTE_CANCELLED, null).refusal())
                .isEqualTo("ROUTE_CANCELLED is not allowed from COMPLETED");
    }

    @Test
    void decideWhenSameInputsThenSameInstance() {
        for (DriverStatus status : DriverStatus.values()) {
            for (DriverEventType event : DriverEventType.values()) {
                assertThat(MACHINE.decide(status, event, null)).isSameAs(MACHINE.decide(status, event, null));
                for (DriverStatus target : DriverStatus.values()) {
                    assertThat(MACHINE.decide(status, event, target)).isSameAs(MACHINE.decide(status, event, target));
                }
            }
        }
        assertThat(DriverStateMachine.standard()).isSameAs(MACHINE);
    }

    @Test
    void decideWhenCalledAMillionTimesThenAllocatesNothing() {
        LongSupplier allocatedBytes = allocatedBytesOfThisThread();
        assertThat(allocatedBytes).as("this JVM must count allocated bytes per thread (HotSpot does)").isNotNull();
        DriverStatus[] statuses = DriverStatus.values();
        DriverEventType[] events = DriverEventType.values();
        int calls = 1_000_000;
        int allowed = run(statuses, events, calls); // warm up, and load everything decide touches

        long before = allocatedBytes.getAsLong();
        allowed += run(statuses, events, calls);
        long allocated = allocatedBytes.getAsLong() - before;

        // Any per-call allocation would be at least 16 bytes a call, i.e. 16 MB here.
        assertThat(allocated).as("bytes allocated by %d decide calls", calls).isLessThan(calls / 10);
        assertThat(allowed).isPositive();
    }

    /**
     * HotSpot's per-thread allocation counter, or {@code null}. Reflective because the test sources
     * are compiled into core's module, which does not read {@code jdk.management}.
     */
    private static LongSupplier allocatedBytesOfThisThread() {
        try {
            Object bean = Class.forName("java.lang.management.ManagementFactory")
                    .getMethod("getThreadMXBean").invoke(null);
            Class<?> hotspot = Class.forName("com.sun.management.ThreadMXBean");
            if (!hotspot.isInstance(bean)
                    || !(Boolean) hotspot.getMethod("isThreadAllocatedMemoryEnabled").invoke(bean)) {
                return null;
            }
            Method current = hotspot.getMethod("getCurrentThreadAllocatedBytes");
            LongSupplier supplier = () -> {
                try {
                    return (Long) current.invoke(bean);
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(e);
                }
            };
            return supplier.getAsLong() >= 0 ? supplier : null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    private static int run(DriverStatus[] statuses, DriverEventType[] events, int calls) {
        int allowed = 0;
        for (int i = 0; i < calls; i++) {
            DriverStatus target = i % 3 == 0 ? statuses[i % statuses.length] : null;
            if (MACHINE.decide(statuses[i % statuses.length], events[i % events.length], target).allowed()) {
                allowed++;
            }
        }
        return allowed;
    }

    @Test
    void requireWhenRefusedThenThrowsWithCodeAndDetails() {
        InvalidTransitionException e = catchThrowableOfType(InvalidTransitionException.class,
                () -> MACHINE.require(DriverStatus.INACTIVE, DriverEventType.ARRIVED_AT_STOP, null));

        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_TRANSITION);
        assertThat(e).hasMessage("ARRIVED_AT_STOP requires EN_ROUTE, not INACTIVE");
        assertThat(e.details()).containsExactly(
                Map.entry("from", "INACTIVE"), Map.entry("event_type", "ARRIVED_AT_STOP"));
        assertThat(e.from()).isEqualTo(DriverStatus.INACTIVE);
        assertThat(e.eventType()).contains(DriverEventType.ARRIVED_AT_STOP);
        assertThat(e.action()).isEqualTo("ARRIVED_AT_STOP");
    }

    @Test
    void requireWhenAllowedThenReturnsTheDecision() {
        Decision decision = MACHINE.require(DriverStatus.EN_ROUTE, DriverEventType.ARRIVED_AT_STOP, null);

        assertThat(decision).isSameAs(MACHINE.decide(DriverStatus.EN_ROUTE, DriverEventType.ARRIVED_AT_STOP, null));
        assertThat(decision.to()).isEqualTo(DriverStatus.AT_STOP);
    }

    @Test
    void exceptionWhenGivenAnAllowedDecisionThenRejected() {
        Decision allowed = MACHINE.decide(DriverStatus.INACTIVE, DriverEventType.ROUTE_STARTED, null);

        assertThatThrownBy(() -> new InvalidTransitionException(allowed)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void decideWhenStatusOrEventNullThenNullPointerNamingIt() {
        assertThatThrownBy(() -> MACHINE.decide(null, DriverEventType.ROUTE_STARTED, null))
                .isInstanceOf(NullPointerException.class).hasMessage("current");
        assertThatThrownBy(() -> MACHINE.decide(DriverStatus.INACTIVE, null, null))
                .isInstanceOf(NullPointerException.class).hasMessage("event");
    }

    @ParameterizedTest
    @EnumSource(DriverEventType.class)
    void allowedFromAndTargetWhenReadThenAgreeWithDecide(DriverEventType event) {
        DriverStatus anyTarget = event == DriverEventType.SUPERVISOR_OVERRIDE ? DriverStatus.ACTIVE : null;
        Set<DriverStatus> accepted = EnumSet.noneOf(DriverStatus.class);
        Set<DriverStatus> targets = EnumSet.noneOf(DriverStatus.class);
        for (DriverStatus status : DriverStatus.values()) {
            Decision decision = MACHINE.decide(status, event, anyTarget);
            if (decision.allowed()) {
                accepted.add(status);
                targets.add(decision.to());
            }
        }

        assertThat(MACHINE.allowedFrom(event)).containsExactlyElementsOf(accepted);
        switch (event) {
            case SUPERVISOR_OVERRIDE, PROOF_CAPTURED -> assertThat(MACHINE.target(event)).isEmpty();
            default -> {
                assertThat(targets).hasSize(1);
                assertThat(MACHINE.target(event)).hasValue(targets.iterator().next());
            }
        }
        assertThatThrownBy(() -> MACHINE.allowedFrom(event).clear())
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void allowedFromWhenSeedRowsThenAsWrittenThere() {
        assertThat(MACHINE.allowedFrom(DriverEventType.ROUTE_STARTED))
                .containsExactly(DriverStatus.INACTIVE, DriverStatus.ACTIVE);
        assertThat(MACHINE.allowedFrom(DriverEventType.ROUTE_CANCELLED)).containsExactly(DriverStatus.INACTIVE,
                DriverStatus.ACTIVE, DriverStatus.EN_ROUTE, DriverStatus.AT_STOP, DriverStatus.DELAYED);
        assertThat(MACHINE.allowedFrom(DriverEventType.SUPERVISOR_OVERRIDE)).containsExactly(DriverStatus.values());
        assertThat(MACHINE.allowedFrom(DriverEventType.PROOF_CAPTURED))
                .doesNotContain(DriverStatus.SUSPENDED).hasSize(6);
    }

    @Test
    void onRouteWhenEachStatusThenTrueOnlyBetweenStartAndFinish() {
        assertThat(EnumSet.allOf(DriverStatus.class).stream().filter(DriverStatus::onRoute))
                .containsExactly(DriverStatus.EN_ROUTE, DriverStatus.AT_STOP, DriverStatus.DELAYED);
    }

    /**
     * 200 random event sequences from INACTIVE: an accepted event moves to exactly
     * {@code decision.to()}, which the expected table (or the override's target) predicts; a refused
     * one changes nothing.
     */
    @Test
    void decideWhenRandomEventSequencesThenWalkFollowsTheTable() {
        long seed = 20260130L;
        Random random = new Random(seed);
        DriverStatus[] statuses = DriverStatus.values();
        DriverEventType[] events = DriverEventType.values();
        Set<DriverStatus> targets = EnumSet.of(DriverStatus.INACTIVE); // where a walk starts
        GRID.values().forEach(row -> row.values().stream()
                .filter(CELLS::containsKey).map(CELLS::get).forEach(targets::add));
        Set<DriverStatus> seen = EnumSet.noneOf(DriverStatus.class);
        int accepted = 0;
        int refused = 0;

        for (int sequence = 0; sequence < 200; sequence++) {
            int length = 1 + random.nextInt(30);
            DriverStatus status = DriverStatus.INACTIVE;
            List<String> steps = new ArrayList<>();
            for (int step = 0; step < length; step++) {
                DriverEventType event = events[random.nextInt(events.length)];
                // overrides usually carry a target, other events rarely (both are refused when wrong)
                boolean withTarget = event == DriverEventType.SUPERVISOR_OVERRIDE
                        ? random.nextInt(5) != 0 : random.nextInt(20) == 0;
                DriverStatus target = withTarget ? statuses[random.nextInt(statuses.length)] : null;
                Decision decision = MACHINE.decide(status, event, target);
                steps.add(decision.toString());
                String where = String.format("seed %d, sequence %d, step %d: %s", seed, sequence, step, steps);

                assertThat(decision.from()).as(where).isEqualTo(status);
                boolean expectAllowed = target != null
                        ? event == DriverEventType.SUPERVISOR_OVERRIDE
                        : CELLS.containsKey(GRID.get(status).get(event));
                assertThat(decision.allowed()).as(where).isEqualTo(expectAllowed);
                if (decision.allowed()) {
                    accepted++;
                    DriverStatus expected = target != null ? target : CELLS.get(GRID.get(status).get(event));
                    assertThat(decision.to()).as(where).isEqualTo(expected);
                    if (event != DriverEventType.SUPERVISOR_OVERRIDE) {
                        assertThat(targets).as(where).contains(decision.to());
                    }
                    status = decision.to();
                } else {
                    refused++;
                    assertThat(decision.to()).as(where).isNull();
                    assertThat(decision.refusal()).as(where).isNotBlank();
                    // a refused event changes nothing: the status stays as it was
                }
                seen.add(status);
            }
        }

        assertThat(accepted).as("seed %d: accepted events", seed).isPositive();
        assertThat(refused).as("seed %d: refused events", seed).isPositive();
        assertThat(seen).as("seed %d: statuses reached", seed).containsExactlyInAnyOrder(statuses);
    }
}
