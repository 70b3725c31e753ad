-- fleetgate U8: undoes V8__database_roles.sql (the context key, the verifying function, the
-- runtime role's grants, and the once-per-statement policies). Keeps every row.
-- AFTER THIS, THE POLICIES TRUST fleetgate.role / fleetgate.user_id / fleetgate.workspace_id AGAIN,
-- WHICH ANY SESSION CAN SET (see V8's comment): run it only to go back to a library version
-- before V8, and connect that version as the owner. Run it as the owner, in one transaction.
-- With fleetgate's runner, also delete the version's history row in the same transaction:
--   DELETE FROM fleetgate_schema_history WHERE version = 8;
-- (with Flyway, follow Flyway's rules for its own history; see docs/migrations.md).
-- Order: the three functions back to V5's text, then the verifying function and the key, then
-- V5's policies, then the grants.

CREATE OR REPLACE FUNCTION fleetgate_role() RETURNS text
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT NULLIF(current_setting('fleetgate.role', true), '') $$;

CREATE OR REPLACE FUNCTION fleetgate_user() RETURNS text
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT NULLIF(current_setting('fleetgate.user_id', true), '') $$;

CREATE OR REPLACE FUNCTION fleetgate_workspace() RETURNS text
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT NULLIF(current_setting('fleetgate.workspace_id', true), '') $$;

DROP FUNCTION IF EXISTS fleetgate_context_principal();
DROP TABLE IF EXISTS fleetgate_context_key;

-- V5's policies, as V5 wrote them.

DROP POLICY IF EXISTS exclusive_sessions_own ON exclusive_sessions;
CREATE POLICY exclusive_sessions_own ON exclusive_sessions FOR ALL
    USING (fleetgate_role() = 'system'
           OR (fleetgate_role() = 'driver' AND driver_id = fleetgate_user()))
    WITH CHECK (fleetgate_role() = 'system'
                OR (fleetgate_role() = 'driver' AND driver_id = fleetgate_user()));

DROP POLICY IF EXISTS delivery_batches_select ON delivery_batches;
CREATE POLICY delivery_batches_select ON delivery_batches FOR SELECT
    USING (fleetgate_role() = 'system'
           OR (fleetgate_role() = 'driver' AND driver_id = fleetgate_user())
           OR (fleetgate_role() IN ('supervisor', 'member') AND workspace_id = fleetgate_workspace()));

DROP POLICY IF EXISTS delivery_batches_insert ON delivery_batches;
CREATE POLICY delivery_batches_insert ON delivery_batches FOR INSERT
    WITH CHECK (fleetgate_role() = 'system'
                OR (fleetgate_role() = 'supervisor' AND workspace_id = fleetgate_workspace()));

DROP POLICY IF EXISTS delivery_batches_update ON delivery_batches;
CREATE POLICY delivery_batches_update ON delivery_batches FOR UPDATE
    USING (fleetgate_role() = 'system'
           OR (fleetgate_role() = 'driver' AND driver_id = fleetgate_user())
           OR (fleetgate_role() = 'supervisor' AND workspace_id = fleetgate_workspace()))
    WITH CHECK (fleetgate_role() = 'system'
                OR (fleetgate_role() = 'driver' AND driver_id = fleetgate_user())
                OR (fleetgate_role() = 'supervisor' AND workspace_id = fleetgate_workspace()));

DROP POLICY IF EXISTS batch_stops_select ON batch_stops;
CREATE POLICY batch_stops_select ON batch_stops FOR SELECT
    USING (fleetgate_role() = 'system'
           OR EXISTS (SELECT 1 FROM delivery_batches b WHERE b.id = batch_stops.batch_id));

DROP POLICY IF EXISTS batch_stops_insert ON batch_stops;
CREATE POLICY batch_stops_insert ON batch_stops FOR INSERT
    WITH CHECK (fleetgate_role() = 'system'
                OR (fleetgate_role() = 'supervisor'
                    AND EXISTS (SELECT 1 FROM delivery_batches b
                                WHERE b.id = batch_stops.batch_id AND b.workspace_id = fleetgate_workspace())));

DROP POLICY IF EXISTS driver_events_select ON driver_events;
CREATE POLICY driver_events_select ON driver_events FOR SELECT
    USING (fleetgate_role() = 'system'
           OR (fleetgate_role() = 'driver' AND driver_id = fleetgate_user())
           OR (fleetgate_role() IN ('supervisor', 'member') AND workspace_id = fleetgate_workspace()));

DROP POLICY IF EXISTS driver_events_insert ON driver_events;
CREATE POLICY driver_events_insert ON driver_events FOR INSERT
    WITH CHECK (fleetgate_role() = 'system'
                OR (fleetgate_role() = 'driver' AND driver_id = fleetgate_user())
                OR (fleetgate_role() = 'supervisor' AND workspace_id = fleetgate_workspace()));

DROP POLICY IF EXISTS quarantined_events_select ON quarantined_events;
CREATE POLICY quarantined_events_select ON quarantined_events FOR SELECT
    USING (fleetgate_role() = 'system'
           OR (fleetgate_role() IN ('supervisor', 'member') AND workspace_id = fleetgate_workspace())
           OR (fleetgate_role() IN ('driver', 'supervisor', 'member') AND sender_id = fleetgate_user()));

DROP POLICY IF EXISTS quarantined_events_insert ON quarantined_events;
CREATE POLICY quarantined_events_insert ON quarantined_events FOR INSERT
    WITH CHECK (fleetgate_role() = 'system'
                OR (fleetgate_role() IN ('driver', 'supervisor', 'member') AND sender_id = fleetgate_user()));

DROP POLICY IF EXISTS event_reviews_select ON event_reviews;
CREATE POLICY event_reviews_select ON event_reviews FOR SELECT
    USING (fleetgate_role() = 'system'
           OR (fleetgate_role() IN ('supervisor', 'member') AND workspace_id = fleetgate_workspace()));

DROP POLICY IF EXISTS event_reviews_insert ON event_reviews;
CREATE POLICY event_reviews_insert ON event_reviews FOR INSERT
    WITH CHECK (fleetgate_role() = 'system'
                OR (fleetgate_role() = 'supervisor' AND workspace_id = fleetgate_workspace()));

DROP POLICY IF EXISTS driver_sessions_select ON driver_sessions;
CREATE POLICY driver_sessions_select ON driver_sessions FOR SELECT
    USING (fleetgate_role() = 'system'
           OR user_id = fleetgate_user()
           OR (fleetgate_role() IN ('supervisor', 'member')
               AND EXISTS (SELECT 1 FROM workspace_members m
                           WHERE m.user_id = driver_sessions.user_id COLLATE "C"
                             AND m.workspace_id = fleetgate_workspace())));

DROP POLICY IF EXISTS driver_sessions_insert ON driver_sessions;
CREATE POLICY driver_sessions_insert ON driver_sessions FOR INSERT
    WITH CHECK (fleetgate_role() = 'system' OR user_id = fleetgate_user());

DROP POLICY IF EXISTS driver_sessions_update ON driver_sessions;
CREATE POLICY driver_sessions_update ON driver_sessions FOR UPDATE
    USING (fleetgate_role() = 'system'
           OR user_id = fleetgate_user()
           OR (fleetgate_role() = 'supervisor'
               AND EXISTS (SELECT 1 FROM workspace_members m
                           WHERE m.user_id = driver_sessions.user_id COLLATE "C"
                             AND m.workspace_id = fleetgate_workspace())))
    WITH CHECK (fleetgate_role() = 'system'
                OR user_id = fleetgate_user()
                OR (fleetgate_role() = 'supervisor'
                    AND EXISTS (SELECT 1 FROM workspace_members m
                                WHERE m.user_id = driver_sessions.user_id COLLATE "C"
                                  AND m.workspace_id = fleetgate_workspace())));

DROP POLICY IF EXISTS user_credentials_select ON user_credentials;
CREATE POLICY user_credentials_select ON user_credentials FOR SELECT
    USING (fleetgate_role() = 'system'
           OR user_id = fleetgate_user()
           OR (fleetgate_role() = 'supervisor'
               AND (EXISTS (SELECT 1 FROM workspace_members m
                            WHERE m.user_id = user_credentials.user_id COLLATE "C"
                              AND m.workspace_id = fleetgate_workspace())
                    OR NOT EXISTS (SELECT 1 FROM workspace_members m
                                   WHERE m.user_id = user_credentials.user_id COLLATE "C"))));

DROP POLICY IF EXISTS user_credentials_insert ON user_credentials;
CREATE POLICY user_credentials_insert ON user_credentials FOR INSERT
    WITH CHECK (fleetgate_role() IN ('system', 'supervisor'));

DROP POLICY IF EXISTS user_credentials_update ON user_credentials;
CREATE POLICY user_credentials_update ON user_credentials FOR UPDATE
    USING (fleetgate_role() = 'system'
           OR user_id = fleetgate_user()
           OR (fleetgate_role() = 'supervisor'
               AND EXISTS (SELECT 1 FROM workspace_members m
                           WHERE m.user_id = user_credentials.user_id COLLATE "C"
                             AND m.workspace_id = fleetgate_workspace())))
    WITH CHECK (fleetgate_role() = 'system'
                OR user_id = fleetgate_user()
                OR (fleetgate_role() = 'supervisor'
                    AND EXISTS (SELECT 1 FROM workspace_members m
                                WHERE m.user_id = user_credentials.user_id COLLATE "C"
                                  AND m.workspace_id = fleetgate_workspace())));

REVOKE SELECT, INSERT ON security_audit FROM fleetgate_runtime;
REVOKE SELECT, INSERT, UPDATE ON login_source_attempts FROM fleetgate_runtime;
REVOKE DELETE ON login_attempts, workspace_members FROM fleetgate_runtime;
REVOKE UPDATE ON chargers, merchants, exclusive_sessions, workspaces, delivery_batches, user_credentials,
    login_attempts, driver_sessions, workspace_members FROM fleetgate_runtime;
REVOKE SELECT, INSERT ON chargers, merchants, exclusive_sessions, workspaces, delivery_batches, batch_stops,
    driver_events, quarantined_events, user_credentials, login_attempts, driver_sessions, workspace_members,
    event_reviews FROM fleetgate_runtime;
DO $$
BEGIN
    EXECUTE format('REVOKE USAGE ON SCHEMA %I FROM fleetgate_runtime', current_schema());
END
$$;
