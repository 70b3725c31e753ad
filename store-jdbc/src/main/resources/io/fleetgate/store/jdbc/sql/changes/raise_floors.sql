-- The purge's first step: per workspace, the newest seq among the changes before the cut-off
-- becomes the floor (never lowered).
INSERT INTO change_floors (workspace_id, floor_seq)
SELECT workspace_id, MAX(seq) FROM changes WHERE at < :before GROUP BY workspace_id
ON CONFLICT (workspace_id) DO UPDATE SET floor_seq = GREATEST(change_floors.floor_seq, EXCLUDED.floor_seq)
