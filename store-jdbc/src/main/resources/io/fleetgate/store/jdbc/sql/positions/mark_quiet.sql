-- Compare-and-set on last_heard_at: the driver's open QUIET alert, only if they were not heard
-- since (0 rows: they spoke meanwhile).
UPDATE driver_presence SET quiet_alert_id = :alert_id
WHERE driver_id = :driver_id AND last_heard_at = :last_heard_at
