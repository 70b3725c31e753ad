SELECT batch_id, stop_index, lat, lng, radius_m FROM batch_stops WHERE batch_id = :batch_id ORDER BY stop_index
