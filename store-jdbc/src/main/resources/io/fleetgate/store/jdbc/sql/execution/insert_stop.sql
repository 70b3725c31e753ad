-- One stop of a batch at its position (a new batch's stops, or a plan change's after
-- delete_stops). proof is a JSON array of {kind, min_count}, NULL for none (V11); polygon a JSON
-- array of [lat, lng] vertices, NULL for the circle of radius_m (V12).
INSERT INTO batch_stops (batch_id, stop_index, stop_id, lat, lng, radius_m, window_earliest, window_latest, proof,
                         code_hash, polygon)
VALUES (:batch_id, :stop_index, :stop_id, :lat, :lng, :radius_m, :window_earliest, :window_latest, :proof,
        :code_hash, :polygon)
