-- fleetgate V13: a review record names its item by kind, id and (for a flagged event) sender.
--
-- Event ids are chosen by phones and unique per sender only (V7), but review records were keyed by
-- (workspace_id, item_id). So once one driver's flagged event "e-1" was reviewed, any other
-- driver's flagged event "e-1" in the workspace left the open queue unreviewed and could never be
-- reviewed (the unique key refused its record): two phones numbering their events alike, or two
-- colluding accounts, hid flagged events from supervisors. An event id could also collide with a
-- quarantine record's or an alert's id. Now:
--   item_kind      EVENT, QUARANTINED or ALERT;
--   item_sender_id the flagged event's actor_id, '' for the other kinds;
--   UNIQUE (workspace_id, item_kind, item_sender_id, item_id), which the open queue's anti-joins probe.
-- Existing records are filled in: QUARANTINED where quarantined; ALERT where the workspace has an
-- alert of that id; else EVENT, sender the flagged event the record closed until now (the first of
-- that id to reach the server: synced_at, then actor_id, as the queue read it).
--
-- SQLite cannot change a table's unique constraint, so the table is rebuilt as V7 rebuilt
-- driver_events: the rows kept aside, the table created again with V4's append-only triggers and
-- V9's no-replace trigger (on the new key), every row put back with its kind and sender.

DROP TABLE IF EXISTS event_reviews_rebuild;
CREATE TABLE event_reviews_rebuild AS SELECT * FROM event_reviews;
DROP TABLE event_reviews;

CREATE TABLE IF NOT EXISTS event_reviews (
    id             TEXT NOT NULL PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 64),
    workspace_id   TEXT NOT NULL REFERENCES workspaces (id),
    -- driver_events.event_id of a flagged event, quarantined_events.id or position_alerts.id. No
    -- foreign key: it names a row of one of them (item_kind says which).
    item_id        TEXT NOT NULL CHECK (length(item_id) BETWEEN 1 AND 64),
    quarantined    INTEGER NOT NULL CHECK (quarantined IN (0, 1)),
    reviewer_id    TEXT NOT NULL CHECK (length(reviewer_id) BETWEEN 1 AND 64),
    note           TEXT NOT NULL CHECK (length(note) >= 1),
    reviewed_at    INTEGER NOT NULL,
    item_kind      TEXT NOT NULL CHECK (item_kind IN ('EVENT', 'QUARANTINED', 'ALERT')),
    -- The flagged event's sender (driver_events.actor_id); '' for the other kinds.
    item_sender_id TEXT NOT NULL CHECK (length(item_sender_id) <= 64),
    CHECK (quarantined = (item_kind = 'QUARANTINED')),
    CHECK (item_kind = 'EVENT' OR item_sender_id = ''),
    -- An item is reviewed once: a second review of it is refused (ON CONFLICT DO NOTHING).
    -- Also the index the open queue's anti-joins probe.
    CONSTRAINT uq_event_reviews_item UNIQUE (workspace_id, item_kind, item_sender_id, item_id)
) STRICT;

INSERT INTO event_reviews (id, workspace_id, item_id, quarantined, reviewer_id, note, reviewed_at, item_kind,
                           item_sender_id)
SELECT r.id, r.workspace_id, r.item_id, r.quarantined, r.reviewer_id, r.note, r.reviewed_at,
       CASE WHEN r.quarantined = 1 THEN 'QUARANTINED'
            WHEN EXISTS (SELECT 1 FROM position_alerts a WHERE a.workspace_id = r.workspace_id AND a.id = r.item_id)
                THEN 'ALERT'
            ELSE 'EVENT' END,
       CASE WHEN r.quarantined = 1
                 OR EXISTS (SELECT 1 FROM position_alerts a WHERE a.workspace_id = r.workspace_id AND a.id = r.item_id)
                THEN ''
            ELSE COALESCE((SELECT e.actor_id FROM driver_events e
                           WHERE e.workspace_id = r.workspace_id AND e.event_id = r.item_id AND e.flagged_for_review
                           ORDER BY e.synced_at, e.actor_id
                           LIMIT 1), '') END
FROM event_reviews_rebuild r;
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
                                       WHERE workspace_id = NEW.workspace_id AND item_kind = NEW.item_kind
                                         AND item_sender_id = NEW.item_sender_id AND item_id = NEW.item_id);
    SELECT RAISE(ABORT,
        'event_reviews is append-only: a review with this id is kept, never replaced (UNIQUE constraint failed)')
    WHERE EXISTS (SELECT 1 FROM event_reviews WHERE id = NEW.id);
END;
