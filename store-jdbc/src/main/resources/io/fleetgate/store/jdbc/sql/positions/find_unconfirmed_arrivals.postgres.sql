-- A driver's ARRIVED_AT_STOP events flagged ARRIVAL_UNCONFIRMED (a reason starting so) without a review
-- record, recorded in a range (both ends included), oldest first, ties by event id (COLLATE "C"),
-- on the partial index ix_driver_events_unconfirmed_arrivals (V12).
SELECT e.* FROM driver_events e
WHERE e.driver_id = :driver_id AND e.event_type = 'ARRIVED_AT_STOP' AND e.flagged_for_review
  AND e.recorded_at >= :from AND e.recorded_at <= :to
  AND EXISTS (SELECT 1 FROM jsonb_array_elements_text(e.flag_reasons) AS f (reason)
              WHERE starts_with(f.reason, 'ARRIVAL_UNCONFIRMED'))
  AND NOT EXISTS (SELECT 1 FROM event_reviews r WHERE r.workspace_id = e.workspace_id AND r.item_kind = 'EVENT'
                                                   AND r.item_sender_id = e.actor_id AND r.item_id = e.event_id)
ORDER BY e.recorded_at, e.event_id
LIMIT :limit
