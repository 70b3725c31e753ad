SELECT batch_id, stop_index, stop_id, lat, lng, radius_m, window_earliest, window_latest, proof, code_hash
FROM batch_stops WHERE batch_id IN (<ids>)
ORDER BY batch_id, stop_index
