-- Every driver's ARRIVED_AT_STOP events flagged ARRIVAL_UNCONFIRMED (a reason starting so:
-- substr, as LIKE ignores case and reads _ as a wildcard) without a review record, recorded in a
-- range (both ends included), oldest first, ties by event id, on the partial index
-- ix_driver_events_unconfirmed_arrivals (V12).
SELECT e.* FROM driver_events e
WHERE e.event_type = 'ARRIVED_AT_STOP' AND e.flagged_for_review
  AND e.recorded_at >= :from AND e.recorded_at <= :to
  AND EXISTS (SELECT 1 FROM json_each(e.flag_reasons) AS f
              WHERE substr(f.value, 1, 19) = 'ARRIVAL_UNCONFIRMED')
  AND NOT EXISTS (SELECT 1 FROM event_reviews r WHERE r.workspace_id = e.workspace_id AND r.item_kind = 'EVENT'
                                                   AND r.item_sender_id = e.actor_id AND r.item_id = e.event_id)
ORDER BY e.recorded_at, e.event_id
LIMIT :limit
