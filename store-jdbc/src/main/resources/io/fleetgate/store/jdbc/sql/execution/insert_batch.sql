-- Inserts a new batch; an existing id is left alone (0 rows: the caller reports false). The
-- corridor (route, corridor_width_m: V12) is written here only: it never changes after.
INSERT INTO delivery_batches (
    id, workspace_id, driver_id, driver_status, current_stop_index, actual_start_time, actual_end_time,
    execution_metadata, visited_stops, stop_progress, removed_stops, route, corridor_width_m, version, created_at,
    updated_at)
VALUES (
    :id, :workspace_id, :driver_id, :driver_status, :current_stop_index, :actual_start_time, :actual_end_time,
    :execution_metadata, :visited_stops, :stop_progress, :removed_stops, :route, :corridor_width_m, :version,
    :created_at, :updated_at)
ON CONFLICT (id) DO NOTHING
