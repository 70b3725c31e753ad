package io.fleetgate.execution;

/**
 * Where one stop of a batch stands: {@code PENDING → ARRIVED → COMPLETED | FAILED}, or
 * {@code SKIPPED} by a supervisor. {@link StopRules} decides the moves. Enum constants are
 * immutable and thread-safe.
 */
public enum StopStatus {
    /** Not reached yet. */
    PENDING,
    /** The driver arrived; no outcome yet. */
    ARRIVED,
    /** Delivered, with the proof the stop requires. An outcome. */
    COMPLETED,
    /** Not delivered, with a reason code. An outcome. */
    FAILED,
    /** Taken off the driver's work by a supervisor, with a reason. An outcome. */
    SKIPPED;

    /** {@return whether the stop has an outcome (COMPLETED, FAILED or SKIPPED); outcomes are immutable} */
    public boolean hasOutcome() {
        return this == COMPLETED || this == FAILED || this == SKIPPED;
    }
}
