-- fleetgate V9: the append-only tables (driver_events, quarantined_events, event_reviews) hold
-- against every write form, for any connection to the file, not only the library's pool.
--
-- V2 and V4 refuse UPDATE and DELETE with BEFORE UPDATE / BEFORE DELETE triggers. That left a gap:
-- INSERT OR REPLACE, REPLACE INTO (and a REPLACE conflict clause on the table) resolve a unique
-- conflict by deleting the existing row and inserting the new one, and that implicit delete fires
-- no delete trigger unless the connection has PRAGMA recursive_triggers on (it is off by default,
-- and a connection chooses it, not the schema). So a plain sqlite3 shell could rewrite any logged
-- event with one INSERT OR REPLACE.
--
-- A BEFORE INSERT trigger fires for every form of INSERT before SQLite looks for conflicts, so it
-- sees the row that would be replaced while it is still there:
--   * a row already holding the key the library's own idempotent inserts name in their
--     ON CONFLICT … DO NOTHING (driver_events (workspace_id, actor_id, event_id), V7; quarantined_events (content_hash,
--     event_id); event_reviews (workspace_id, item_id)): RAISE(IGNORE) — the new row is dropped
--     and nothing changes, exactly what DO NOTHING does, so the library's resent events,
--     duplicates and second reviews keep answering as before (row count 0), and an
--     INSERT OR REPLACE or upsert naming such a key changes nothing;
--   * a row already holding any other unique key of the table (driver_events (batch_id,
--     batch_version); quarantined_events id and seq; event_reviews id): RAISE(ABORT) — the
--     statement fails. A plain INSERT failed there before too (with SQLite's own unique error);
--     the message says "UNIQUE constraint failed" so the store still reads it as a unique
--     violation.
-- INSERT … ON CONFLICT DO UPDATE never reaches its update (the row is ignored first), and its
-- update would be refused by V2's and V4's update triggers anyway; UPDATE OR REPLACE is refused
-- by those triggers before it can replace anything.
--
-- What this does not do: whoever can write the file can also drop these triggers (SQLite has no
-- privileges). The file is created readable and writable by its owner only (see JdbcStore).

CREATE TRIGGER IF NOT EXISTS driver_events_no_replace BEFORE INSERT ON driver_events
BEGIN
    SELECT RAISE(IGNORE) WHERE EXISTS (SELECT 1 FROM driver_events
                                       WHERE workspace_id = NEW.workspace_id AND actor_id = NEW.actor_id
                                         AND event_id = NEW.event_id);
    SELECT RAISE(ABORT,
        'driver_events is append-only: an event with this (batch_id, batch_version) is kept, never replaced (UNIQUE constraint failed)')
    WHERE EXISTS (SELECT 1 FROM driver_events
                  WHERE batch_id = NEW.batch_id AND batch_version = NEW.batch_version);
END;

CREATE TRIGGER IF NOT EXISTS quarantined_events_no_replace BEFORE INSERT ON quarantined_events
BEGIN
    SELECT RAISE(IGNORE) WHERE EXISTS (SELECT 1 FROM quarantined_events
                                       WHERE content_hash = NEW.content_hash
                                         AND COALESCE(event_id, '') = COALESCE(NEW.event_id, ''));
    SELECT RAISE(ABORT,
        'quarantined_events is append-only: a row with this id or seq is kept, never replaced (UNIQUE constraint failed)')
    WHERE EXISTS (SELECT 1 FROM quarantined_events WHERE id = NEW.id)
       OR EXISTS (SELECT 1 FROM quarantined_events WHERE seq = NEW.seq);
END;

CREATE TRIGGER IF NOT EXISTS event_reviews_no_replace BEFORE INSERT ON event_reviews
BEGIN
    SELECT RAISE(IGNORE) WHERE EXISTS (SELECT 1 FROM event_reviews
                                       WHERE workspace_id = NEW.workspace_id AND item_id = NEW.item_id);
    SELECT RAISE(ABORT,
        'event_reviews is append-only: a review with this id is kept, never replaced (UNIQUE constraint failed)')
    WHERE EXISTS (SELECT 1 FROM event_reviews WHERE id = NEW.id);
END;
