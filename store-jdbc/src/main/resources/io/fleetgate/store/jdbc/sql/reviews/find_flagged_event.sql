-- A review item that is a flagged event of the workspace, reviewed or not.
SELECT * FROM driver_events
WHERE event_id = :item_id AND workspace_id = :workspace_id AND flagged_for_review
