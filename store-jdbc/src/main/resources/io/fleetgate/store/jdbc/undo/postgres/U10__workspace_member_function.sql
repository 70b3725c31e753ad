-- fleetgate U10: undoes V10__workspace_member_function.sql: V8's four policies of driver_sessions
-- and user_credentials again, with the membership test written out in each, then the function
-- goes. Keeps every row; what each principal may see and change is the same before and after.
-- Run it as the owner, in one transaction.
-- With fleetgate's runner, also delete the version's history row in the same transaction:
--   DELETE FROM fleetgate_schema_history WHERE version = 10;
-- (with Flyway, follow Flyway's rules for its own history; see docs/migrations.md).
-- Order: the policies first (they call the function), then the function.

-- V8's policies, as V8 wrote them.

DROP POLICY IF EXISTS driver_sessions_select ON driver_sessions;
CREATE POLICY driver_sessions_select ON driver_sessions FOR SELECT
    USING ((SELECT fleetgate_role()) = 'system'
           OR user_id = (SELECT fleetgate_user())
           OR ((SELECT fleetgate_role()) IN ('supervisor', 'member')
               AND EXISTS (SELECT 1 FROM workspace_members m
                           WHERE m.user_id = driver_sessions.user_id COLLATE "C"
                             AND m.workspace_id = (SELECT fleetgate_workspace()))));

DROP POLICY IF EXISTS driver_sessions_update ON driver_sessions;
CREATE POLICY driver_sessions_update ON driver_sessions FOR UPDATE
    USING ((SELECT fleetgate_role()) = 'system'
           OR user_id = (SELECT fleetgate_user())
           OR ((SELECT fleetgate_role()) = 'supervisor'
               AND EXISTS (SELECT 1 FROM workspace_members m
                           WHERE m.user_id = driver_sessions.user_id COLLATE "C"
                             AND m.workspace_id = (SELECT fleetgate_workspace()))))
    WITH CHECK ((SELECT fleetgate_role()) = 'system'
                OR user_id = (SELECT fleetgate_user())
                OR ((SELECT fleetgate_role()) = 'supervisor'
                    AND EXISTS (SELECT 1 FROM workspace_members m
                                WHERE m.user_id = driver_sessions.user_id COLLATE "C"
                                  AND m.workspace_id = (SELECT fleetgate_workspace()))));

DROP POLICY IF EXISTS user_credentials_select ON user_credentials;
CREATE POLICY user_credentials_select ON user_credentials FOR SELECT
    USING ((SELECT fleetgate_role()) = 'system'
           OR user_id = (SELECT fleetgate_user())
           OR ((SELECT fleetgate_role()) = 'supervisor'
               AND (EXISTS (SELECT 1 FROM workspace_members m
                            WHERE m.user_id = user_credentials.user_id COLLATE "C"
                              AND m.workspace_id = (SELECT fleetgate_workspace()))
                    OR NOT EXISTS (SELECT 1 FROM workspace_members m
                                   WHERE m.user_id = user_credentials.user_id COLLATE "C"))));

DROP POLICY IF EXISTS user_credentials_update ON user_credentials;
CREATE POLICY user_credentials_update ON user_credentials FOR UPDATE
    USING ((SELECT fleetgate_role()) = 'system'
           OR user_id = (SELECT fleetgate_user())
           OR ((SELECT fleetgate_role()) = 'supervisor'
               AND EXISTS (SELECT 1 FROM workspace_members m
                           WHERE m.user_id = user_credentials.user_id COLLATE "C"
                             AND m.workspace_id = (SELECT fleetgate_workspace()))))
    WITH CHECK ((SELECT fleetgate_role()) = 'system'
                OR user_id = (SELECT fleetgate_user())
                OR ((SELECT fleetgate_role()) = 'supervisor'
                    AND EXISTS (SELECT 1 FROM workspace_members m
                                WHERE m.user_id = user_credentials.user_id COLLATE "C"
                                  AND m.workspace_id = (SELECT fleetgate_workspace()))));

DROP FUNCTION IF EXISTS fleetgate_workspace_has_member(text);
