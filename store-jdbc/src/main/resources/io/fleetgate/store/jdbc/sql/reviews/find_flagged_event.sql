-- The review items that are flagged events of the workspace with that id, reviewed or not. Event
-- ids are unique per sender (V7): two senders of the workspace may have used one id, and each
-- one's event is an item of its own (named with its sender, V13). By arrival, then sender.
SELECT * FROM driver_events
WHERE event_id = :item_id AND workspace_id = :workspace_id AND flagged_for_review
ORDER BY synced_at, actor_id
