-- A workspace's batches with their stops, by batch id in code point order (as on SQLite) then
-- sequence (appended to batch_rows.sql).
WHERE b.workspace_id = :workspace_id
ORDER BY b.id COLLATE "C", s.stop_index
