-- The driver's open QUIET alert, read before heard.sqlite.sql clears it (in one IMMEDIATE
-- transaction: no other writer in between).
SELECT quiet_alert_id FROM driver_presence WHERE driver_id = :driver_id
