-- The page of a workspace's open review queue after a cursor (keyset pagination on
-- ix_open_review_items_queue, V18: a range scan of open items from the cursor, however deep the
-- page). A cursor without an id pages from items that arrived strictly later. The anti-join as in
-- find_queue_first.
SELECT o.item_kind AS kind, o.item_id, o.item_sender_id AS sender_id, o.arrival_at AS at
FROM open_review_items o
WHERE o.workspace_id = :workspace_id
  AND (o.arrival_at, o.item_id) > (:after_at, :after_id)
  AND NOT EXISTS (SELECT 1 FROM event_reviews r
                  WHERE r.workspace_id = :workspace_id AND r.item_kind = o.item_kind
                    AND r.item_sender_id = o.item_sender_id AND r.item_id = o.item_id)
ORDER BY o.arrival_at, o.item_id, o.item_sender_id, o.item_kind
LIMIT :limit
