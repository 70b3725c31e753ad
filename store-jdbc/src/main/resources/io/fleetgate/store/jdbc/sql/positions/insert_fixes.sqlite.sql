-- Appends one fix (run as a JDBC batch over up to 1000): a fix whose key (driver_id, recorded_at)
-- is taken is left as stored (0 rows; V12's BEFORE INSERT trigger drops it first).
INSERT INTO driver_fixes (driver_id, recorded_at, workspace_id, batch_id, lat, lng, accuracy_m, speed_mps,
                          heading_deg, marks, received_at)
VALUES (:driver_id, :recorded_at, :workspace_id, :batch_id, :lat, :lng, :accuracy_m, :speed_mps,
        :heading_deg, :marks, :received_at)
ON CONFLICT (driver_id, recorded_at) DO NOTHING
