-- Batches with their stops, by batch then sequence (appended to batch_rows.sql).
WHERE b.id IN (<ids>)
ORDER BY b.id, s.stop_index
