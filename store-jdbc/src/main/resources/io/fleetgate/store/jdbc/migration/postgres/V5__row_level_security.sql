-- fleetgate V5: row-level security on the tables that hold drivers' data (seed 004, "RLS
-- Policies"). The services in core check every call; these policies make PostgreSQL enforce the
-- same rules underneath, so a statement the library did not mean (a bug, an injected query, a
-- host's own SQL on the library's connection) still sees and changes only what the acting
-- principal may.
--
-- Who acts: the store begins every transaction, reads included, with
--   SELECT set_config('fleetgate.role', …, true), set_config('fleetgate.user_id', …, true),
--          set_config('fleetgate.workspace_id', …, true)
-- for the principal of the service call in progress: role 'system', 'driver', 'supervisor' or
-- 'member'; the user id ('system' for the system); the workspace a supervisor or member acts in
-- ('' otherwise). The settings are transaction-local: a pooled connection carries nobody's
-- identity from one transaction to the next, and with no settings (NULL below) every policy is
-- false, so nothing is visible. Work done before anyone is known (logins, token checks,
-- sweepers) runs as 'system', which the policies name explicitly.
--
-- FORCE ROW LEVEL SECURITY binds the tables' owner too, which is usually the role the library
-- connects and migrates with. Superusers and BYPASSRLS roles are never bound: the library must
-- connect as neither. Migrations run with no settings; they change no row of these tables.
--
-- Policies are permissive and combine per command with OR. Where a command needs to read the
-- rows it touches, PostgreSQL applies the SELECT policies as well: UPDATE and DELETE with a WHERE
-- see only rows those policies show, and the new row of an INSERT … RETURNING or of any INSERT …
-- ON CONFLICT (its arbiter is read) must pass them, or the statement fails. No UPDATE or DELETE policy on driver_events, quarantined_events and
-- event_reviews: for every bound role such a statement matches no row; V2's and V4's append-only
-- triggers still refuse them for roles that are not bound.
--
-- Left without row-level security: chargers, merchants, workspaces, workspace_members (reference
-- data the policies themselves consult) and the migration history and lock.
--
-- Every statement is re-runnable: CREATE OR REPLACE, DROP POLICY IF EXISTS before CREATE POLICY,
-- and ENABLE / FORCE are idempotent.

-- The acting principal, NULL when the transaction set nothing. STABLE: evaluated once per
-- statement and inlined, so comparisons with them can use indexes.
CREATE OR REPLACE FUNCTION fleetgate_role() RETURNS text
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT NULLIF(current_setting('fleetgate.role', true), '') $$;

CREATE OR REPLACE FUNCTION fleetgate_user() RETURNS text
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT NULLIF(current_setting('fleetgate.user_id', true), '') $$;

CREATE OR REPLACE FUNCTION fleetgate_workspace() RETURNS text
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT NULLIF(current_setting('fleetgate.workspace_id', true), '') $$;

-- --- exclusive_sessions (seed 000): a driver's own offers ------------------------------------

ALTER TABLE exclusive_sessions ENABLE ROW LEVEL SECURITY;
ALTER TABLE exclusive_sessions FORCE ROW LEVEL SECURITY;

DROP POLICY IF EXISTS exclusive_sessions_own ON exclusive_sessions;
CREATE POLICY exclusive_sessions_own ON exclusive_sessions FOR ALL
    USING (fleetgate_role() = 'system'
           OR (fleetgate_role() = 'driver' AND driver_id = fleetgate_user()))
    WITH CHECK (fleetgate_role() = 'system'
                OR (fleetgate_role() = 'driver' AND driver_id = fleetgate_user()));

-- --- delivery_batches: the assigned driver, the workspace's supervisors and members -----------

ALTER TABLE delivery_batches ENABLE ROW LEVEL SECURITY;
ALTER TABLE delivery_batches FORCE ROW LEVEL SECURITY;

DROP POLICY IF EXISTS delivery_batches_select ON delivery_batches;
CREATE POLICY delivery_batches_select ON delivery_batches FOR SELECT
    USING (fleetgate_role() = 'system'
           OR (fleetgate_role() = 'driver' AND driver_id = fleetgate_user())
           OR (fleetgate_role() IN ('supervisor', 'member') AND workspace_id = fleetgate_workspace()));

