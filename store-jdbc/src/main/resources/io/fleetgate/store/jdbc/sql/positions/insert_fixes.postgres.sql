-- Appends up to 1000 fixes in one statement, each column bound as one array (instants as integer
-- microseconds since the epoch, exact). A fix whose key (driver_id, recorded_at) is taken is left
-- as stored; the keys inserted come back, so the caller knows which were taken.
INSERT INTO driver_fixes (driver_id, recorded_at, workspace_id, batch_id, lat, lng, accuracy_m, speed_mps,
                          heading_deg, marks, received_at)
SELECT f.driver_id, TIMESTAMPTZ 'epoch' + f.recorded_us * INTERVAL '1 microsecond', f.workspace_id, f.batch_id,
       f.lat, f.lng, f.accuracy_m, f.speed_mps, f.heading_deg, f.marks,
       TIMESTAMPTZ 'epoch' + f.received_us * INTERVAL '1 microsecond'
FROM unnest(CAST(:driver_id AS TEXT[]), CAST(:recorded_us AS BIGINT[]), CAST(:workspace_id AS TEXT[]),
            CAST(:batch_id AS TEXT[]), CAST(:lat AS FLOAT8[]), CAST(:lng AS FLOAT8[]),
            CAST(:accuracy_m AS FLOAT8[]), CAST(:speed_mps AS FLOAT8[]), CAST(:heading_deg AS FLOAT8[]),
            CAST(:marks AS INTEGER[]), CAST(:received_us AS BIGINT[]))
     AS f (driver_id, recorded_us, workspace_id, batch_id, lat, lng, accuracy_m, speed_mps, heading_deg, marks,
           received_us)
ON CONFLICT (driver_id, recorded_at) DO NOTHING
RETURNING driver_id, recorded_at
