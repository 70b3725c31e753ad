-- One page of a workspace's members of a role, by user id, after a user id ('' for the first page):
-- the status board's page, on ix_workspace_members_workspace (workspace_id, user_id). Code point
-- order on PostgreSQL too (the columns are COLLATE "C").
SELECT user_id, workspace_id, role FROM workspace_members
WHERE workspace_id = :workspace_id AND role = :role AND user_id > :after
ORDER BY user_id
LIMIT :limit
