-- fleetgate V14: the change feed (issue #18, item 3): changes, one row per committed change of
-- the source tables, written by AFTER triggers (no code path can forget one), and change_floors,
-- per workspace the greatest seq the purge removed. See the PostgreSQL file for the rules, the
-- kinds and the instants; the tables are the same (SQLite has no row-level security: see V5).
--
-- Gap-freedom: SQLite has one writer at a time, and the triggers run inside the writing
-- transaction, so seqs are taken in commit order. seq is the rowid (INTEGER PRIMARY KEY), given
-- by the triggers as one more than the greatest seq ever taken: the greatest left in changes or
-- the greatest floor (the purge removes only rows at or below their workspace's floor), so a seq
-- is never taken twice, even after the purge has removed the newest rows. (Not AUTOINCREMENT: its
-- sqlite_sequence table could not be dropped again by U14.)
-- Append-only but for the purge: UPDATE refused by a trigger; INSERT OR REPLACE cannot replace a
-- row (seq is never given by a writer). summary is TEXT holding a JSON object of text values
-- (json_object). Instants are INTEGER microseconds since the epoch, UTC. No backfill: the feed
-- starts at V14. Device and exclusive sessions carry no workspace and are not in the feed.

CREATE TABLE IF NOT EXISTS changes (
    seq          INTEGER PRIMARY KEY,
    workspace_id TEXT NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('EVENT', 'BATCH', 'QUARANTINED', 'ALERT', 'REVIEW')),
    entity_id    TEXT NOT NULL,
    driver_id    TEXT,
    batch_id     TEXT,
    at           INTEGER NOT NULL,
    summary      TEXT NOT NULL CHECK (json_valid(summary) AND json_type(summary) = 'object')
) STRICT;

CREATE INDEX IF NOT EXISTS ix_changes_workspace ON changes (workspace_id, seq);
CREATE INDEX IF NOT EXISTS ix_changes_driver ON changes (workspace_id, driver_id, seq);
CREATE INDEX IF NOT EXISTS ix_changes_at ON changes (at);

CREATE TABLE IF NOT EXISTS change_floors (
    workspace_id TEXT NOT NULL PRIMARY KEY,
    floor_seq    INTEGER NOT NULL CHECK (floor_seq >= 0)
) STRICT;

CREATE TRIGGER IF NOT EXISTS changes_no_update BEFORE UPDATE ON changes
BEGIN
    SELECT RAISE(ABORT, 'changes is append-only: UPDATE refused');
END;

CREATE TRIGGER IF NOT EXISTS changes_from_driver_events AFTER INSERT ON driver_events
BEGIN
    INSERT INTO changes (seq, workspace_id, kind, entity_id, driver_id, batch_id, at, summary)
    VALUES (max(COALESCE((SELECT MAX(seq) FROM changes), 0), COALESCE((SELECT MAX(floor_seq) FROM change_floors), 0)) + 1,
            NEW.workspace_id, 'EVENT', NEW.event_id, NEW.driver_id, NEW.batch_id, NEW.recorded_at,
            json_object('event_type', NEW.event_type, 'status', NEW.driver_status,
                        'flagged', CASE WHEN NEW.flagged_for_review THEN 'true' ELSE 'false' END,
                        'stop_id', NEW.stop_id));
END;

CREATE TRIGGER IF NOT EXISTS changes_from_batch_insert AFTER INSERT ON delivery_batches
BEGIN
    INSERT INTO changes (seq, workspace_id, kind, entity_id, driver_id, batch_id, at, summary)
    VALUES (max(COALESCE((SELECT MAX(seq) FROM changes), 0), COALESCE((SELECT MAX(floor_seq) FROM change_floors), 0)) + 1,
            NEW.workspace_id, 'BATCH', NEW.id, NEW.driver_id, NEW.id, NEW.updated_at,
            json_object('status', NEW.driver_status, 'version', CAST(NEW.version AS TEXT),
                        'current_stop_index', CAST(NEW.current_stop_index AS TEXT), 'op', 'created'));
END;

CREATE TRIGGER IF NOT EXISTS changes_from_batch_update AFTER UPDATE ON delivery_batches
WHEN NEW.driver_status IS NOT OLD.driver_status OR NEW.version IS NOT OLD.version
     OR NEW.driver_id IS NOT OLD.driver_id OR NEW.current_stop_index IS NOT OLD.current_stop_index
BEGIN
    INSERT INTO changes (seq, workspace_id, kind, entity_id, driver_id, batch_id, at, summary)
    VALUES (max(COALESCE((SELECT MAX(seq) FROM changes), 0), COALESCE((SELECT MAX(floor_seq) FROM change_floors), 0)) + 1,
            NEW.workspace_id, 'BATCH', NEW.id, NEW.driver_id, NEW.id, NEW.updated_at,
            json_object('status', NEW.driver_status, 'version', CAST(NEW.version AS TEXT),
                        'current_stop_index', CAST(NEW.current_stop_index AS TEXT), 'op', 'updated'));
END;

CREATE TRIGGER IF NOT EXISTS changes_from_quarantined_events AFTER INSERT ON quarantined_events
WHEN NEW.workspace_id IS NOT NULL
BEGIN
    INSERT INTO changes (seq, workspace_id, kind, entity_id, driver_id, batch_id, at, summary)
    VALUES (max(COALESCE((SELECT MAX(seq) FROM changes), 0), COALESCE((SELECT MAX(floor_seq) FROM change_floors), 0)) + 1,
            NEW.workspace_id, 'QUARANTINED', NEW.id, NEW.sender_id, NEW.batch_id, NEW.received_at,
            json_object('error_code', NEW.error_code));
END;

CREATE TRIGGER IF NOT EXISTS changes_from_alert_insert AFTER INSERT ON position_alerts
BEGIN
    INSERT INTO changes (seq, workspace_id, kind, entity_id, driver_id, batch_id, at, summary)
    VALUES (max(COALESCE((SELECT MAX(seq) FROM changes), 0), COALESCE((SELECT MAX(floor_seq) FROM change_floors), 0)) + 1,
            NEW.workspace_id, 'ALERT', NEW.id, NEW.driver_id, NEW.batch_id, NEW.created_at,
            json_object('alert_kind', NEW.kind, 'state', 'raised', 'merged_into', NEW.merged_into));
END;

CREATE TRIGGER IF NOT EXISTS changes_from_alert_merge AFTER UPDATE ON position_alerts
WHEN OLD.merged_into IS NULL AND NEW.merged_into IS NOT NULL
BEGIN
    INSERT INTO changes (seq, workspace_id, kind, entity_id, driver_id, batch_id, at, summary)
    VALUES (max(COALESCE((SELECT MAX(seq) FROM changes), 0), COALESCE((SELECT MAX(floor_seq) FROM change_floors), 0)) + 1,
            NEW.workspace_id, 'ALERT', NEW.id, NEW.driver_id, NEW.batch_id, NEW.last_at,
            json_object('alert_kind', NEW.kind, 'state', 'merged', 'merged_into', NEW.merged_into));
END;

CREATE TRIGGER IF NOT EXISTS changes_from_event_reviews AFTER INSERT ON event_reviews
BEGIN
    INSERT INTO changes (seq, workspace_id, kind, entity_id, driver_id, batch_id, at, summary)
    VALUES (max(COALESCE((SELECT MAX(seq) FROM changes), 0), COALESCE((SELECT MAX(floor_seq) FROM change_floors), 0)) + 1,
            NEW.workspace_id, 'REVIEW', NEW.id, NULL, NULL, NEW.reviewed_at,
            json_object('item_id', NEW.item_id, 'item_kind', NEW.item_kind,
                        'sender_id', NEW.item_sender_id,
                        'quarantined', CASE WHEN NEW.quarantined THEN 'true' ELSE 'false' END));
END;
