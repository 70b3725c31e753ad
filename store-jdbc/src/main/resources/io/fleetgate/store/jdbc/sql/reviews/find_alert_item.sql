-- A review item that is a position alert of the workspace not merged into another, reviewed or not.
SELECT * FROM position_alerts WHERE id = :item_id AND workspace_id = :workspace_id AND merged_into IS NULL
