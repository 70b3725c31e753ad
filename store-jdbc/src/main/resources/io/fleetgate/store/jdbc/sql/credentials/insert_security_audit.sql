-- Appends one entry of a workspace's security audit (append-only: see V6).
INSERT INTO security_audit (id, workspace_id, actor_id, action, user_id, at)
VALUES (:id, :workspace_id, :actor_id, :action, :user_id, :at)
