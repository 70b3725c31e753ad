package io.fleetgate.error;

import java.util.List;
import java.util.Map;

/**
 * {@link ErrorCode#PROOF_REQUIRED}: a stop's completion refused because the proof its requirement
 * lists has not been captured. Details {@code stop_id} and {@code missing} (e.g.
 * {@code ["SIGNATURE: 0 of 1"]}). Immutable.
 */
public final class ProofRequiredException extends FleetgateException {
    private static final long serialVersionUID = 1L;

    /** The stop whose completion was refused. */
    private final String stopId;
    /** What is missing, one entry per proof kind short of its count. */
    private final transient List<String> missing;

    /**
     * Creates the refusal.
     *
     * @param stopId  the stop
     * @param missing what is missing, one entry per proof kind short of its count
     */
    public ProofRequiredException(String stopId, List<String> missing) {
        super(ErrorCode.PROOF_REQUIRED, "stop " + stopId + " cannot be completed without its proof; missing "
                + String.join(", ", missing), Map.of("stop_id", stopId, "missing", List.copyOf(missing)), null);
        this.stopId = stopId;
        this.missing = List.copyOf(missing);
    }

    /** {@return the stop} */
    public String stopId() {
        return stopId;
    }

    /** {@return what is missing, e.g. {@code "PHOTO: 1 of 2"}} */
    public List<String> missing() {
        return missing;
    }
}
