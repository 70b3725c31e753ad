INSERT INTO chargers (id, place_id, lat, lng) VALUES (:id, :place_id, :lat, :lng)
ON CONFLICT (id) DO UPDATE SET place_id = excluded.place_id, lat = excluded.lat, lng = excluded.lng
