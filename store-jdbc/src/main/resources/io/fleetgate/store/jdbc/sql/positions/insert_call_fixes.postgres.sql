-- Appends one phone's call of fixes (up to 1000; one driver, workspace, batch and receipt, each
-- bound once) in one statement, the varying columns each bound as one array (instants as integer
-- microseconds since the epoch, exact). A fix whose key (driver_id, recorded_at) is taken is left
-- as stored; the recorded times inserted come back, so the caller knows which were taken.
INSERT INTO driver_fixes (driver_id, recorded_at, workspace_id, batch_id, lat, lng, accuracy_m, speed_mps,
                          heading_deg, marks, received_at)
SELECT CAST(:driver_id AS VARCHAR), TIMESTAMPTZ 'epoch' + f.recorded_us * INTERVAL '1 microsecond',
       CAST(:workspace_id AS VARCHAR), CAST(:batch_id AS VARCHAR), f.lat, f.lng, f.accuracy_m, f.speed_mps,
       f.heading_deg, f.marks, TIMESTAMPTZ 'epoch' + CAST(:received_us AS BIGINT) * INTERVAL '1 microsecond'
FROM unnest(CAST(:recorded_us AS BIGINT[]), CAST(:lat AS FLOAT8[]), CAST(:lng AS FLOAT8[]),
            CAST(:accuracy_m AS FLOAT8[]), CAST(:speed_mps AS FLOAT8[]), CAST(:heading_deg AS FLOAT8[]),
            CAST(:marks AS INTEGER[]))
     AS f (recorded_us, lat, lng, accuracy_m, speed_mps, heading_deg, marks)
ON CONFLICT (driver_id, recorded_at) DO NOTHING
RETURNING recorded_at
