-- A workspace's changes about one driver after a seq, in seq order (ix_changes_driver).
SELECT seq, workspace_id, kind, entity_id, driver_id, batch_id, at, summary
FROM changes
WHERE workspace_id = :workspace_id AND driver_id = :driver_id AND seq > :after
ORDER BY seq
LIMIT :limit
