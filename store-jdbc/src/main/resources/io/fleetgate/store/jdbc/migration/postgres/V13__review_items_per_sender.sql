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
-- Re-runnable: ADD COLUMN IF NOT EXISTS, the updates are idempotent, the constraint is dropped and
-- added again. event_reviews is append-only (V4's trigger) and under forced row-level security
-- (V5): both are lifted for the fill-in and restored, in this migration's one transaction.

ALTER TABLE event_reviews ADD COLUMN IF NOT EXISTS item_kind VARCHAR(16) NOT NULL DEFAULT 'EVENT';
ALTER TABLE event_reviews ADD COLUMN IF NOT EXISTS item_sender_id VARCHAR(64) COLLATE "C" NOT NULL DEFAULT '';

ALTER TABLE event_reviews DISABLE TRIGGER event_reviews_append_only;
ALTER TABLE event_reviews NO FORCE ROW LEVEL SECURITY;
ALTER TABLE driver_events NO FORCE ROW LEVEL SECURITY;
ALTER TABLE position_alerts NO FORCE ROW LEVEL SECURITY;

UPDATE event_reviews SET item_kind = 'QUARANTINED', item_sender_id = '' WHERE quarantined;
UPDATE event_reviews r SET item_kind = 'ALERT', item_sender_id = ''
WHERE NOT r.quarantined
  AND EXISTS (SELECT 1 FROM position_alerts a WHERE a.workspace_id = r.workspace_id AND a.id = r.item_id);
UPDATE event_reviews r
SET item_sender_id = COALESCE((SELECT e.actor_id FROM driver_events e
                               WHERE e.workspace_id = r.workspace_id AND e.event_id = r.item_id
                                 AND e.flagged_for_review
                               ORDER BY e.synced_at, e.actor_id
                               LIMIT 1), '')
WHERE r.item_kind = 'EVENT' AND r.item_sender_id = '';

ALTER TABLE position_alerts FORCE ROW LEVEL SECURITY;
ALTER TABLE driver_events FORCE ROW LEVEL SECURITY;
ALTER TABLE event_reviews FORCE ROW LEVEL SECURITY;
ALTER TABLE event_reviews ENABLE TRIGGER event_reviews_append_only;

-- Every new record names its kind and sender itself.
ALTER TABLE event_reviews ALTER COLUMN item_kind DROP DEFAULT;
ALTER TABLE event_reviews ALTER COLUMN item_sender_id DROP DEFAULT;
ALTER TABLE event_reviews DROP CONSTRAINT IF EXISTS ck_event_reviews_item_kind;
ALTER TABLE event_reviews ADD CONSTRAINT ck_event_reviews_item_kind
    CHECK (item_kind IN ('EVENT', 'QUARANTINED', 'ALERT') AND quarantined = (item_kind = 'QUARANTINED')
           AND (item_kind = 'EVENT' OR item_sender_id = ''));

ALTER TABLE event_reviews DROP CONSTRAINT IF EXISTS uq_event_reviews_item;
ALTER TABLE event_reviews ADD CONSTRAINT uq_event_reviews_item
    UNIQUE (workspace_id, item_kind, item_sender_id, item_id);
