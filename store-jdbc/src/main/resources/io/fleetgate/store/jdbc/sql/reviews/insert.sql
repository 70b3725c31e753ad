-- Appends a review record; an item already reviewed keeps its first record (row count 0). An item
-- is its kind, id and (for a flagged event) sender (V13).
INSERT INTO event_reviews (id, workspace_id, item_id, quarantined, reviewer_id, note, reviewed_at, item_kind,
                           item_sender_id)
VALUES (:id, :workspace_id, :item_id, :quarantined, :reviewer_id, :note, :reviewed_at, :item_kind, :item_sender_id)
ON CONFLICT (workspace_id, item_kind, item_sender_id, item_id) DO NOTHING
