SELECT id, name, require_signed_events FROM workspaces WHERE id = :id
