package io.fleetgate.error;

import java.util.Map;

/**
 * {@link ErrorCode#NOT_FOUND}: the thing does not exist, or the caller may not know that it does
 * (another workspace's batch answers exactly like an unknown one). The message names it; no
 * details, so that the answer is the same either way. Immutable.
 */
public final class NotFoundException extends FleetgateException {
    private static final long serialVersionUID = 1L;

    /** What was looked for. */
    private final String what;
    /** The id the caller gave. */
    private final String id;

    /**
     * Creates the refusal.
     *
     * @param what a short noun, e.g. "charger"
     * @param id   the id the caller gave
     */
    public NotFoundException(String what, String id) {
        super(ErrorCode.NOT_FOUND, what + " " + id + " not found", Map.of(), null);
        this.what = what;
        this.id = id;
    }

    /** {@return what was looked for, e.g. "batch"} */
    public String what() {
        return what;
    }

    /** {@return the id the caller gave} */
    public String id() {
        return id;
    }
}
