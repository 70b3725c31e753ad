-- fleetgate U15: undoes V15__principal_inlined.sql: fleetgate_role(), fleetgate_user() and
-- fleetgate_workspace() are V8's SECURITY DEFINER wrappers again, and PUBLIC loses EXECUTE on the
-- verifier. Run it as the owner, in one transaction.
-- With fleetgate's runner, also delete the version's history row in the same transaction:
--   DELETE FROM fleetgate_schema_history WHERE version = 15;
-- (with Flyway, follow Flyway's rules for its own history; see docs/migrations.md).
DO $$
BEGIN
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

    EXECUTE format('REVOKE EXECUTE ON FUNCTION %I.fleetgate_context_principal() FROM PUBLIC', current_schema());
END
$$;
