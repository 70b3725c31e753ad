-- The first page of a workspace's open review queue: its flagged events, its quarantined events
-- and its position alerts not merged into another (V12) that have no review record, oldest first
-- by arrival (synced_at / received_at / created_at), ties by id, then sender. A range scan of
-- open_review_items (V18: one row per item without a review record, kept by triggers) on
-- ix_open_review_items_queue, stopped by the LIMIT; the
-- anti-join (one probe of uq_event_reviews_item per row) keeps out an item whose review committed
-- beside its insert (see V18).
SELECT o.item_kind AS kind, o.item_id, o.item_sender_id AS sender_id, o.arrival_at AS at
FROM open_review_items o
WHERE o.workspace_id = :workspace_id
  AND NOT EXISTS (SELECT 1 FROM event_reviews r
                  WHERE r.workspace_id = :workspace_id AND r.item_kind = o.item_kind
                    AND r.item_sender_id = o.item_sender_id AND r.item_id = o.item_id)
ORDER BY o.arrival_at, o.item_id, o.item_sender_id, o.item_kind
LIMIT :limit
