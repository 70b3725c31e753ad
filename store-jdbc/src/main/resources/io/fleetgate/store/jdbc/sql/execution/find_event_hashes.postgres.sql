-- The sender's events with these ids in the workspace, from their claims (V16: one row per event,
-- on the primary key (workspace_id, actor_id, event_id), one probe whatever the number of monthly
-- partitions, and still there after the event's month was detached). Read under the same policy
-- as the events themselves.
SELECT event_id, content_hash FROM driver_event_ids
WHERE workspace_id = :workspace_id AND actor_id = :actor_id AND event_id IN (<ids>)
