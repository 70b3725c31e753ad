package io.fleetgate.execution;

import io.fleetgate.StopSettings;
import io.fleetgate.error.FleetgateException;
import io.fleetgate.error.ProofRequiredException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link StopRules}, exhaustively: every stop status × every move × the guard passing or not, read
 * from the table below, which is written out by hand (not computed from the rules). A cell is the
 * stop's status after the move, {@code removable} for a removal allowed, or the refusal: {@code
 * REFUSED} (the status does not accept the move: {@code INVALID_TRANSITION} through the pipeline),
 * {@code PROOF_REQUIRED} or {@code INVALID_REQUEST}.
 *
 * <p>The guard of each move: PROOF — the stop is under its proof cap; COMPLETE, LEAVE (no outcome
 * given) and SET_OUTCOME (COMPLETED) — the required signature was captured; FAIL — the reason code is
 * configured. ARRIVE, SKIP and REMOVE have none: both columns agree.
 */
class StopRulesTest {
    private static final String TABLE = """
            move          guard | PENDING         ARRIVED         COMPLETED       FAILED          SKIPPED
            ARRIVE        pass  | ARRIVED         ARRIVED         COMPLETED       FAILED          SKIPPED
            ARRIVE        fail  | ARRIVED         ARRIVED         COMPLETED       FAILED          SKIPPED
            PROOF         pass  | PENDING         ARRIVED         REFUSED         REFUSED         REFUSED
            PROOF         fail  | INVALID_REQUEST INVALID_REQUEST REFUSED         REFUSED         REFUSED
            COMPLETE      pass  | REFUSED         COMPLETED       REFUSED         REFUSED         REFUSED
            COMPLETE      fail  | REFUSED         PROOF_REQUIRED  REFUSED         REFUSED         REFUSED
            FAIL          pass  | REFUSED         FAILED          REFUSED         REFUSED         REFUSED
            FAIL          fail  | REFUSED         INVALID_REQUEST REFUSED         REFUSED         REFUSED
            LEAVE         pass  | REFUSED         COMPLETED       COMPLETED       FAILED          SKIPPED
            LEAVE         fail  | REFUSED         PROOF_REQUIRED  COMPLETED       FAILED          SKIPPED
            SKIP          pass  | SKIPPED         SKIPPED         REFUSED         REFUSED         REFUSED
            SKIP          fail  | SKIPPED         SKIPPED         REFUSED         REFUSED         REFUSED
            SET_OUTCOME   pass  | COMPLETED       COMPLETED       COMPLETED       COMPLETED       COMPLETED
            SET_OUTCOME   fail  | PROOF_REQUIRED  PROOF_REQUIRED  PROOF_REQUIRED  PROOF_REQUIRED  PROOF_REQUIRED
            REMOVE        pass  | removable       removable       INVALID_REQUEST INVALID_REQUEST INVALID_REQUEST
            REMOVE        fail  | removable       removable       INVALID_REQUEST INVALID_REQUEST INVALID_REQUEST
            """;

    private static final Instant AT = Instant.parse("2026-12-07T10:00:00Z");
    private static final String SIGNED = "a".repeat(64);
    private static final Stop STOP = Stop.of(30.27, -97.74, 100).withId("s1").requiring(ProofKind.SIGNATURE, 1)
            .withWindow(new TimeWindow(AT.plusSeconds(600), AT.plusSeconds(3600)));
    private static final StopRules RULES = new StopRules(StopSettings.defaults().withMaxProofsPerStop(2));
    /** Its cap is reached by the one signature a "fail" stop holds. */
    private static final StopRules FULL = new StopRules(StopSettings.defaults().withMaxProofsPerStop(1));

    /** One cell of the table. */
    record Cell(String move, boolean guardPasses, StopStatus status, String expected) {
        @Override
        public String toString() {
            return status + " " + move + " guard " + (guardPasses ? "passes" : "fails") + " → " + expected;
        }
    }

