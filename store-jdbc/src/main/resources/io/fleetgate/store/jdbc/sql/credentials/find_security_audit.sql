SELECT * FROM security_audit WHERE workspace_id = :workspace_id ORDER BY at, id
