SELECT batch_id, stop_index, stop_id, lat, lng, radius_m, window_earliest, window_latest, proof, code_hash, polygon
FROM batch_stops WHERE batch_id = :batch_id ORDER BY stop_index
