-- The purge's second step: every change at or below its workspace's floor.
DELETE FROM changes
WHERE seq <= (SELECT f.floor_seq FROM change_floors f WHERE f.workspace_id = changes.workspace_id)
