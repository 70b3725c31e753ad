package io.fleetgate.execution;

import io.fleetgate.error.ErrorCode;

import java.time.Instant;

/**
 * An event the library refused, kept so that nothing a phone sends is lost. Immutable.
 *
 * @param id          library-made UUID of this record
 * @param eventId     the client's event id, or {@code null} if it sent none
 * @param batchId     the batch it named, or {@code null}
 * @param workspaceId the batch's workspace when the batch is known, else {@code null}
 * @param senderId    who sent it
 * @param sessionId   the session it named, or {@code null}
 * @param content     what was sent, as canonical JSON
 * @param contentHash hex SHA-256 of {@code content}
 * @param errorCode   why it was refused
 * @param reason      the refusal's sentence
 * @param receivedAt  when the server received it
 */
public record QuarantinedEvent(
        String id,
        String eventId,
        String batchId,
        String workspaceId,
        String senderId,
        String sessionId,
        String content,
        String contentHash,
        ErrorCode errorCode,
        String reason,
        Instant receivedAt) {
}
