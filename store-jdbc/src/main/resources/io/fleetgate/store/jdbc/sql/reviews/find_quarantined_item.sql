-- A review item that is a quarantined event of the workspace, reviewed or not.
SELECT * FROM quarantined_events WHERE id = :item_id AND workspace_id = :workspace_id
