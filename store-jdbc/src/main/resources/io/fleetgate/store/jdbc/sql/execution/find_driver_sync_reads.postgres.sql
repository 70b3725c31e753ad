-- What a driver's sync call reads before it decides (EventLog.findDriverSyncReads), as five
-- statements sent together: pgjdbc sends them in one round trip (one Sync), inside the read's
-- transaction bound to the driver, so the call pays one access-context statement and one commit
-- for all of them instead of one each. Each statement is one of the reads the call would make
-- otherwise, the same rows under the same policies; ids come as arrays (one parameter, not one per
-- id). In order:
-- 1. the batches with their stops (batch_rows.sql's columns and join, find_batches.sql's order);
-- 2. the driver's own events with the call's ids (their claims, V16), only in the workspaces of the
--    named batches that are the driver's (a batch the driver may not act on: nothing of it read
--    beyond its row);
-- 3. those workspaces' rows;
-- 4. the driver's batches on route (find_in_progress.sql);
-- 5. the driver's latest located event (find_last_located.sql).
-- The statements are not one snapshot: the commit checks again what they decided on (batch
-- versions, event ids, the one batch on route).
SELECT b.id, b.workspace_id, b.driver_id, b.driver_status, b.current_stop_index, b.actual_start_time,
       b.actual_end_time, b.version, b.created_at, b.updated_at, b.corridor_width_m,
       CASE WHEN s.stop_index IS NULL OR s.stop_index = 0 THEN b.execution_metadata END AS execution_metadata,
       CASE WHEN s.stop_index IS NULL OR s.stop_index = 0 THEN b.visited_stops END AS visited_stops,
       CASE WHEN s.stop_index IS NULL OR s.stop_index = 0 THEN b.stop_progress END AS stop_progress,
       CASE WHEN s.stop_index IS NULL OR s.stop_index = 0 THEN b.removed_stops END AS removed_stops,
       CASE WHEN s.stop_index IS NULL OR s.stop_index = 0 THEN b.route END AS route,
       s.stop_index, s.stop_id, s.lat, s.lng, s.radius_m, s.window_earliest, s.window_latest, s.proof, s.code_hash,
       s.polygon
FROM delivery_batches b LEFT JOIN batch_stops s ON s.batch_id = b.id
WHERE b.id = ANY (CAST(:batch_ids AS TEXT[]))
ORDER BY b.id, s.stop_index;
SELECT c.workspace_id, c.event_id, c.content_hash FROM driver_event_ids c
WHERE c.actor_id = :driver_id AND c.event_id = ANY (CAST(:event_ids AS TEXT[]))
  AND c.workspace_id IN (SELECT b.workspace_id FROM delivery_batches b
                         WHERE b.id = ANY (CAST(:batch_ids AS TEXT[])) AND b.driver_id = :driver_id);
SELECT w.id, w.name, w.require_signed_events FROM workspaces w
WHERE w.id IN (SELECT b.workspace_id FROM delivery_batches b
               WHERE b.id = ANY (CAST(:batch_ids AS TEXT[])) AND b.driver_id = :driver_id);
SELECT id FROM delivery_batches
WHERE driver_id = :driver_id AND driver_status IN ('EN_ROUTE', 'AT_STOP', 'DELAYED')
ORDER BY id;
SELECT * FROM driver_events
WHERE driver_id = :driver_id AND lat IS NOT NULL
ORDER BY recorded_at DESC, event_id DESC
LIMIT 1
