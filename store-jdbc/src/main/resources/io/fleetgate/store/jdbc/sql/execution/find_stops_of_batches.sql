SELECT batch_id, stop_index, lat, lng, radius_m FROM batch_stops WHERE batch_id IN (<ids>)
ORDER BY batch_id, stop_index
