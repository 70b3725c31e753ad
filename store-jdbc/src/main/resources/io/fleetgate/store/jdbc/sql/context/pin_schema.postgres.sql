-- Behind a transaction pooler (Pooler.TRANSACTION) with currentSchema in the URL: the first statement
-- of every transaction on the store's own pools points search_path at that schema, local to the
-- transaction, since a session setting would stay on a server connection other clients borrow next.
SELECT set_config('search_path', ?, true)
