-- The greatest seq the purge removed from a workspace (no row: never purged).
SELECT floor_seq FROM change_floors WHERE workspace_id = :workspace_id
