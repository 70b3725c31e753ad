-- A new alert; one whose driver, kind and first_at (or id) are taken is left alone (0 rows).
INSERT INTO position_alerts (id, workspace_id, driver_id, batch_id, kind, first_at, last_at, count, detail,
                             created_at, merged_into)
VALUES (:id, :workspace_id, :driver_id, :batch_id, :kind, :first_at, :last_at, :count, :detail,
        :created_at, :merged_into)
ON CONFLICT DO NOTHING
