-- Review queue items that are position alerts of the workspace, by id (rows of a page found by
-- find_queue_*).
SELECT * FROM position_alerts WHERE workspace_id = :workspace_id AND id IN (<ids>)
