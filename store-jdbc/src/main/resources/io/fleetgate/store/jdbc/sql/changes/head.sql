-- The greatest seq of a workspace's changes, no row for none: the last entry of
-- ix_changes_workspace (written as ORDER BY … LIMIT 1, not MAX, for the reason find.sql gives).
SELECT seq FROM changes WHERE workspace_id = :workspace_id
ORDER BY workspace_id DESC, seq DESC
LIMIT 1
