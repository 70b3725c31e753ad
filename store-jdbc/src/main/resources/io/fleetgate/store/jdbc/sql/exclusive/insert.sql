-- Inserts a new ACTIVE session unless the driver already has one (the partial unique index).
INSERT INTO exclusive_sessions (
    id, driver_id, merchant_id, merchant_place_id, charger_id, charger_place_id, intent_session_id,
    status, activated_at, expires_at, completed_at, created_at, updated_at,
    activation_lat, activation_lng, activation_accuracy_m, activation_distance_to_charger_m)
VALUES (
    :id, :driver_id, :merchant_id, :merchant_place_id, :charger_id, :charger_place_id, :intent_session_id,
    'ACTIVE', :activated_at, :expires_at, NULL, :created_at, :updated_at,
    :activation_lat, :activation_lng, :activation_accuracy_m, :activation_distance_to_charger_m)
ON CONFLICT (driver_id) WHERE status = 'ACTIVE' DO NOTHING
RETURNING *
