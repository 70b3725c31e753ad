package io.fleetgate.execution;

import io.fleetgate.error.FleetgateException;

/**
 * What a stop requires before it may be completed: at least {@code minCount} distinct proof items
 * of one kind. Immutable.
 *
 * @param kind     the proof kind
 * @param minCount how many distinct items (by content hash), 1 to 100
 */
public record ProofRequirement(ProofKind kind, int minCount) {
    /**
     * Checks the components.
     *
     * @param kind     the proof kind
     * @param minCount how many distinct items, 1 to 100
     */
    public ProofRequirement {
        if (kind == null) {
            throw FleetgateException.invalid("stops.proof.kind", "is required: SIGNATURE, PHOTO, NOTE or CODE");
        }
        if (minCount < 1 || minCount > 100) {
            throw FleetgateException.invalid("stops.proof.min_count", "must be 1 to 100");
        }
    }

    /**
     * {@return one item of that kind}
     *
     * @param kind the proof kind
     */
    public static ProofRequirement of(ProofKind kind) {
        return new ProofRequirement(kind, 1);
    }

    /** {@return the requirement as JSON-like values: {@code {"kind", "min_count"}}, in that order} */
    public java.util.Map<String, Object> toJson() {
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("kind", kind.name());
        m.put("min_count", minCount);
        return m;
    }
}
