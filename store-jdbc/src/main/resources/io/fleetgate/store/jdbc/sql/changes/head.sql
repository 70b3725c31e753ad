-- The greatest seq of a workspace's changes, NULL for none.
SELECT MAX(seq) FROM changes WHERE workspace_id = :workspace_id
