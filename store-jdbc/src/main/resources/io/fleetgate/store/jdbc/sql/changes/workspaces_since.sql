-- The SQLite change feed's in-process wake-up: each workspace with changes above :after, and the
-- greatest such seq (seq is the rowid: a range scan of the newest rows only).
SELECT workspace_id, MAX(seq) FROM changes WHERE seq > :after GROUP BY workspace_id
