-- A workspace's changes about one driver after a seq, in seq order, ordered by the key of
-- ix_changes_driver (workspace_id, driver_id, seq) for the reason find.sql gives.
SELECT seq, workspace_id, kind, entity_id, driver_id, batch_id, at, summary
FROM changes
WHERE workspace_id = :workspace_id AND driver_id = :driver_id AND seq > :after
ORDER BY workspace_id, driver_id, seq
LIMIT :limit
