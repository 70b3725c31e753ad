-- Inserts a workspace or replaces the name and settings of the one with the same id.
INSERT INTO workspaces (id, name, require_signed_events) VALUES (:id, :name, :require_signed_events)
ON CONFLICT (id) DO UPDATE SET name = excluded.name, require_signed_events = excluded.require_signed_events
