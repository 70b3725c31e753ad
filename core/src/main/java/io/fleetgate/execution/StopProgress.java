package io.fleetgate.execution;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Where one stop stands: its status, when the driver arrived (and whether before its window), its
 * outcome and the proof collected for it. Changed only by {@link StopRules}. Immutable.
 *
 * @param status    the stop's status
 * @param arrivedAt {@code recorded_at} of the first arrival, or {@code null}
 * @param early     whether that arrival was before the window's {@code earliest}
 * @param outcomeAt {@code recorded_at} of the event that gave the outcome, or {@code null}
 * @param reason    the outcome's reason code (FAILED, SKIPPED), or {@code null}
 * @param note      the outcome's note, or {@code null}
 * @param proofs    content hashes of the proof collected, by kind, in arrival order, each once
 * @param corrected whether a supervisor changed an outcome recorded before (the original stays in
 *                  the log)
 */
public record StopProgress(StopStatus status, Instant arrivedAt, boolean early, Instant outcomeAt, String reason,
                           String note, Map<ProofKind, List<String>> proofs, boolean corrected) {
    private static final StopProgress PENDING = new StopProgress(StopStatus.PENDING, null, false, null, null, null,
            Map.of(), false);

    /**
     * Normalises the components.
     *
     * @param status    the stop's status
     * @param arrivedAt when the driver first arrived, or {@code null}
     * @param early     whether that was before the window
     * @param outcomeAt when the outcome was given, or {@code null}
     * @param reason    the outcome's reason code, or {@code null}
     * @param note      the outcome's note, or {@code null}
     * @param proofs    proof hashes by kind
     * @param corrected whether an outcome was corrected
     */
    public StopProgress {
        java.util.Objects.requireNonNull(status, "status");
        EnumMap<ProofKind, List<String>> copy = new EnumMap<>(ProofKind.class);
        if (proofs != null) {
            proofs.forEach((k, v) -> {
                if (!v.isEmpty()) {
                    copy.put(k, List.copyOf(v));
                }
            });
        }
        proofs = java.util.Collections.unmodifiableMap(copy);
    }

    /** {@return a stop not reached yet} */
    public static StopProgress pending() {
        return PENDING;
    }

    /**
     * {@return how many distinct items of that kind were collected}
     *
     * @param kind a proof kind
     */
    public int proofCount(ProofKind kind) {
        return proofs.getOrDefault(kind, List.of()).size();
    }

    /** {@return how many items of every kind were collected} */
    public int proofTotal() {
        return proofs.values().stream().mapToInt(List::size).sum();
    }

    /**
     * {@return what of {@code required} is still missing, e.g. {@code ["PHOTO: 1 of 2"]}; empty when
     * satisfied}
     *
     * @param required a stop's requirements
     */
    public List<String> missing(List<ProofRequirement> required) {
        List<String> out = new ArrayList<>();
        for (ProofRequirement r : required) {
            int have = proofCount(r.kind());
            if (have < r.minCount()) {
                out.add(r.kind() + ": " + have + " of " + r.minCount());
            }
        }
        return out;
    }

    /**
     * {@return how late the stop is at {@code now}: for a stop without an outcome, how far {@code now}
     * is past the window's {@code latest}; for one with an outcome, how far its outcome was past it;
     * {@link Duration#ZERO} when not late or without a window}
     *
     * @param window the stop's window, or {@code null}
     * @param now    the instant asked about
     */
    public Duration lateness(TimeWindow window, Instant now) {
        if (window == null || window.latest() == null) {
            return Duration.ZERO;
        }
        Instant at = status.hasOutcome() ? (outcomeAt == null ? window.latest() : outcomeAt) : now;
        return at.isAfter(window.latest()) ? Duration.between(window.latest(), at) : Duration.ZERO;
    }

    /**
     * {@return whether the stop's window has passed without an outcome}
     *
     * @param window the stop's window, or {@code null}
     * @param now    the instant asked about
     */
    public boolean late(TimeWindow window, Instant now) {
        return !status.hasOutcome() && window != null && window.after(now);
    }
}
