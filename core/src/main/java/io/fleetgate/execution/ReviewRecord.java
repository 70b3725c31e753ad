package io.fleetgate.execution;

import java.time.Instant;
import java.util.Objects;

/**
 * A supervisor's review of a queue item: an append-only record; the item itself never changes.
 * An item is named by its kind, its id and, for a flagged event, its sender: event ids are chosen
 * by phones and unique only per sender, so two drivers' events may share an id, and reviewing one
 * must neither close nor hide the other. Immutable.
 *
 * @param id           library-made UUID
 * @param workspaceId  the workspace
 * @param itemId       the reviewed item ({@link ReviewItem#id()})
 * @param itemKind     what the item is
 * @param itemSenderId the sender of a flagged event ({@link DriverEvent#actorId()}); {@code null}
 *                     for the other kinds
 * @param reviewerId   the supervisor, or the system for a review the library records itself
 * @param note         what they concluded
 * @param reviewedAt   when
 */
public record ReviewRecord(String id, String workspaceId, String itemId, ReviewItem.Kind itemKind, String itemSenderId,
                           String reviewerId, String note, Instant reviewedAt) {
    /**
     * Checks the components.
     *
     * @param id           library-made UUID
     * @param workspaceId  the workspace
     * @param itemId       the reviewed item
     * @param itemKind     what the item is
     * @param itemSenderId the sender of a flagged event, else {@code null}
     * @param reviewerId   the reviewer
     * @param note         the note
     * @param reviewedAt   when
     * @throws IllegalArgumentException when a flagged event has no sender or another kind has one
     */
    public ReviewRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(workspaceId, "workspaceId");
        Objects.requireNonNull(itemId, "itemId");
        Objects.requireNonNull(itemKind, "itemKind");
        if ((itemKind == ReviewItem.Kind.EVENT) != (itemSenderId != null)) {
            throw new IllegalArgumentException("a flagged event's review names its sender, and only it: "
                    + itemKind + " with sender " + itemSenderId);
        }
        Objects.requireNonNull(reviewerId, "reviewerId");
        Objects.requireNonNull(note, "note");
        Objects.requireNonNull(reviewedAt, "reviewedAt");
    }

    /**
     * {@return a review of that item}
     *
     * @param id         library-made UUID
     * @param item       the item reviewed
     * @param reviewerId the reviewer
     * @param note       the note
     * @param reviewedAt when
     */
    public static ReviewRecord of(String id, ReviewItem item, String reviewerId, String note, Instant reviewedAt) {
        return new ReviewRecord(id, item.workspaceId(), item.id(), item.kind(), item.senderId(), reviewerId, note,
                reviewedAt);
    }

    /** {@return whether the item is a quarantined event} */
    public boolean quarantined() {
        return itemKind == ReviewItem.Kind.QUARANTINED;
    }
}
