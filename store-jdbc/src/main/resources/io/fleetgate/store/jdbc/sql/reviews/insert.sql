-- Appends a review record; an item already reviewed keeps its first record (row count 0).
INSERT INTO event_reviews (id, workspace_id, item_id, quarantined, reviewer_id, note, reviewed_at)
VALUES (:id, :workspace_id, :item_id, :quarantined, :reviewer_id, :note, :reviewed_at)
ON CONFLICT (workspace_id, item_id) DO NOTHING
