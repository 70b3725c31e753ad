-- fleetgate U4: undoes V4__memberships_and_reviews.sql (workspace memberships, review records,
-- the review-queue indexes V4 added to V2's tables).
-- DROPS THEIR DATA. Run it only after U5, in one transaction (sqlite3: BEGIN; … COMMIT;).
-- With fleetgate's runner, also delete the version's history row in the same transaction:
--   DELETE FROM fleetgate_schema_history WHERE version = 4;
-- (with Flyway, follow Flyway's rules for its own history; see docs/migrations.md).
-- Dropping a table drops its indexes and triggers; the indexes on V2's tables are dropped by name.

DROP INDEX IF EXISTS ix_quarantined_events_review_queue;
DROP INDEX IF EXISTS ix_driver_events_review_queue;
DROP TABLE IF EXISTS event_reviews;
DROP TABLE IF EXISTS workspace_members;
