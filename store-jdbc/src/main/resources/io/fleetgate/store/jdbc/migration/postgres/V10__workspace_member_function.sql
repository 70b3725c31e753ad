-- fleetgate V10: one SQL function for "the row's user belongs to the acting principal's
-- workspace", the test V8 wrote out six times in the policies of driver_sessions and
-- user_credentials (a supervisor, or a member reading sessions, acts on the users of their own
-- workspace only).
--
-- fleetgate_workspace_has_member(member_id) is true when this transaction's principal verifies
-- (V8: the MAC of fleetgate.context under the context key, issued within 60 s), is a supervisor
-- or a member, and member_id is a member of the workspace that principal acts in; false
-- otherwise: for a driver or the system (they act in no workspace), for no context, and for any
-- context that does not verify. It reads the principal only through V8's
-- fleetgate_context_principal() and nothing a session can set; it is SECURITY DEFINER, owned by
-- the owner, with search_path pinned to pg_catalog, this schema and pg_temp last, like V8's
-- functions, so a temporary table or function a session creates cannot stand in for
-- workspace_members or the verifier. Its argument only chooses which user to look up: it
-- answers for the caller's own verified workspace, never one the caller names.
--
-- The policies keep their role test outside the function, as (SELECT fleetgate_role()), which
-- PostgreSQL evaluates once per statement: a driver's or the system's statement never calls the
-- function. A supervisor's or member's statement calls it once per row it checks (a SECURITY
-- DEFINER function is never inlined), which verifies the MAC again; the library reads and
-- changes these two tables one user at a time.
--
-- EXECUTE stays with PUBLIC, as for fleetgate_role(), fleetgate_user() and
-- fleetgate_workspace(): a policy runs its functions as the role that queries the table, so every
-- role that may read these tables (fleetgate_runtime among them) must be able to call it. It tells
-- a caller only whether a user belongs to the caller's own verified workspace, which
-- workspace_members (no row-level security, SELECT granted to fleetgate_runtime by V8) shows
-- anyway. No table grant changes.
--
-- user_credentials_select keeps its second test written out: a supervisor also sees a user who
-- belongs to no workspace yet (NOT EXISTS over workspace_members), which reads no principal.
--
-- Re-runnable: CREATE OR REPLACE FUNCTION, DROP POLICY IF EXISTS before CREATE POLICY.

DO $$
BEGIN
    EXECUTE format($fn$
CREATE OR REPLACE FUNCTION fleetgate_workspace_has_member(member_id text) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, %I, pg_temp
    AS $body$
SELECT EXISTS (SELECT 1
               FROM fleetgate_context_principal() p
               JOIN workspace_members m ON m.workspace_id = p.workspace_id
               WHERE p.role IN ('supervisor', 'member') AND m.user_id = member_id COLLATE "C")
$body$
$fn$, current_schema());
END
$$;

-- --- driver_sessions: the user, and the supervisors and members of a workspace they belong to -

DROP POLICY IF EXISTS driver_sessions_select ON driver_sessions;
CREATE POLICY driver_sessions_select ON driver_sessions FOR SELECT
    USING ((SELECT fleetgate_role()) = 'system'
           OR user_id = (SELECT fleetgate_user())
           OR ((SELECT fleetgate_role()) IN ('supervisor', 'member') AND fleetgate_workspace_has_member(user_id)));

DROP POLICY IF EXISTS driver_sessions_update ON driver_sessions;
CREATE POLICY driver_sessions_update ON driver_sessions FOR UPDATE
    USING ((SELECT fleetgate_role()) = 'system'
           OR user_id = (SELECT fleetgate_user())
           OR ((SELECT fleetgate_role()) = 'supervisor' AND fleetgate_workspace_has_member(user_id)))
    WITH CHECK ((SELECT fleetgate_role()) = 'system'
                OR user_id = (SELECT fleetgate_user())
                OR ((SELECT fleetgate_role()) = 'supervisor' AND fleetgate_workspace_has_member(user_id)));

-- --- user_credentials: the user, and supervisors of a workspace they belong to ---------------

DROP POLICY IF EXISTS user_credentials_select ON user_credentials;
CREATE POLICY user_credentials_select ON user_credentials FOR SELECT
    USING ((SELECT fleetgate_role()) = 'system'
           OR user_id = (SELECT fleetgate_user())
           OR ((SELECT fleetgate_role()) = 'supervisor'
               AND (fleetgate_workspace_has_member(user_id)
                    OR NOT EXISTS (SELECT 1 FROM workspace_members m
                                   WHERE m.user_id = user_credentials.user_id COLLATE "C"))));

DROP POLICY IF EXISTS user_credentials_update ON user_credentials;
CREATE POLICY user_credentials_update ON user_credentials FOR UPDATE
    USING ((SELECT fleetgate_role()) = 'system'
           OR user_id = (SELECT fleetgate_user())
           OR ((SELECT fleetgate_role()) = 'supervisor' AND fleetgate_workspace_has_member(user_id)))
    WITH CHECK ((SELECT fleetgate_role()) = 'system'
                OR user_id = (SELECT fleetgate_user())
                OR ((SELECT fleetgate_role()) = 'supervisor' AND fleetgate_workspace_has_member(user_id)));
