-- A review item that is a flagged event of the workspace, reviewed or not. Event ids are unique
-- per sender (V7): should two senders of the workspace have used one id, the first to arrive is
-- the item.
SELECT * FROM driver_events
WHERE event_id = :item_id AND workspace_id = :workspace_id AND flagged_for_review
ORDER BY synced_at, actor_id
LIMIT 1
