-- The greatest seq of a workspace's changes about one driver, no row for none: the last entry of
-- ix_changes_driver.
SELECT seq FROM changes WHERE workspace_id = :workspace_id AND driver_id = :driver_id
ORDER BY workspace_id DESC, driver_id DESC, seq DESC
LIMIT 1
