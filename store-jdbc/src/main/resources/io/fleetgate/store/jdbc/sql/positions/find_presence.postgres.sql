-- The presence of a workspace's drivers, by driver id in code point order (as on SQLite).
SELECT * FROM driver_presence WHERE workspace_id = :workspace_id ORDER BY driver_id COLLATE "C"
