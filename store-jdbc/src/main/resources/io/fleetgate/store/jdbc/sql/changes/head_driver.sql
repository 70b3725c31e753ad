-- The greatest seq of a workspace's changes about one driver, NULL for none.
SELECT MAX(seq) FROM changes WHERE workspace_id = :workspace_id AND driver_id = :driver_id