-- Batches are created by a supervisor of their workspace (or the system).
DROP POLICY IF EXISTS delivery_batches_insert ON delivery_batches;
CREATE POLICY delivery_batches_insert ON delivery_batches FOR INSERT
    WITH CHECK (fleetgate_role() = 'system'
                OR (fleetgate_role() = 'supervisor' AND workspace_id = fleetgate_workspace()));

-- Moved on by their driver's events, or by a supervisor of the workspace (overrides,
-- assignment). A driver cannot hand a batch to someone else: the new row must still be theirs.
DROP POLICY IF EXISTS delivery_batches_update ON delivery_batches;
CREATE POLICY delivery_batches_update ON delivery_batches FOR UPDATE
    USING (fleetgate_role() = 'system'
           OR (fleetgate_role() = 'driver' AND driver_id = fleetgate_user())
           OR (fleetgate_role() = 'supervisor' AND workspace_id = fleetgate_workspace()))
    WITH CHECK (fleetgate_role() = 'system'
                OR (fleetgate_role() = 'driver' AND driver_id = fleetgate_user())
                OR (fleetgate_role() = 'supervisor' AND workspace_id = fleetgate_workspace()));

-- --- batch_stops: as their batch -------------------------------------------------------------

ALTER TABLE batch_stops ENABLE ROW LEVEL SECURITY;
ALTER TABLE batch_stops FORCE ROW LEVEL SECURITY;

-- The subquery is itself filtered by delivery_batches' policies: a stop is visible exactly when
-- its batch is.
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

-- --- driver_events: the append-only log ------------------------------------------------------

ALTER TABLE driver_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE driver_events FORCE ROW LEVEL SECURITY;

DROP POLICY IF EXISTS driver_events_select ON driver_events;
CREATE POLICY driver_events_select ON driver_events FOR SELECT
    USING (fleetgate_role() = 'system'
           OR (fleetgate_role() = 'driver' AND driver_id = fleetgate_user())
           OR (fleetgate_role() IN ('supervisor', 'member') AND workspace_id = fleetgate_workspace()));

-- A driver appends events of their own batches; a supervisor overrides in their workspace.
DROP POLICY IF EXISTS driver_events_insert ON driver_events;
CREATE POLICY driver_events_insert ON driver_events FOR INSERT
    WITH CHECK (fleetgate_role() = 'system'
                OR (fleetgate_role() = 'driver' AND driver_id = fleetgate_user())
                OR (fleetgate_role() = 'supervisor' AND workspace_id = fleetgate_workspace()));

-- --- quarantined_events: refused events, read by the workspace, never by drivers -------------

ALTER TABLE quarantined_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE quarantined_events FORCE ROW LEVEL SECURITY;

-- The sender sees what they sent: the store keeps refusals with INSERT … ON CONFLICT DO NOTHING
-- (a resent refusal is kept once), and such an insert's new row must pass this policy. The
-- library itself never shows a driver the quarantine.
DROP POLICY IF EXISTS quarantined_events_select ON quarantined_events;
CREATE POLICY quarantined_events_select ON quarantined_events FOR SELECT
    USING (fleetgate_role() = 'system'
           OR (fleetgate_role() IN ('supervisor', 'member') AND workspace_id = fleetgate_workspace())
           OR (fleetgate_role() IN ('driver', 'supervisor', 'member') AND sender_id = fleetgate_user()));

