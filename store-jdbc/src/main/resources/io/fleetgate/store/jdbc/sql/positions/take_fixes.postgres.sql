-- What taking a call of fixes for a batch needs, and the call's insert, in one round trip
-- (PositionLog.takeFixes; findIntake runs it with empty arrays, inserting nothing): the batch's
-- workspace, driver and corridor (no stops; the route only on the first row), the driver's presence
-- (when last heard, an open QUIET alert), whether the driver has an ARRIVAL_UNCONFIRMED arrival near
-- the new fixes without a review record (V13: named by kind, sender and id), and the driver's stored
-- plausible fixes (no mark) around them, only what a Fix holds (none: one row of NULLs). The batch on
-- its primary key, the fixes on (driver_id, recorded_at), the arrivals on
-- ix_driver_events_unconfirmed_arrivals (V12).
-- The insert runs only when the batch is the driver's, each fix in the batch's workspace; the whole
-- statement reads one snapshot, so the fixes read are the driver's as they were before the insert.
-- The recorded times inserted come back on every row as one array of integer microseconds since the
-- epoch (intake_inserted_us, NULL when none), so the caller knows which keys were taken. An unknown
-- batch: no row, nothing inserted.
WITH batch AS (
    SELECT id, workspace_id, driver_id, route, corridor_width_m FROM delivery_batches WHERE id = :batch_id
), inserted AS (
    INSERT INTO driver_fixes (driver_id, recorded_at, workspace_id, batch_id, lat, lng, accuracy_m, speed_mps,
                              heading_deg, marks, received_at)
    SELECT b.driver_id, TIMESTAMPTZ 'epoch' + f.recorded_us * INTERVAL '1 microsecond', b.workspace_id, b.id,
           f.lat, f.lng, f.accuracy_m, f.speed_mps, f.heading_deg, f.marks,
           TIMESTAMPTZ 'epoch' + CAST(:received_us AS BIGINT) * INTERVAL '1 microsecond'
    FROM batch b
    CROSS JOIN unnest(CAST(:recorded_us AS BIGINT[]), CAST(:lat AS FLOAT8[]), CAST(:lng AS FLOAT8[]),
                      CAST(:accuracy_m AS FLOAT8[]), CAST(:speed_mps AS FLOAT8[]), CAST(:heading_deg AS FLOAT8[]),
                      CAST(:marks AS INTEGER[]))
         AS f (recorded_us, lat, lng, accuracy_m, speed_mps, heading_deg, marks)
    WHERE b.driver_id = :driver_id
    ON CONFLICT (driver_id, recorded_at) DO NOTHING
    RETURNING recorded_at
)
SELECT b.workspace_id AS intake_workspace_id, b.driver_id AS intake_driver_id,
       CASE WHEN row_number() OVER (ORDER BY f.recorded_at) = 1 THEN b.route END AS intake_route,
       b.corridor_width_m AS intake_corridor_width_m,
       EXISTS (SELECT 1 FROM driver_events e
               WHERE e.driver_id = :driver_id AND e.event_type = 'ARRIVED_AT_STOP' AND e.flagged_for_review
                 AND e.recorded_at >= :arrivals_from AND e.recorded_at <= :arrivals_to
                 AND EXISTS (SELECT 1 FROM jsonb_array_elements_text(e.flag_reasons) AS r (reason)
                             WHERE starts_with(r.reason, 'ARRIVAL_UNCONFIRMED'))
                 AND NOT EXISTS (SELECT 1 FROM event_reviews v
                                 WHERE v.workspace_id = e.workspace_id AND v.item_kind = 'EVENT'
                                   AND v.item_sender_id = e.actor_id AND v.item_id = e.event_id))
           AS intake_unconfirmed,
       (SELECT array_agg(CAST(EXTRACT(EPOCH FROM i.recorded_at) * 1000000 AS BIGINT)) FROM inserted i)
           AS intake_inserted_us,
       p.driver_id AS presence_driver_id, p.workspace_id AS presence_workspace_id,
       p.last_heard_at AS presence_last_heard_at,
       p.last_fix_at AS presence_last_fix_at, p.quiet_alert_id AS presence_quiet_alert_id,
       f.recorded_at, f.lat, f.lng, f.accuracy_m, f.speed_mps, f.heading_deg
FROM batch b
LEFT JOIN driver_presence p ON p.driver_id = :driver_id
LEFT JOIN (SELECT recorded_at, lat, lng, accuracy_m, speed_mps, heading_deg FROM driver_fixes
           WHERE driver_id = :driver_id AND recorded_at >= :from AND recorded_at <= :to AND marks = 0
           ORDER BY recorded_at
           LIMIT :limit) f ON TRUE
ORDER BY f.recorded_at
