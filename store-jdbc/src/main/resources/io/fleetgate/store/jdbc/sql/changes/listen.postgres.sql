-- The change feed's wake-ups: V14's triggers send pg_notify('fleetgate_changes', '<schema>|<workspace>')
-- at commit; the store's one listening connection takes them.
LISTEN fleetgate_changes
