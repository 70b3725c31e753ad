-- One alert of a workspace, merged or not.
SELECT * FROM position_alerts WHERE id = :id AND workspace_id = :workspace_id
