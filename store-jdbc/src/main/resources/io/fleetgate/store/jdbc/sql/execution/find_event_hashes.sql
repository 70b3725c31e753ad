SELECT event_id, content_hash FROM driver_events WHERE event_id IN (<ids>)
