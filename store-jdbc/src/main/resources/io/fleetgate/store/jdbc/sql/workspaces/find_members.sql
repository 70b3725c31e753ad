-- A workspace's memberships, by user id (ix_workspace_members_workspace's order).
SELECT user_id, workspace_id, role FROM workspace_members WHERE workspace_id = :workspace_id ORDER BY user_id
