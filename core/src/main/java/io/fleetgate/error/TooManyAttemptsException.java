package io.fleetgate.error;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * {@link ErrorCode#TOO_MANY_ATTEMPTS}: a login refused before its PIN was checked, and nothing
 * written. Details {@code retry_after_s} and {@code reason} ({@link Reason}, lower case).
 * Immutable.
 */
public final class TooManyAttemptsException extends FleetgateException {
    private static final long serialVersionUID = 1L;

    /** Why the login was refused. */
    public enum Reason {
        /** {@code LOGIN_MAX_ATTEMPTS} wrong PINs for the name within the window: the name is locked. */
        USERNAME_LOCKED,
        /** {@code LOGIN_SOURCE_MAX_ATTEMPTS} wrong PINs from the source: the source is locked. */
        SOURCE_LOCKED,
        /** Every PIN-hashing slot is taken and the queue is full: retry in a second. */
        LOGIN_BUSY;

        /** {@return the name as the {@code reason} detail gives it, e.g. {@code username_locked}} */
        public String detail() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Why. */
    private final Reason reason;
    /** Until a retry may succeed. */
    private final Duration retryAfter;

    /**
     * Creates the refusal.
     *
     * @param reason     why
     * @param retryAfter how long until a retry may succeed, at least a second
     * @param message    a human sentence
     */
    public TooManyAttemptsException(Reason reason, Duration retryAfter, String message) {
        super(ErrorCode.TOO_MANY_ATTEMPTS, message,
                Map.of("retry_after_s", Math.max(1, retryAfter.toSeconds()), "reason", reason.detail()), null);
        this.reason = reason;
        this.retryAfter = Duration.ofSeconds(Math.max(1, retryAfter.toSeconds()));
    }

    /** {@return why the login was refused} */
    public Reason reason() {
        return reason;
    }

    /** {@return how long until a retry may succeed, whole seconds, at least one} */
    public Duration retryAfter() {
        return retryAfter;
    }
}
