-- The driver's phone spoke, in one statement: the presence row is locked and its open QUIET alert
-- read (old), then upserted: last_heard_at and last_fix_at move forward only (GREATEST ignores
-- NULL), the workspace follows a later last_heard_at, quiet_alert_id is cleared. The insert reads
-- old (the LEFT JOIN), so the lock and the read come first. Returns the alert that was open (no
-- row, or NULL, for none).
WITH old AS MATERIALIZED (
    SELECT quiet_alert_id FROM driver_presence WHERE driver_id = :driver_id FOR UPDATE
), moved AS (
    INSERT INTO driver_presence (driver_id, workspace_id, last_heard_at, last_fix_at, quiet_alert_id)
    SELECT CAST(:driver_id AS VARCHAR), CAST(:workspace_id AS VARCHAR), CAST(:heard_at AS TIMESTAMPTZ),
           CAST(:last_fix_at AS TIMESTAMPTZ), NULL
    FROM (SELECT 1) AS one LEFT JOIN old ON TRUE
    ON CONFLICT (driver_id) DO UPDATE SET
        workspace_id   = CASE WHEN excluded.last_heard_at > driver_presence.last_heard_at
                              THEN excluded.workspace_id ELSE driver_presence.workspace_id END,
        last_heard_at  = GREATEST(driver_presence.last_heard_at, excluded.last_heard_at),
        last_fix_at    = GREATEST(driver_presence.last_fix_at, excluded.last_fix_at),
        quiet_alert_id = NULL
)
SELECT quiet_alert_id FROM old
