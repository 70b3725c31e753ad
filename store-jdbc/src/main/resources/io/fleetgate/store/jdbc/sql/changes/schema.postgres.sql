-- The schema the store's tables are in: a notification names it, so stores in other schemas of the
-- same database do not wake this one's readers.
SELECT current_schema()
