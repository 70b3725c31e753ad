-- Compare-and-set of a batch after a sync's events: only if it is still at the version the
-- decision was made on (0 rows: the whole commit is rolled back). workspace_id is in the WHERE so
-- the statement stays routable when the table is distributed by workspace. created_at and the
-- corridor (route, corridor_width_m) never change after the insert; the stops change only with a
-- plan change, which rewrites them (delete_stops, insert_stop) in the same transaction.
UPDATE delivery_batches
SET driver_id          = :driver_id,
    driver_status      = :driver_status,
    current_stop_index = :current_stop_index,
    actual_start_time  = :actual_start_time,
    actual_end_time    = :actual_end_time,
    execution_metadata = :execution_metadata,
    visited_stops      = :visited_stops,
    stop_progress      = :stop_progress,
    removed_stops      = :removed_stops,
    version            = :version,
    updated_at         = :updated_at
WHERE id = :id AND workspace_id = :workspace_id AND version = :expected_version
