-- The server process running this connection's statements: the start-up check compares it with the
-- process id the server announced when the connection opened (a pooler announces one of its own).
SELECT pg_backend_pid()
