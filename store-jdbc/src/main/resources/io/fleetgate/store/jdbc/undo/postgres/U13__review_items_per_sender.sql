-- fleetgate U13: undoes V13__review_items_per_sender.sql: review records keyed by (workspace_id,
-- item_id) again, their kind and sender dropped (every record is kept). Refused (the unique
-- constraint cannot be built) while two records share a workspace and item id, which V13 allows for
-- two senders' events of one id: decide what to keep first, knowing that the old key hides every
-- other sender's flagged event of a reviewed id. Run it as the owner, in one transaction.
-- With fleetgate's runner, also delete the version's history row in the same transaction:
--   DELETE FROM fleetgate_schema_history WHERE version = 13;
-- (with Flyway, follow Flyway's rules for its own history; see docs/migrations.md).
ALTER TABLE event_reviews DROP CONSTRAINT IF EXISTS uq_event_reviews_item;
ALTER TABLE event_reviews DROP CONSTRAINT IF EXISTS ck_event_reviews_item_kind;
ALTER TABLE event_reviews ADD CONSTRAINT uq_event_reviews_item UNIQUE (workspace_id, item_id);
ALTER TABLE event_reviews DROP COLUMN IF EXISTS item_sender_id;
ALTER TABLE event_reviews DROP COLUMN IF EXISTS item_kind;
