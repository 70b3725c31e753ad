-- fleetgate V18: the sweeper's silent drivers and the review queue's first page cost what they
-- return (issue #19, item 5). See the PostgreSQL file for the rules; the column, the table and
-- the indexes are the same (SQLite has no row-level security: see V5). SQLite has one writer at a
-- time and the triggers run inside the writing transaction, so no lock is needed between a
-- driver's first presence row and their batch going on or off route.
--
-- driver_presence.on_route_batch_id: the driver's batch on route, kept by AFTER triggers on
--   delivery_batches (insert, update of driver_status or driver_id, delete) and on a new presence
--   row (an upsert that becomes an update fires the UPDATE triggers, not this one).
--   ix_driver_presence_silent (last_heard_at, driver_id) WHERE on_route_batch_id IS NOT NULL AND
--   quiet_alert_id IS NULL: find_silent's range scan.
-- open_review_items: the review queue's items without a review record, kept by AFTER triggers on
--   driver_events, quarantined_events, position_alerts and event_reviews;
--   ix_open_review_items_queue (workspace_id, arrival_at, item_id, item_sender_id, item_kind).
-- Both backfilled here. ALTER TABLE … ADD COLUMN has no IF NOT EXISTS on SQLite: the runner
-- applies the file once, in one transaction.

ALTER TABLE driver_presence ADD COLUMN on_route_batch_id TEXT CHECK (length(on_route_batch_id) BETWEEN 1 AND 64);

UPDATE driver_presence SET on_route_batch_id =
    (SELECT b.id FROM delivery_batches b
     WHERE b.driver_id = driver_presence.driver_id AND b.driver_status IN ('EN_ROUTE', 'AT_STOP', 'DELAYED'));

CREATE INDEX IF NOT EXISTS ix_driver_presence_silent ON driver_presence (last_heard_at, driver_id)
    WHERE on_route_batch_id IS NOT NULL AND quiet_alert_id IS NULL;

CREATE TRIGGER IF NOT EXISTS driver_presence_on_route AFTER INSERT ON driver_presence
BEGIN
    UPDATE driver_presence SET on_route_batch_id =
        (SELECT b.id FROM delivery_batches b
         WHERE b.driver_id = NEW.driver_id AND b.driver_status IN ('EN_ROUTE', 'AT_STOP', 'DELAYED'))
    WHERE driver_id = NEW.driver_id;
END;

CREATE TRIGGER IF NOT EXISTS driver_presence_from_batch_insert AFTER INSERT ON delivery_batches
WHEN NEW.driver_id IS NOT NULL AND NEW.driver_status IN ('EN_ROUTE', 'AT_STOP', 'DELAYED')
BEGIN
    UPDATE driver_presence SET on_route_batch_id = NEW.id WHERE driver_id = NEW.driver_id;
END;

CREATE TRIGGER IF NOT EXISTS driver_presence_from_batch_update AFTER UPDATE OF driver_status, driver_id ON delivery_batches
WHEN NEW.driver_status IS NOT OLD.driver_status OR NEW.driver_id IS NOT OLD.driver_id
BEGIN
    UPDATE driver_presence SET on_route_batch_id = NULL
    WHERE OLD.driver_status IN ('EN_ROUTE', 'AT_STOP', 'DELAYED')
      AND driver_id = OLD.driver_id AND on_route_batch_id = OLD.id;
    UPDATE driver_presence SET on_route_batch_id = NEW.id
    WHERE NEW.driver_status IN ('EN_ROUTE', 'AT_STOP', 'DELAYED') AND driver_id = NEW.driver_id;
END;

CREATE TRIGGER IF NOT EXISTS driver_presence_from_batch_delete AFTER DELETE ON delivery_batches
WHEN OLD.driver_status IN ('EN_ROUTE', 'AT_STOP', 'DELAYED')
BEGIN
    UPDATE driver_presence SET on_route_batch_id = NULL
    WHERE driver_id = OLD.driver_id AND on_route_batch_id = OLD.id;
END;

CREATE TABLE IF NOT EXISTS open_review_items (
    workspace_id   TEXT NOT NULL,
    item_kind      TEXT NOT NULL CHECK (item_kind IN ('EVENT', 'QUARANTINED', 'ALERT')),
    item_sender_id TEXT NOT NULL CHECK (item_kind = 'EVENT' OR item_sender_id = ''),
    item_id        TEXT NOT NULL,
    arrival_at     INTEGER NOT NULL,
    PRIMARY KEY (workspace_id, item_kind, item_sender_id, item_id)
) STRICT, WITHOUT ROWID;

CREATE INDEX IF NOT EXISTS ix_open_review_items_queue
    ON open_review_items (workspace_id, arrival_at, item_id, item_sender_id, item_kind);

INSERT OR IGNORE INTO open_review_items (workspace_id, item_kind, item_sender_id, item_id, arrival_at)
SELECT e.workspace_id, 'EVENT', e.actor_id, e.event_id, e.synced_at
FROM driver_events e
WHERE e.flagged_for_review
  AND NOT EXISTS (SELECT 1 FROM event_reviews r
                  WHERE r.workspace_id = e.workspace_id AND r.item_kind = 'EVENT'
                    AND r.item_sender_id = e.actor_id AND r.item_id = e.event_id);
INSERT OR IGNORE INTO open_review_items (workspace_id, item_kind, item_sender_id, item_id, arrival_at)
SELECT q.workspace_id, 'QUARANTINED', '', q.id, q.received_at
FROM quarantined_events q
WHERE q.workspace_id IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM event_reviews r
                  WHERE r.workspace_id = q.workspace_id AND r.item_kind = 'QUARANTINED'
                    AND r.item_sender_id = '' AND r.item_id = q.id);
