-- The sender's events with these ids in the workspace (event ids are unique per workspace and
-- sender since V7: another sender's event with the same id is never read).
SELECT event_id, content_hash FROM driver_events
WHERE workspace_id = :workspace_id AND actor_id = :actor_id AND event_id IN (<ids>)
