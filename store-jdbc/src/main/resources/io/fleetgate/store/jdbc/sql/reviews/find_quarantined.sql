-- Review queue items that are quarantined events, by record id (rows of a page found by find_queue_*).
SELECT * FROM quarantined_events WHERE id IN (<ids>)
