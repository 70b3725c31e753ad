-- A workspace's changes after a seq, in seq order. Ordered by the index's own key
-- (ix_changes_workspace: workspace_id, seq): under row-level security PostgreSQL cannot estimate
-- the policy's conditions, and ordered by seq alone its generic plan walks the primary key and
-- filters by workspace (a cost that grows with every other workspace's changes).
SELECT seq, workspace_id, kind, entity_id, driver_id, batch_id, at, summary
FROM changes
WHERE workspace_id = :workspace_id AND seq > :after
ORDER BY workspace_id, seq
LIMIT :limit
