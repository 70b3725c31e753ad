-- The start of every batch read (find_batch*.sql hold the WHERE and ORDER BY that follow it): a
-- batch with its stops, one row per stop, in one statement, so one snapshot: a plan change
-- committed meanwhile is seen whole or not at all. The batch's wide columns (metadata, visited
-- stops, progress, removed stops, the corridor's route) come once, on its first row (stop 0, or
-- the one row of a batch without stops), not again with every stop.
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
