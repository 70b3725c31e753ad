package io.fleetgate.store.jdbc;

/**
 * How hard SQLite works to keep an acknowledged write across a power loss (its
 * {@code synchronous} pragma, in WAL mode).
 */
public enum SqliteDurability {
    /**
     * {@code synchronous=FULL}, the default: the WAL is synced at every commit, so a write that was
     * acknowledged survives a power loss or an OS crash.
     */
    FULL,
    /**
     * {@code synchronous=NORMAL}: about twice the write throughput; a write survives a crash of the
     * process, but the last transactions before a power loss or OS crash may roll back. The
     * database stays consistent either way. Opt in only where losing the latest writes is acceptable.
     */
    NORMAL
}
