-- A workspace's changes after a seq, in seq order (ix_changes_workspace).
SELECT seq, workspace_id, kind, entity_id, driver_id, batch_id, at, summary
FROM changes
WHERE workspace_id = :workspace_id AND seq > :after
ORDER BY seq
LIMIT :limit