INSERT OR IGNORE INTO open_review_items (workspace_id, item_kind, item_sender_id, item_id, arrival_at)
SELECT a.workspace_id, 'ALERT', '', a.id, a.created_at
FROM position_alerts a
WHERE a.merged_into IS NULL
  AND NOT EXISTS (SELECT 1 FROM event_reviews r
                  WHERE r.workspace_id = a.workspace_id AND r.item_kind = 'ALERT'
                    AND r.item_sender_id = '' AND r.item_id = a.id);

CREATE TRIGGER IF NOT EXISTS open_review_items_from_driver_events AFTER INSERT ON driver_events
WHEN NEW.flagged_for_review
BEGIN
    INSERT OR IGNORE INTO open_review_items (workspace_id, item_kind, item_sender_id, item_id, arrival_at)
    VALUES (NEW.workspace_id, 'EVENT', NEW.actor_id, NEW.event_id, NEW.synced_at);
END;

CREATE TRIGGER IF NOT EXISTS open_review_items_from_quarantined_events AFTER INSERT ON quarantined_events
WHEN NEW.workspace_id IS NOT NULL
BEGIN
    INSERT OR IGNORE INTO open_review_items (workspace_id, item_kind, item_sender_id, item_id, arrival_at)
    VALUES (NEW.workspace_id, 'QUARANTINED', '', NEW.id, NEW.received_at);
END;

CREATE TRIGGER IF NOT EXISTS open_review_items_from_alert_insert AFTER INSERT ON position_alerts
WHEN NEW.merged_into IS NULL
BEGIN
    INSERT OR IGNORE INTO open_review_items (workspace_id, item_kind, item_sender_id, item_id, arrival_at)
    VALUES (NEW.workspace_id, 'ALERT', '', NEW.id, NEW.created_at);
END;

CREATE TRIGGER IF NOT EXISTS open_review_items_from_alert_merge AFTER UPDATE OF merged_into ON position_alerts
WHEN NEW.merged_into IS NOT OLD.merged_into
BEGIN
    DELETE FROM open_review_items
    WHERE NEW.merged_into IS NOT NULL AND OLD.merged_into IS NULL
      AND workspace_id = OLD.workspace_id AND item_kind = 'ALERT' AND item_sender_id = '' AND item_id = OLD.id;
    INSERT OR IGNORE INTO open_review_items (workspace_id, item_kind, item_sender_id, item_id, arrival_at)
    SELECT NEW.workspace_id, 'ALERT', '', NEW.id, NEW.created_at
    WHERE NEW.merged_into IS NULL;
END;

CREATE TRIGGER IF NOT EXISTS open_review_items_from_event_reviews AFTER INSERT ON event_reviews
BEGIN
    DELETE FROM open_review_items
    WHERE workspace_id = NEW.workspace_id AND item_kind = NEW.item_kind
      AND item_sender_id = NEW.item_sender_id AND item_id = NEW.item_id;
END;
