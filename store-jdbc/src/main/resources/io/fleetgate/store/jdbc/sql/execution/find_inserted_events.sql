-- Which of these event ids are in the log, at which batch version (to tell our rows from older
-- ones when the driver does not report a batch's row counts).
SELECT event_id, batch_id, batch_version FROM driver_events WHERE event_id IN (<ids>)
