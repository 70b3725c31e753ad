-- What the store's runtime login may do beyond its grants: whether it is a superuser, bypasses
-- row-level security, is (a member of) the owner named by the parameter, or lacks the group role
-- fleetgate_runtime that migration V8 grants the library's DML to.
SELECT current_user AS runtime,
       r.rolsuper AS superuser,
       r.rolbypassrls AS bypass_rls,
       pg_has_role(current_user, ?, 'MEMBER') AS owner_member,
       CASE WHEN EXISTS (SELECT 1 FROM pg_roles g WHERE g.rolname = 'fleetgate_runtime')
            THEN pg_has_role(current_user, 'fleetgate_runtime', 'USAGE') ELSE false END AS runtime_member
FROM pg_roles r
WHERE r.rolname = current_user
