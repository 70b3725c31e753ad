-- What taking a call of fixes for a batch needs, in one statement (PositionLog.findIntake): the
-- batch's workspace, driver and corridor (no stops; the route only on the first row), the driver's
-- presence (when last heard, and an open QUIET alert), whether the
-- driver has an ARRIVAL_UNCONFIRMED arrival without a review record near the new fixes, and the
-- driver's stored plausible fixes (no mark) around them, only what a Fix holds (none: one row of NULLs). The batch on its primary key, the
-- fixes on (driver_id, recorded_at), the arrivals on ix_driver_events_unconfirmed_arrivals (V12).
SELECT b.workspace_id AS intake_workspace_id, b.driver_id AS intake_driver_id,
       CASE WHEN row_number() OVER (ORDER BY f.recorded_at) = 1 THEN b.route END AS intake_route,
       b.corridor_width_m AS intake_corridor_width_m,
       EXISTS (SELECT 1 FROM driver_events e
               WHERE e.driver_id = :driver_id AND e.event_type = 'ARRIVED_AT_STOP' AND e.flagged_for_review
                 AND e.recorded_at >= :arrivals_from AND e.recorded_at <= :arrivals_to
                 AND EXISTS (SELECT 1 FROM json_each(e.flag_reasons) AS r
                             WHERE substr(r.value, 1, 19) = 'ARRIVAL_UNCONFIRMED')
                 AND NOT EXISTS (SELECT 1 FROM event_reviews v
                                 WHERE v.workspace_id = e.workspace_id AND v.item_kind = 'EVENT'
                                   AND v.item_sender_id = e.actor_id AND v.item_id = e.event_id))
           AS intake_unconfirmed,
       p.driver_id AS presence_driver_id, p.workspace_id AS presence_workspace_id,
       p.last_heard_at AS presence_last_heard_at,
       p.last_fix_at AS presence_last_fix_at, p.quiet_alert_id AS presence_quiet_alert_id,
       f.recorded_at, f.lat, f.lng, f.accuracy_m, f.speed_mps, f.heading_deg
FROM delivery_batches b
LEFT JOIN driver_presence p ON p.driver_id = :driver_id
LEFT JOIN (SELECT recorded_at, lat, lng, accuracy_m, speed_mps, heading_deg FROM driver_fixes
           WHERE driver_id = :driver_id AND recorded_at >= :from AND recorded_at <= :to AND marks = 0
           ORDER BY recorded_at
           LIMIT :limit) f ON 1 = 1
WHERE b.id = :batch_id
ORDER BY f.recorded_at
