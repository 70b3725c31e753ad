-- Review queue items that are flagged events, by id (rows of a page found by find_queue_*).
SELECT * FROM driver_events WHERE event_id IN (<ids>)