-- Whoever sent a refused event has it kept under their own id (nothing a phone sends is dropped;
-- a member's refused attempt is kept too).
DROP POLICY IF EXISTS quarantined_events_insert ON quarantined_events;
CREATE POLICY quarantined_events_insert ON quarantined_events FOR INSERT
    WITH CHECK (fleetgate_role() = 'system'
                OR (fleetgate_role() IN ('driver', 'supervisor', 'member') AND sender_id = fleetgate_user()));

-- --- event_reviews (V4): the review queue's records ------------------------------------------

ALTER TABLE event_reviews ENABLE ROW LEVEL SECURITY;
ALTER TABLE event_reviews FORCE ROW LEVEL SECURITY;

DROP POLICY IF EXISTS event_reviews_select ON event_reviews;
CREATE POLICY event_reviews_select ON event_reviews FOR SELECT
    USING (fleetgate_role() = 'system'
           OR (fleetgate_role() IN ('supervisor', 'member') AND workspace_id = fleetgate_workspace()));

DROP POLICY IF EXISTS event_reviews_insert ON event_reviews;
CREATE POLICY event_reviews_insert ON event_reviews FOR INSERT
    WITH CHECK (fleetgate_role() = 'system'
                OR (fleetgate_role() = 'supervisor' AND workspace_id = fleetgate_workspace()));

-- --- driver_sessions: the user, and the supervisors and members of a workspace they belong to -

ALTER TABLE driver_sessions ENABLE ROW LEVEL SECURITY;
ALTER TABLE driver_sessions FORCE ROW LEVEL SECURITY;

-- workspace_members.user_id is COLLATE "C"; the comparison is made in it explicitly.
DROP POLICY IF EXISTS driver_sessions_select ON driver_sessions;
CREATE POLICY driver_sessions_select ON driver_sessions FOR SELECT
    USING (fleetgate_role() = 'system'
           OR user_id = fleetgate_user()
           OR (fleetgate_role() IN ('supervisor', 'member')
               AND EXISTS (SELECT 1 FROM workspace_members m
                           WHERE m.user_id = driver_sessions.user_id COLLATE "C"
                             AND m.workspace_id = fleetgate_workspace())));

-- Logins run as the system; a user may open their own.
DROP POLICY IF EXISTS driver_sessions_insert ON driver_sessions;
CREATE POLICY driver_sessions_insert ON driver_sessions FOR INSERT
    WITH CHECK (fleetgate_role() = 'system' OR user_id = fleetgate_user());

-- Token checks, rotation and logout run as the system; a supervisor ends the session of a user
-- of their workspace. Members write nothing. No DELETE policy: sessions are ended, not removed.
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

-- --- user_credentials: the user, and supervisors of a workspace they belong to ---------------

ALTER TABLE user_credentials ENABLE ROW LEVEL SECURITY;
ALTER TABLE user_credentials FORCE ROW LEVEL SECURITY;

-- A supervisor also sees users who belong to no workspace yet: any supervisor may enrol a user
-- (CredentialService.enrol), before anyone adds them to a workspace, and enrolling reads the row
-- back (INSERT … RETURNING, and the idempotent re-enrolment).
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

-- A new PIN: the user themselves, or a supervisor of a workspace they belong to.
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

-- --- login_attempts: the system counts; supervisors and the user themselves lift a lock -------

ALTER TABLE login_attempts ENABLE ROW LEVEL SECURITY;
ALTER TABLE login_attempts FORCE ROW LEVEL SECURITY;

DROP POLICY IF EXISTS login_attempts_system ON login_attempts;
CREATE POLICY login_attempts_system ON login_attempts FOR ALL
    USING (fleetgate_role() = 'system')
    WITH CHECK (fleetgate_role() = 'system');

-- CredentialService.unlock (any supervisor, any username) and setPin (which unlocks the user's
-- own name: the user themselves, or a supervisor) delete the count; deleting by key reads it.
DROP POLICY IF EXISTS login_attempts_select ON login_attempts;
CREATE POLICY login_attempts_select ON login_attempts FOR SELECT
    USING (fleetgate_role() = 'supervisor'
           OR EXISTS (SELECT 1 FROM user_credentials c
                      WHERE c.user_id = fleetgate_user() AND c.username_key = login_attempts.username_key));

DROP POLICY IF EXISTS login_attempts_delete ON login_attempts;
CREATE POLICY login_attempts_delete ON login_attempts FOR DELETE
    USING (fleetgate_role() = 'supervisor'
           OR EXISTS (SELECT 1 FROM user_credentials c
                      WHERE c.user_id = fleetgate_user() AND c.username_key = login_attempts.username_key));
