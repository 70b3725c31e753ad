-- Whether the server a connection reached takes writes: a standby in recovery never does, and a
-- session that starts read-only (default_transaction_read_only for the role or database, or a
-- read-only proxy) refuses them too. The address names the server in the store's message.
SELECT pg_is_in_recovery() AS in_recovery,
       current_setting('transaction_read_only') = 'on' AS read_only,
       coalesce(host(inet_server_addr()) || ':' || inet_server_port(), 'a local socket') AS server
