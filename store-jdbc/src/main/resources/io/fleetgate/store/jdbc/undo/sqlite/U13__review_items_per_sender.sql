-- fleetgate U13: undoes V13__review_items_per_sender.sql: review records keyed by (workspace_id,
-- item_id) again, their kind and sender dropped (every record is kept). Refused (the unique
-- constraint fails) while two records share a workspace and item id, which V13 allows for two
-- senders' events of one id: decide what to keep first, knowing that the old key hides every
-- other sender's flagged event of a reviewed id. Run it in one transaction.
-- With fleetgate's runner, also delete the version's history row in the same transaction:
--   DELETE FROM fleetgate_schema_history WHERE version = 13;
-- (with Flyway, follow Flyway's rules for its own history; see docs/migrations.md).
-- The table is rebuilt as V4 created it, with V4's and V9's triggers.

DROP TABLE IF EXISTS event_reviews_rebuild;
CREATE TABLE event_reviews_rebuild AS SELECT * FROM event_reviews;
DROP TABLE event_reviews;

CREATE TABLE IF NOT EXISTS event_reviews (
    id           TEXT NOT NULL PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 64),
    workspace_id TEXT NOT NULL REFERENCES workspaces (id),
    -- driver_events.event_id of a flagged event, or quarantined_events.id. No foreign key: it
    -- names a row of either table (quarantined says which).
    item_id      TEXT NOT NULL CHECK (length(item_id) BETWEEN 1 AND 64),
    quarantined  INTEGER NOT NULL CHECK (quarantined IN (0, 1)),
    reviewer_id  TEXT NOT NULL CHECK (length(reviewer_id) BETWEEN 1 AND 64),
    note         TEXT NOT NULL CHECK (length(note) >= 1),
    reviewed_at  INTEGER NOT NULL,
    -- An item is reviewed once: a second review of it is refused (ON CONFLICT DO NOTHING).
    -- Also the index the open queue's anti-join probes.
    CONSTRAINT uq_event_reviews_item UNIQUE (workspace_id, item_id)
) STRICT;

INSERT INTO event_reviews (id, workspace_id, item_id, quarantined, reviewer_id, note, reviewed_at)
SELECT id, workspace_id, item_id, quarantined, reviewer_id, note, reviewed_at FROM event_reviews_rebuild;
DROP TABLE event_reviews_rebuild;

CREATE TRIGGER IF NOT EXISTS event_reviews_no_update BEFORE UPDATE ON event_reviews
BEGIN
    SELECT RAISE(ABORT, 'event_reviews is append-only: UPDATE refused');
END;
CREATE TRIGGER IF NOT EXISTS event_reviews_no_delete BEFORE DELETE ON event_reviews
BEGIN
    SELECT RAISE(ABORT, 'event_reviews is append-only: DELETE refused');
END;
CREATE TRIGGER IF NOT EXISTS event_reviews_no_replace BEFORE INSERT ON event_reviews
BEGIN
    SELECT RAISE(IGNORE) WHERE EXISTS (SELECT 1 FROM event_reviews
                                       WHERE workspace_id = NEW.workspace_id AND item_id = NEW.item_id);
    SELECT RAISE(ABORT,
        'event_reviews is append-only: a review with this id is kept, never replaced (UNIQUE constraint failed)')
    WHERE EXISTS (SELECT 1 FROM event_reviews WHERE id = NEW.id);
END;
