DELETE FROM workspace_members WHERE user_id = :user_id AND workspace_id = :workspace_id
