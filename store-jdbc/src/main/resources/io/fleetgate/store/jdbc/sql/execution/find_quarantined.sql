-- The refused events that named a batch, oldest first (ties: the order they were kept).
SELECT * FROM quarantined_events WHERE batch_id = :batch_id ORDER BY received_at, seq
