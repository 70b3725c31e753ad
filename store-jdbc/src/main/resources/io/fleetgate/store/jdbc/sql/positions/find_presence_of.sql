-- The presence of the listed drivers of a workspace (the status board's page), by primary key.
SELECT * FROM driver_presence WHERE workspace_id = :workspace_id AND driver_id IN (<ids>)
