-- Review queue items that are flagged events of the workspace, by id (rows of a page found by
-- find_queue_*).
SELECT * FROM driver_events WHERE workspace_id = :workspace_id AND flagged_for_review AND event_id IN (<ids>)
