-- A user's memberships, by workspace id (the primary key's order; code point order on PostgreSQL
-- too, the columns are COLLATE "C").
SELECT user_id, workspace_id, role FROM workspace_members WHERE user_id = :user_id ORDER BY workspace_id
