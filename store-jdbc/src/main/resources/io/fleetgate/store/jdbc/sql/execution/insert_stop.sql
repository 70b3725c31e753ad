INSERT INTO batch_stops (batch_id, stop_index, lat, lng, radius_m)
VALUES (:batch_id, :stop_index, :lat, :lng, :radius_m)
