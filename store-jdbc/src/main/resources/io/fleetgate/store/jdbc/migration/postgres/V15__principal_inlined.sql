-- fleetgate V15: the policies call the principal's verifier directly, once per reference.
--
-- V8 made fleetgate_role(), fleetgate_user() and fleetgate_workspace() SECURITY DEFINER functions in
-- LANGUAGE sql that call fleetgate_context_principal() (the verifier of the context's MAC). A
-- SECURITY DEFINER function is never inlined, and PostgreSQL (up to 17) plans the body of a
-- non-inlined LANGUAGE sql function again in every statement that calls it: each policy reference,
-- an init plan of its own, paid a parse and plan of the wrapper on top of the verification, about
-- as much again. Here the three become plain LANGUAGE sql functions that PostgreSQL inlines: a
-- policy's `(SELECT fleetgate_role())` is planned as `(SELECT (<schema>.fleetgate_context_principal()).role)`,
-- one call of the verifier per init plan and nothing else.
--
-- What stays: the verifier is still the one SECURITY DEFINER function that reads the key
-- (fleetgate_context_key, readable by the owner only) and still answers three NULLs for a context
-- that does not verify. EXECUTE on it goes to PUBLIC, as it was on V8's wrappers: an inlined call
-- runs as the caller, so every role the policies apply to (the runtime role, a reader role an
-- operator grants SELECT to) needs it. It tells the caller only what its own context verifies as,
-- which V8's wrappers already told anyone. The wrappers name the verifier with its schema, so the
-- caller's search_path cannot point them elsewhere, and the runtime role can create no function
-- anywhere (V8). Re-runnable: CREATE OR REPLACE FUNCTION, GRANT is idempotent.
DO $$
DECLARE
    f text[];
BEGIN
    -- each wrapper and the verifier's field it answers
    FOREACH f SLICE 1 IN ARRAY ARRAY[['fleetgate_role', 'role'], ['fleetgate_user', 'user_id'],
                                     ['fleetgate_workspace', 'workspace_id']] LOOP
        EXECUTE format($fn$
CREATE OR REPLACE FUNCTION %I() RETURNS text
    LANGUAGE sql STABLE
    AS $body$ SELECT (%I.fleetgate_context_principal()).%s $body$
$fn$, f[1], current_schema(), f[2]);
    END LOOP;

    EXECUTE format('GRANT EXECUTE ON FUNCTION %I.fleetgate_context_principal() TO PUBLIC', current_schema());
END
$$;
