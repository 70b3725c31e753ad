package io.fleetgate.execution;

/**
 * A kind of proof of delivery that a {@code PROOF_CAPTURED} event supplies. The library records a
 * content hash and the host's reference, never the content itself. Enum constants are immutable
 * and thread-safe.
 */
public enum ProofKind {
    /** The recipient's signature. */
    SIGNATURE,
    /** A photo of the delivery. */
    PHOTO,
    /** A written note. */
    NOTE,
    /**
     * A one-time code the recipient gives; its hash must match the stop's
     * {@link Stop#codeHash()} when the stop has one.
     */
    CODE
}
