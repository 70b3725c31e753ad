package io.fleetgate.store.jdbc;

/** The SQL databases fleetgate stores into. */
public enum Dialect {
    /** PostgreSQL 13 or later. */
    POSTGRES,
    /** SQLite 3.35 or later (RETURNING, partial indexes, upsert). */
    SQLITE
}
