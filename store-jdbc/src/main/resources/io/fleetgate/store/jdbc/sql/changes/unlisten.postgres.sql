-- Before the listening connection goes back to the pool: no more notifications queued on it.
UNLISTEN *
