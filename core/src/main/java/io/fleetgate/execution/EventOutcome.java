package io.fleetgate.execution;

import io.fleetgate.error.ErrorCode;

import java.util.List;

/**
 * What became of one event sent for recording. Immutable.
 *
 * @param eventId          the client's event id (as sent, possibly {@code null})
 * @param result           accepted, duplicate or rejected
 * @param status           the batch's status after the event (ACCEPTED, DUPLICATE), else {@code null}
 * @param flaggedForReview whether the accepted event was flagged
 * @param flagReasons      why it was flagged
 * @param error            the refusal's code (REJECTED), else {@code null}
 * @param message          the refusal's sentence (REJECTED), else {@code null}
 */
public record EventOutcome(String eventId, Result result, DriverStatus status, boolean flaggedForReview,
                           List<String> flagReasons, ErrorCode error, String message) {

    /** The three outcomes. */
    public enum Result {
        /** Appended to the log; the batch moved. */
        ACCEPTED,
        /** Already in the log with the same content; nothing changed. */
        DUPLICATE,
        /** Refused and kept in quarantine; nothing else changed. */
        REJECTED
    }
    /**
     * Checks and normalises the components.
     *
     * @param eventId the client's event id (as sent, possibly {@code null})
     * @param result accepted, duplicate or rejected
     * @param status the batch's status after the event (ACCEPTED, DUPLICATE), else {@code null}
     * @param flaggedForReview whether the accepted event was flagged
     * @param flagReasons why it was flagged
     * @param error the refusal's code (REJECTED), else {@code null}
     * @param message the refusal's sentence (REJECTED), else {@code null}
     */
    public EventOutcome {
        flagReasons = List.copyOf(flagReasons);
    }
}
