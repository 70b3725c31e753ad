-- The context key of migration V8, readable by the owner only.
SELECT key FROM fleetgate_context_key WHERE id = 1
