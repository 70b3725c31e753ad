-- Adds a membership or changes the role of the existing one, in one statement. The row is
-- selected from workspaces, so an unknown workspace inserts nothing (row count 0) rather than
-- tripping the foreign key; the foreign key still guards every other writer.
INSERT INTO workspace_members (user_id, workspace_id, role)
SELECT :user_id, id, :role FROM workspaces WHERE id = :workspace_id
ON CONFLICT (user_id, workspace_id) DO UPDATE SET role = excluded.role