    static Stream<Cell> cells() {
        List<String> lines = TABLE.lines().toList();
        String[] header = lines.get(0).split("\\|")[1].trim().split("\\s+");
        List<Cell> out = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] left = line.split("\\|")[0].trim().split("\\s+");
            String[] right = line.split("\\|")[1].trim().split("\\s+");
            for (int i = 0; i < header.length; i++) {
                out.add(new Cell(left[0], left[1].equals("pass"), StopStatus.valueOf(header[i]), right[i]));
            }
        }
        return out.stream();
    }

    @Test
    void tableWhenReadThenCoversEveryStatusEveryMoveAndBothGuardOutcomesOnce() {
        List<Cell> all = cells().toList();
        assertThat(all).hasSize(StopStatus.values().length * StopRules.Move.values().length * 2);
        assertThat(all.stream().map(c -> c.move() + c.guardPasses() + c.status()).distinct()).hasSize(all.size());
        assertThat(all.stream().map(Cell::move).distinct())
                .containsExactlyInAnyOrderElementsOf(Stream.of(StopRules.Move.values()).map(Enum::name).toList());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cells")
    void moveWhenAppliedThenAsTheTableSays(Cell cell) {
        StopProgress before = progress(cell.status(), cell.guardPasses());
        String actual;
        try {
            actual = apply(cell, before);
        } catch (StopRules.Refused r) {
            assertThat(r.getMessage()).contains("stop s1").contains(cell.status().name());
            actual = "REFUSED";
        } catch (FleetgateException e) {
            actual = e.code().name();
            if (e instanceof ProofRequiredException p) {
                assertThat(p.missing()).containsExactly("SIGNATURE: 0 of 1");
                assertThat(p.stopId()).isEqualTo("s1");
            }
        }
        assertThat(actual).isEqualTo(cell.expected());
    }

    /** What the table's rows mean in calls. */
    private static String apply(Cell cell, StopProgress p) {
        boolean pass = cell.guardPasses();
        StopProgress after = switch (cell.move()) {
            case "ARRIVE" -> RULES.arrive(STOP, p, AT);
            case "PROOF" -> (pass ? RULES : FULL).proof(STOP, p, new Proof(ProofKind.PHOTO, "b".repeat(64), "photo/1"));
            case "COMPLETE" -> RULES.leave(STOP, p, StopOutcome.completed(), AT);
            case "FAIL" -> RULES.leave(STOP, p, StopOutcome.failed(pass ? "REFUSED" : "NOT_CONFIGURED", null), AT);
            case "LEAVE" -> RULES.leave(STOP, p, null, AT);
            case "SKIP" -> RULES.skip(STOP, p, PlanChange.SkipStop.REASON, AT);
            case "SET_OUTCOME" -> RULES.setOutcome(STOP, p, StopOutcome.completed(), AT);
            case "REMOVE" -> {
                RULES.requireRemovable(STOP, p);
                yield null;
            }
            default -> throw new IllegalArgumentException(cell.move());
        };
        if (after == null) {
            return "removable";
        }
        if (after.status() != p.status() || after.status().hasOutcome()) {
            assertThat(after.corrected()).as("corrected only when an outcome was replaced")
                    .isEqualTo(p.corrected() || (cell.move().equals("SET_OUTCOME") && p.status().hasOutcome()));
        }
        if (after.status().hasOutcome() && !p.status().hasOutcome()) {
            assertThat(after.outcomeAt()).isEqualTo(AT);
        }
        return after.status().name();
    }

    /** A stop in that status; when the guard should pass it holds the required signature. */
    private static StopProgress progress(StopStatus status, boolean guardPasses) {
        Map<ProofKind, List<String>> proofs = new HashMap<>();
        proofs.put(ProofKind.SIGNATURE, guardPasses ? List.of(SIGNED) : List.of());
        if (!guardPasses) {
            proofs.put(ProofKind.NOTE, List.of("c".repeat(64))); // at the FULL cap, and no signature
        }
        String reason = status == StopStatus.FAILED ? "REFUSED" : status == StopStatus.SKIPPED ? "X" : null;
        return new StopProgress(status, status == StopStatus.PENDING ? null : AT.minusSeconds(60), false,
                status.hasOutcome() ? AT.minusSeconds(30) : null, reason, null, proofs, false);
    }

    @Test
    void acceptedFromWhenReadThenTheStatusesTheTableDoesNotRefuse() {
        for (StopRules.Move move : StopRules.Move.values()) {
            Set<StopStatus> accepted = EnumSet.noneOf(StopStatus.class);
            cells().filter(c -> c.move().equals(move.name()) && c.guardPasses() && !c.expected().equals("REFUSED")
                    && !(move == StopRules.Move.REMOVE && c.expected().equals("INVALID_REQUEST")))
                    .forEach(c -> accepted.add(c.status()));
            if (move == StopRules.Move.LEAVE) {
                // a driver leaving without an outcome completes an ARRIVED stop (the COMPLETE row)
                accepted.remove(StopStatus.ARRIVED);
            }
            assertThat(StopRules.acceptedFrom(move)).as("%s", move).isEqualTo(accepted);
        }
    }

    @Test
    void arriveWhenBeforeTheWindowThenEarlyAndWhenAgainThenTheFirstArrivalKept() {
        StopProgress early = RULES.arrive(STOP, StopProgress.pending(), AT);
        assertThat(early.early()).isTrue();
        assertThat(early.arrivedAt()).isEqualTo(AT);
        assertThat(RULES.arrive(STOP, early, AT.plusSeconds(900))).isSameAs(early);
        assertThat(RULES.arrive(STOP, StopProgress.pending(), AT.plusSeconds(600)).early()).isFalse();
    }

    @Test
    void proofWhenSameHashTwiceThenCountedOnceAndAWrongCodeNotAtAll() {
        Stop coded = STOP.requiring(ProofKind.CODE, 1).withCodeHash("d".repeat(64));
        StopProgress one = RULES.proof(coded, StopProgress.pending(), new Proof(ProofKind.SIGNATURE, SIGNED, null));
        assertThat(RULES.proof(coded, one, new Proof(ProofKind.SIGNATURE, SIGNED, "again"))).isEqualTo(one);
        assertThat(RULES.proof(coded, one, new Proof(ProofKind.CODE, "e".repeat(64), null))).isEqualTo(one);
        StopProgress both = RULES.proof(coded, one, new Proof(ProofKind.CODE, "d".repeat(64), null));
        assertThat(both.missing(coded.proof())).isEmpty();
        assertThat(one.missing(coded.proof())).containsExactly("CODE: 0 of 1");
    }

    @Test
    void failWhenOtherThenANoteIsRequiredAndTheReasonListIsTheHosts() {
        StopProgress arrived = RULES.arrive(STOP, StopProgress.pending(), AT);
        assertThatThrownBy(() -> RULES.leave(STOP, arrived, StopOutcome.failed("OTHER", null), AT))
                .isInstanceOfSatisfying(FleetgateException.class, e -> assertThat(e.getMessage()).contains("note"));
        assertThat(RULES.leave(STOP, arrived, StopOutcome.failed("OTHER", "dog at the gate"), AT).note())
                .isEqualTo("dog at the gate");
        StopRules custom = new StopRules(StopSettings.defaults().withFailureReasons(Set.of("GATE_LOCKED")));
        assertThat(custom.leave(STOP, arrived, StopOutcome.failed("GATE_LOCKED", null), AT).reason())
                .isEqualTo("GATE_LOCKED");
        assertThatThrownBy(() -> custom.leave(STOP, arrived, StopOutcome.failed("REFUSED", null), AT))
                .isInstanceOfSatisfying(FleetgateException.class,
                        e -> assertThat(e.getMessage()).contains("GATE_LOCKED"));
    }
}
