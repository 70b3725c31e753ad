package io.fleetgate.supervisor;

import io.fleetgate.execution.ReviewItem;

import java.util.List;

/**
 * One page of the review queue, oldest first. Immutable.
 *
 * @param items the open items
 * @param next  the cursor for the following page, or {@code null} when this is the last
 */
public record ReviewPage(List<ReviewItem> items, String next) {
    /**
     * Checks and normalises the components.
     *
     * @param items the open items
     * @param next the cursor for the following page, or {@code null} when this is the last
     */
    public ReviewPage {
        items = List.copyOf(items);
    }
}
