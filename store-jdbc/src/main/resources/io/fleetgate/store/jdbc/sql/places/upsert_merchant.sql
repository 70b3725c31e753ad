INSERT INTO merchants (id, place_id, name) VALUES (:id, :place_id, :name)
ON CONFLICT (id) DO UPDATE SET place_id = excluded.place_id, name = excluded.name
