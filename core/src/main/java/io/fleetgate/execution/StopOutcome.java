package io.fleetgate.execution;

import io.fleetgate.error.FleetgateException;

/**
 * How a stop ended, as a driver's {@code DEPARTED_STOP} or {@code ROUTE_COMPLETED} carries it
 * ({@code payload.outcome}), or a supervisor records or corrects it. Immutable.
 *
 * @param status {@link StopStatus#COMPLETED}, {@link StopStatus#FAILED} or (supervisors only)
 *               {@link StopStatus#SKIPPED}
 * @param reason for FAILED and SKIPPED: a reason code ({@link io.fleetgate.StopSettings#failureReasons()}
 *               for FAILED); {@code null} for COMPLETED
 * @param note   free text, required with the reason code {@code OTHER}; at most
 *               {@value #MAX_NOTE_CHARS} characters, or {@code null}
 */
public record StopOutcome(StopStatus status, String reason, String note) {
    /** The longest note accepted. */
    public static final int MAX_NOTE_CHARS = 500;

    /**
     * Checks the components (the reason's membership in the configured list is checked by
     * {@link StopRules}).
     *
     * @param status COMPLETED, FAILED or SKIPPED
     * @param reason the reason code, or {@code null}
     * @param note   free text, or {@code null}
     */
    public StopOutcome {
        if (status == null || !status.hasOutcome()) {
            throw FleetgateException.invalid("outcome.status", "must be COMPLETED, FAILED or SKIPPED");
        }
        if (reason != null && (reason.isEmpty() || reason.length() > 64)) {
            throw FleetgateException.invalid("outcome.reason", "must be a code of 1 to 64 characters");
        }
        if (note != null && (note.isBlank() || note.length() > MAX_NOTE_CHARS || note.indexOf('\u0000') >= 0)) {
            throw FleetgateException.invalid("outcome.note", "must be 1 to " + MAX_NOTE_CHARS
                    + " characters without NUL");
        }
        if (status == StopStatus.COMPLETED && reason != null) {
            throw FleetgateException.invalid("outcome.reason", "is only for FAILED and SKIPPED");
        }
        if (status != StopStatus.COMPLETED && reason == null) {
            throw FleetgateException.invalid("outcome.reason", "is required for " + status);
        }
    }

    /** {@return a delivered outcome} */
    public static StopOutcome completed() {
        return new StopOutcome(StopStatus.COMPLETED, null, null);
    }

    /**
     * {@return a failed outcome}
     *
     * @param reason a configured reason code
     * @param note   free text, or {@code null} (required for {@code OTHER})
     */
    public static StopOutcome failed(String reason, String note) {
        return new StopOutcome(StopStatus.FAILED, reason, note);
    }
}
