-- The greatest seq of any workspace, 0 for none: where the SQLite wake-up starts.
SELECT COALESCE(MAX(seq), 0) FROM changes
