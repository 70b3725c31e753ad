package io.fleetgate.supervisor;

import java.util.List;

/**
 * One page of a workspace's status board, by driver id. Immutable.
 *
 * @param drivers the page's drivers, by driver id
 * @param next    the cursor for the following page (the last driver id of this one), or {@code null}
 *                when this is the last
 */
public record BoardPage(List<DriverBoardRow> drivers, String next) {
    /**
     * Checks and normalises the components.
     *
     * @param drivers the page's drivers, by driver id
     * @param next    the cursor for the following page, or {@code null} when this is the last
     */
    public BoardPage {
        drivers = List.copyOf(drivers);
    }
}
