-- The driver's phone spoke: last_heard_at and last_fix_at move forward only, the workspace
-- follows a later last_heard_at, quiet_alert_id is cleared (every right-hand side reads the row
-- as it was).
INSERT INTO driver_presence (driver_id, workspace_id, last_heard_at, last_fix_at, quiet_alert_id)
VALUES (:driver_id, :workspace_id, :heard_at, :last_fix_at, NULL)
ON CONFLICT (driver_id) DO UPDATE SET
    workspace_id   = CASE WHEN excluded.last_heard_at > driver_presence.last_heard_at
                          THEN excluded.workspace_id ELSE driver_presence.workspace_id END,
    last_heard_at  = max(driver_presence.last_heard_at, excluded.last_heard_at),
    last_fix_at    = CASE WHEN driver_presence.last_fix_at IS NULL
                               OR excluded.last_fix_at > driver_presence.last_fix_at
                          THEN excluded.last_fix_at ELSE driver_presence.last_fix_at END,
    quiet_alert_id = NULL
