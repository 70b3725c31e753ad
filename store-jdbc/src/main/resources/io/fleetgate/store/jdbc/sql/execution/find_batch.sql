-- One batch with its stops in sequence (appended to batch_rows.sql).
WHERE b.id = :id
ORDER BY s.stop_index
