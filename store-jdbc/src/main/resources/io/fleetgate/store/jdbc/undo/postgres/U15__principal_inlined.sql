-- fleetgate U15: undoes V15__principal_inlined.sql: fleetgate_role(), fleetgate_user() and
-- fleetgate_workspace() are V8's SECURITY DEFINER wrappers again, and PUBLIC loses EXECUTE on the
-- verifier. Run it as the owner, in one transaction.
-- With fleetgate's runner, also delete the version's history row in the same transaction:
--   DELETE FROM fleetgate_schema_history WHERE version = 15;
-- (with Flyway, follow Flyway's rules for its own history; see docs/migrations.md).
DO $$
DECLARE
    f text[];
BEGIN
    -- each wrapper and the verifier's field it answers, as V8 made them
    FOREACH f SLICE 1 IN ARRAY ARRAY[['fleetgate_role', 'role'], ['fleetgate_user', 'user_id'],
                                     ['fleetgate_workspace', 'workspace_id']] LOOP
        EXECUTE format($fn$
CREATE OR REPLACE FUNCTION %I() RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, %I, pg_temp
    AS $body$ SELECT %s FROM fleetgate_context_principal() $body$
$fn$, f[1], current_schema(), f[2]);
    END LOOP;

    EXECUTE format('REVOKE EXECUTE ON FUNCTION %I.fleetgate_context_principal() FROM PUBLIC', current_schema());
END
$$;
