package io.fleetgate.store.jdbc;

import java.util.List;

/**
 * Which of the store's migrations a database has. Immutable.
 *
 * @param applied file names already applied, in order
 * @param pending file names not yet applied, in order
 */
public record MigrationStatus(List<String> applied, List<String> pending) {
    /**
     * Copies the lists.
     *
     * @param applied file names already applied, in order
     * @param pending file names not yet applied, in order
     */
    public MigrationStatus {
        applied = List.copyOf(applied);
        pending = List.copyOf(pending);
    }
}
