-- The first page of a workspace's open review queue: its flagged events, its quarantined events
-- and its position alerts not merged into another (V12) that have no review record, oldest first
-- by arrival (synced_at / received_at / created_at), ties by id. Each branch walks its own index
-- and stops at :limit rows before the three are merged.
SELECT kind, item_id, sender_id, at FROM (
    SELECT * FROM (
        SELECT 'EVENT' AS kind, e.event_id AS item_id, e.actor_id AS sender_id, e.synced_at AS at
        FROM driver_events e
        WHERE e.workspace_id = :workspace_id AND e.flagged_for_review
          AND NOT EXISTS (SELECT 1 FROM event_reviews r
                          WHERE r.workspace_id = :workspace_id AND r.item_kind = 'EVENT'
                            AND r.item_sender_id = e.actor_id AND r.item_id = e.event_id)
        ORDER BY e.synced_at, e.event_id
        LIMIT :limit) flagged
    UNION ALL
    SELECT * FROM (
        SELECT 'QUARANTINED' AS kind, q.id AS item_id, '' AS sender_id, q.received_at AS at
        FROM quarantined_events q
        WHERE q.workspace_id = :workspace_id
          AND NOT EXISTS (SELECT 1 FROM event_reviews r
                          WHERE r.workspace_id = :workspace_id AND r.item_kind = 'QUARANTINED'
                            AND r.item_sender_id = '' AND r.item_id = q.id)
        ORDER BY q.received_at, q.id
        LIMIT :limit) refused
    UNION ALL
    SELECT * FROM (
        SELECT 'ALERT' AS kind, a.id AS item_id, '' AS sender_id, a.created_at AS at
        FROM position_alerts a
        WHERE a.workspace_id = :workspace_id AND a.merged_into IS NULL
          AND NOT EXISTS (SELECT 1 FROM event_reviews r
                          WHERE r.workspace_id = :workspace_id AND r.item_kind = 'ALERT'
                            AND r.item_sender_id = '' AND r.item_id = a.id)
        ORDER BY a.created_at, a.id
        LIMIT :limit) alerts
) items
ORDER BY at, item_id, sender_id
LIMIT :limit
