package io.fleetgate.supervisor;

import java.util.List;

/**
 * One page of the change feed, in feed order. Immutable.
 *
 * @param changes the changes after the cursor the page was asked from, at most the limit
 * @param cursor  where to resume: after the last change of this page, or the cursor asked from
 *                when the page is empty; never {@code null}
 */
public record ChangePage(List<Change> changes, String cursor) {
    /**
     * Checks and normalises the components.
     *
     * @param changes the changes
     * @param cursor  where to resume
     */
    public ChangePage {
        changes = List.copyOf(changes);
        java.util.Objects.requireNonNull(cursor, "cursor");
    }
}
