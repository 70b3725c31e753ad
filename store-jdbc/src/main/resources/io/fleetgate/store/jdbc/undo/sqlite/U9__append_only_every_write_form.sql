-- fleetgate U9: undoes V9__append_only_every_write_form.sql (the BEFORE INSERT triggers that keep
-- INSERT OR REPLACE, REPLACE and upserts from rewriting the append-only tables).
-- Keeps every row. AFTER THIS, INSERT OR REPLACE CAN REWRITE LOGGED EVENTS AGAIN. Run it in one
-- transaction (sqlite3: BEGIN; … COMMIT;).
-- With fleetgate's runner, also delete the version's history row in the same transaction:
--   DELETE FROM fleetgate_schema_history WHERE version = 9;
-- (with Flyway, follow Flyway's rules for its own history; see docs/migrations.md).

DROP TRIGGER IF EXISTS event_reviews_no_replace;
DROP TRIGGER IF EXISTS quarantined_events_no_replace;
DROP TRIGGER IF EXISTS driver_events_no_replace;
