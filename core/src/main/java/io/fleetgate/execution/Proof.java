package io.fleetgate.execution;

import io.fleetgate.error.FleetgateException;

/**
 * One item of proof of delivery, as a {@code PROOF_CAPTURED} event carries it ({@code payload.proof}).
 * The library keeps the hash and the host's reference, never the content. Immutable.
 *
 * @param kind the kind
 * @param hash lower-case hex SHA-256 of the content (for {@link ProofKind#CODE}: of the code)
 * @param ref  where the host stores the content (a URL or a key), 1 to 512 characters, or {@code null}
 */
public record Proof(ProofKind kind, String hash, String ref) {
    /**
     * Checks the components.
     *
     * @param kind the kind
     * @param hash lower-case hex SHA-256
     * @param ref  the host's reference, or {@code null}
     */
    public Proof {
        if (kind == null) {
            throw FleetgateException.invalid("proof.kind", "must be SIGNATURE, PHOTO, NOTE or CODE");
        }
        if (!EventEncoding.isSha256(hash)) {
            throw FleetgateException.invalid("proof.hash", "must be a lower-case hex SHA-256 (64 characters)");
        }
        if (ref != null && (ref.isEmpty() || ref.length() > 512 || ref.indexOf('\u0000') >= 0)) {
            throw FleetgateException.invalid("proof.ref", "must be 1 to 512 characters without NUL");
        }
    }
}
