-- Which of the sender's events with these ids are in the log, at which batch and version (to tell
-- our rows from older ones when the driver does not report a batch's row counts).
SELECT event_id, batch_id, batch_version FROM driver_events
WHERE workspace_id IN (<workspaces>) AND actor_id = :actor_id AND event_id IN (<ids>)
