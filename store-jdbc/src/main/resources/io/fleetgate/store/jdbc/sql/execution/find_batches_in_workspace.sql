-- A workspace's batches with their stops, by batch id then sequence (appended to batch_rows.sql).
WHERE b.workspace_id = :workspace_id
ORDER BY b.id, s.stop_index
