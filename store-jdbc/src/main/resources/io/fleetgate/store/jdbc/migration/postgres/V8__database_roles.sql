-- fleetgate V8: separate database roles and an unforgeable principal (issue #14, point 8).
--
-- What V5 got wrong. V5's policies read the principal from the settings fleetgate.role,
-- fleetgate.user_id and fleetgate.workspace_id, which ANY session can set with set_config: a
-- statement on the library's connection (a bug, an injected query, a host's own SQL), and even a
-- role that owns nothing and was granted SELECT, could set fleetgate.role = 'system' and see
-- every row. And the library connected as the tables' owner, which may ALTER TABLE … DISABLE
-- TRIGGER, NO FORCE / DISABLE ROW LEVEL SECURITY, TRUNCATE, or drop the policies. V5's comment
-- ("a statement the library did not mean … still sees and changes only what the acting principal
-- may") held only against a statement that did not think of setting the settings itself. This
-- file makes it true; V5 stays as it was (applied migrations are checksummed).
--
-- Roles (created by the DBA, never by the library):
--   * the owner: owns the schema and every object in it, runs the migrations (this file
--     included). Only it can read the context key. The store refuses to run as it (or as a
--     superuser or BYPASSRLS role, or any role that is a member of the owner) unless the host
--     says allowPrivilegedRuntime(true).
--   * fleetgate_runtime: a NOLOGIN group role. This file grants it exactly the DML the library
--     runs (below); the DBA grants it to the login role the store runs as, e.g.
--       CREATE ROLE fleetgate_runtime NOLOGIN;
--       CREATE ROLE fleetgate_app LOGIN PASSWORD '…' NOSUPERUSER NOBYPASSRLS;
--       GRANT fleetgate_runtime TO fleetgate_app;
--     It owns nothing, so it cannot ALTER, TRUNCATE, disable triggers or row-level security,
--     drop policies, or read the key.
--
-- The principal. A 64-byte key is generated here, inside the database (four gen_random_uuid(),
-- built in since PostgreSQL 13, drawn from the server's strong random source), and kept in
-- fleetgate_context_key with its HMAC-SHA256 inner and outer pads; only the owner can read it.
-- The store reads the key once, over the owner's connection, and keeps it in memory only. Every
-- transaction begins with ONE transaction-local setting,
--   fleetgate.context = 'v1|<role>|<issued-at, epoch ms>|<hex UTF-8 user id>|<hex UTF-8 workspace id>|<hex HMAC>'
-- where the HMAC-SHA256 under the key covers everything before the last '|'. The policies read
-- the principal only through fleetgate_role(), fleetgate_user() and fleetgate_workspace(): SECURITY
-- DEFINER functions owned by the owner, search_path pinned to pg_catalog, this schema and pg_temp
-- last (so nothing a session creates can stand in for the key table or a built-in), which return
-- NULL - nothing is visible - unless the MAC verifies (computed with the built-in sha256(), no
-- pgcrypto) and the issued-at lies within 60 seconds of the transaction's start by the database's
-- clock. Any role may set the setting to anything; without the key no value verifies, and a value
-- seen in one transaction is refused once a minute has passed. The verifying function itself
-- (fleetgate_context_principal) may be called by the owner only. Replacing the three functions in
-- place also secures every policy that calls them, including those of later migrations.
--
-- The policies of V5 are recreated with the same conditions, each call wrapped as
-- (SELECT fleetgate_role()) so that PostgreSQL evaluates it once per statement (an InitPlan), not
-- once per row (SECURITY DEFINER functions are never inlined). login_attempts keeps V5's policies:
-- its statements touch one row by key, so a per-row call costs the same. The supervisor EXISTS
-- over workspace_members stays written out in each policy: a helper SQL function for it would
-- either not be inlined (pinned search_path) or resolve workspace_members through the caller's
-- search_path (which a session may point at its own temporary table).
--
-- Re-runnable: CREATE … IF NOT EXISTS, the key inserted only when absent, CREATE OR REPLACE,
-- DROP POLICY IF EXISTS before CREATE POLICY, GRANT and REVOKE are idempotent.

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'fleetgate_runtime') THEN
        RAISE EXCEPTION 'fleetgate V8 needs the group role fleetgate_runtime, which the library grants the DML it runs'
            USING HINT = 'As a role with CREATEROLE: CREATE ROLE fleetgate_runtime NOLOGIN; GRANT fleetgate_runtime TO <the login role the store runs as>; then start again.';
    END IF;
END
$$;

-- --- the key ---------------------------------------------------------------------------------

CREATE TABLE IF NOT EXISTS fleetgate_context_key (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    key       BYTEA NOT NULL CHECK (length(key) = 64),
    inner_pad BYTEA NOT NULL CHECK (length(inner_pad) = 64),
    outer_pad BYTEA NOT NULL CHECK (length(outer_pad) = 64)
);

REVOKE ALL ON fleetgate_context_key FROM PUBLIC;

DO $$
DECLARE
    k bytea;
    i bytea;
    o bytea;
BEGIN
    IF EXISTS (SELECT 1 FROM fleetgate_context_key) THEN
        RETURN;
    END IF;
    k := decode(replace(gen_random_uuid()::text || gen_random_uuid()::text
                        || gen_random_uuid()::text || gen_random_uuid()::text, '-', ''), 'hex');
    i := k;
    o := k;
    FOR n IN 0..63 LOOP
        i := set_byte(i, n, get_byte(k, n) # 54);   -- 0x36
        o := set_byte(o, n, get_byte(k, n) # 92);   -- 0x5c
    END LOOP;
    INSERT INTO fleetgate_context_key (id, key, inner_pad, outer_pad) VALUES (1, k, i, o);
END
$$;

-- --- the verified principal --------------------------------------------------------------------

-- fleetgate_context_principal(): the role, user and workspace of this transaction's
-- fleetgate.context when its MAC verifies and it was issued within 60 s of now() (the
-- transaction's start), else three NULLs. Created through format() so that the pinned
-- search_path names this schema.
DO $$
BEGIN
    EXECUTE format($fn$
CREATE OR REPLACE FUNCTION fleetgate_context_principal(OUT role text, OUT user_id text, OUT workspace_id text)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, %I, pg_temp
    AS $body$
DECLARE
    context text := current_setting('fleetgate.context', true);
    payload text;
    parts   text[];
    pads    record;
    issued  bigint;
BEGIN
    IF context IS NULL OR length(context) < 80 OR length(context) > 1000
            OR substr(context, length(context) - 64, 1) <> '|' THEN
        RETURN;
    END IF;
    payload := left(context, length(context) - 65);
    SELECT k.inner_pad, k.outer_pad INTO pads FROM fleetgate_context_key k WHERE k.id = 1;
    IF NOT FOUND OR encode(sha256(pads.outer_pad || sha256(pads.inner_pad || convert_to(payload, 'UTF8'))), 'hex')
            <> right(context, 64) THEN
        RETURN;
    END IF;
    parts := string_to_array(payload, '|');
    IF cardinality(parts) <> 5 OR parts[1] <> 'v1' OR parts[2] NOT IN ('system', 'driver', 'supervisor', 'member')
            OR parts[3] !~ '^[0-9]{1,15}$' THEN
        RETURN;
    END IF;
    issued := parts[3]::bigint;
    IF abs(floor(extract(epoch FROM now()) * 1000)::bigint - issued) > 60000 THEN
        RETURN;
    END IF;
    role := parts[2];
    user_id := NULLIF(convert_from(decode(parts[4], 'hex'), 'UTF8'), '');
    workspace_id := NULLIF(convert_from(decode(parts[5], 'hex'), 'UTF8'), '');
END
$body$
$fn$, current_schema());

    EXECUTE format($fn$
CREATE OR REPLACE FUNCTION fleetgate_role() RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, %I, pg_temp
    AS $body$ SELECT role FROM fleetgate_context_principal() $body$
$fn$, current_schema());

    EXECUTE format($fn$
CREATE OR REPLACE FUNCTION fleetgate_user() RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, %I, pg_temp
    AS $body$ SELECT user_id FROM fleetgate_context_principal() $body$
$fn$, current_schema());

    EXECUTE format($fn$
CREATE OR REPLACE FUNCTION fleetgate_workspace() RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, %I, pg_temp
    AS $body$ SELECT workspace_id FROM fleetgate_context_principal() $body$
$fn$, current_schema());
END
$$;

REVOKE ALL ON FUNCTION fleetgate_context_principal() FROM PUBLIC;

-- --- what the runtime role may do ------------------------------------------------------------

-- USAGE on this schema (its name is known only here, hence format()); no CREATE.
DO $$
BEGIN
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO fleetgate_runtime', current_schema());
END
$$;

-- Every table the library reads and appends to. No TRUNCATE, REFERENCES or TRIGGER anywhere;
-- nothing on fleetgate_context_key, fleetgate_schema_history or fleetgate_schema_lock.
GRANT SELECT, INSERT ON chargers, merchants, exclusive_sessions, workspaces, delivery_batches, batch_stops,
    driver_events, quarantined_events, user_credentials, login_attempts, driver_sessions, workspace_members,
    event_reviews TO fleetgate_runtime;

-- UPDATE only where the library updates (upserts included: ON CONFLICT DO UPDATE needs it).
-- The log (driver_events), the quarantine, the review records and the stops are never updated.
GRANT UPDATE ON chargers, merchants, exclusive_sessions, workspaces, delivery_batches, user_credentials,
    login_attempts, driver_sessions, workspace_members TO fleetgate_runtime;

-- DELETE only where the library deletes: a lapsed or lifted lock count, a removed membership.
GRANT DELETE ON login_attempts, workspace_members TO fleetgate_runtime;

-- V6: per-source attempt counts are upserted and counted down, never deleted; the security audit
-- is append-only (read and appended). V6's policies read the principal through the functions
-- above, so they verify it too; they are keyed lookups on small tables, so their per-row
-- evaluation is left as it is.
GRANT SELECT, INSERT, UPDATE ON login_source_attempts TO fleetgate_runtime;
GRANT SELECT, INSERT ON security_audit TO fleetgate_runtime;

-- --- the policies, once per statement ----------------------------------------------------------

-- --- exclusive_sessions (seed 000): a driver's own offers ------------------------------------


DROP POLICY IF EXISTS exclusive_sessions_own ON exclusive_sessions;
CREATE POLICY exclusive_sessions_own ON exclusive_sessions FOR ALL
    USING ((SELECT fleetgate_role()) = 'system'
           OR ((SELECT fleetgate_role()) = 'driver' AND driver_id = (SELECT fleetgate_user())))
    WITH CHECK ((SELECT fleetgate_role()) = 'system'
                OR ((SELECT fleetgate_role()) = 'driver' AND driver_id = (SELECT fleetgate_user())));

-- --- delivery_batches: the assigned driver, the workspace's supervisors and members -----------


DROP POLICY IF EXISTS delivery_batches_select ON delivery_batches;
CREATE POLICY delivery_batches_select ON delivery_batches FOR SELECT
    USING ((SELECT fleetgate_role()) = 'system'
           OR ((SELECT fleetgate_role()) = 'driver' AND driver_id = (SELECT fleetgate_user()))
           OR ((SELECT fleetgate_role()) IN ('supervisor', 'member') AND workspace_id = (SELECT fleetgate_workspace())));

-- Batches are created by a supervisor of their workspace (or the system).
DROP POLICY IF EXISTS delivery_batches_insert ON delivery_batches;
CREATE POLICY delivery_batches_insert ON delivery_batches FOR INSERT
    WITH CHECK ((SELECT fleetgate_role()) = 'system'
                OR ((SELECT fleetgate_role()) = 'supervisor' AND workspace_id = (SELECT fleetgate_workspace())));

-- Moved on by their driver's events, or by a supervisor of the workspace (overrides,
-- assignment). A driver cannot hand a batch to someone else: the new row must still be theirs.
DROP POLICY IF EXISTS delivery_batches_update ON delivery_batches;
CREATE POLICY delivery_batches_update ON delivery_batches FOR UPDATE
    USING ((SELECT fleetgate_role()) = 'system'
           OR ((SELECT fleetgate_role()) = 'driver' AND driver_id = (SELECT fleetgate_user()))
           OR ((SELECT fleetgate_role()) = 'supervisor' AND workspace_id = (SELECT fleetgate_workspace())))
    WITH CHECK ((SELECT fleetgate_role()) = 'system'
                OR ((SELECT fleetgate_role()) = 'driver' AND driver_id = (SELECT fleetgate_user()))
                OR ((SELECT fleetgate_role()) = 'supervisor' AND workspace_id = (SELECT fleetgate_workspace())));

-- --- batch_stops: as their batch -------------------------------------------------------------


-- The subquery is itself filtered by delivery_batches' policies: a stop is visible exactly when
-- its batch is.
DROP POLICY IF EXISTS batch_stops_select ON batch_stops;
CREATE POLICY batch_stops_select ON batch_stops FOR SELECT
    USING ((SELECT fleetgate_role()) = 'system'
           OR EXISTS (SELECT 1 FROM delivery_batches b WHERE b.id = batch_stops.batch_id));

DROP POLICY IF EXISTS batch_stops_insert ON batch_stops;
CREATE POLICY batch_stops_insert ON batch_stops FOR INSERT
    WITH CHECK ((SELECT fleetgate_role()) = 'system'
                OR ((SELECT fleetgate_role()) = 'supervisor'
                    AND EXISTS (SELECT 1 FROM delivery_batches b
                                WHERE b.id = batch_stops.batch_id AND b.workspace_id = (SELECT fleetgate_workspace()))));

-- --- driver_events: the append-only log ------------------------------------------------------


DROP POLICY IF EXISTS driver_events_select ON driver_events;
CREATE POLICY driver_events_select ON driver_events FOR SELECT
    USING ((SELECT fleetgate_role()) = 'system'
           OR ((SELECT fleetgate_role()) = 'driver' AND driver_id = (SELECT fleetgate_user()))
           OR ((SELECT fleetgate_role()) IN ('supervisor', 'member') AND workspace_id = (SELECT fleetgate_workspace())));

-- A driver appends events of their own batches; a supervisor overrides in their workspace.
DROP POLICY IF EXISTS driver_events_insert ON driver_events;
CREATE POLICY driver_events_insert ON driver_events FOR INSERT
    WITH CHECK ((SELECT fleetgate_role()) = 'system'
                OR ((SELECT fleetgate_role()) = 'driver' AND driver_id = (SELECT fleetgate_user()))
                OR ((SELECT fleetgate_role()) = 'supervisor' AND workspace_id = (SELECT fleetgate_workspace())));

-- --- quarantined_events: refused events, read by the workspace, never by drivers -------------


-- The sender sees what they sent: the store keeps refusals with INSERT … ON CONFLICT DO NOTHING
-- (a resent refusal is kept once), and such an insert's new row must pass this policy. The
-- library itself never shows a driver the quarantine.
DROP POLICY IF EXISTS quarantined_events_select ON quarantined_events;
CREATE POLICY quarantined_events_select ON quarantined_events FOR SELECT
    USING ((SELECT fleetgate_role()) = 'system'
           OR ((SELECT fleetgate_role()) IN ('supervisor', 'member') AND workspace_id = (SELECT fleetgate_workspace()))
           OR ((SELECT fleetgate_role()) IN ('driver', 'supervisor', 'member') AND sender_id = (SELECT fleetgate_user())));

-- Whoever sent a refused event has it kept under their own id (nothing a phone sends is dropped;
-- a member's refused attempt is kept too).
DROP POLICY IF EXISTS quarantined_events_insert ON quarantined_events;
CREATE POLICY quarantined_events_insert ON quarantined_events FOR INSERT
    WITH CHECK ((SELECT fleetgate_role()) = 'system'
                OR ((SELECT fleetgate_role()) IN ('driver', 'supervisor', 'member') AND sender_id = (SELECT fleetgate_user())));

-- --- event_reviews (V4): the review queue's records ------------------------------------------


DROP POLICY IF EXISTS event_reviews_select ON event_reviews;
CREATE POLICY event_reviews_select ON event_reviews FOR SELECT
    USING ((SELECT fleetgate_role()) = 'system'
           OR ((SELECT fleetgate_role()) IN ('supervisor', 'member') AND workspace_id = (SELECT fleetgate_workspace())));

DROP POLICY IF EXISTS event_reviews_insert ON event_reviews;
CREATE POLICY event_reviews_insert ON event_reviews FOR INSERT
    WITH CHECK ((SELECT fleetgate_role()) = 'system'
                OR ((SELECT fleetgate_role()) = 'supervisor' AND workspace_id = (SELECT fleetgate_workspace())));

-- --- driver_sessions: the user, and the supervisors and members of a workspace they belong to -


-- workspace_members.user_id is COLLATE "C"; the comparison is made in it explicitly.
DROP POLICY IF EXISTS driver_sessions_select ON driver_sessions;
CREATE POLICY driver_sessions_select ON driver_sessions FOR SELECT
    USING ((SELECT fleetgate_role()) = 'system'
           OR user_id = (SELECT fleetgate_user())
           OR ((SELECT fleetgate_role()) IN ('supervisor', 'member')
               AND EXISTS (SELECT 1 FROM workspace_members m
                           WHERE m.user_id = driver_sessions.user_id COLLATE "C"
                             AND m.workspace_id = (SELECT fleetgate_workspace()))));

-- Logins run as the system; a user may open their own.
DROP POLICY IF EXISTS driver_sessions_insert ON driver_sessions;
CREATE POLICY driver_sessions_insert ON driver_sessions FOR INSERT
    WITH CHECK ((SELECT fleetgate_role()) = 'system' OR user_id = (SELECT fleetgate_user()));

-- Token checks, rotation and logout run as the system; a supervisor ends the session of a user
-- of their workspace. Members write nothing. No DELETE policy: sessions are ended, not removed.
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

-- --- user_credentials: the user, and supervisors of a workspace they belong to ---------------


-- A supervisor also sees users who belong to no workspace yet: any supervisor may enrol a user
-- (CredentialService.enrol), before anyone adds them to a workspace, and enrolling reads the row
-- back (INSERT … RETURNING, and the idempotent re-enrolment).
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

DROP POLICY IF EXISTS user_credentials_insert ON user_credentials;
CREATE POLICY user_credentials_insert ON user_credentials FOR INSERT
    WITH CHECK ((SELECT fleetgate_role()) IN ('system', 'supervisor'));

-- A new PIN: the user themselves, or a supervisor of a workspace they belong to.
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

