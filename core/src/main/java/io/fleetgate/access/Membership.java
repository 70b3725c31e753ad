package io.fleetgate.access;

import io.fleetgate.Ids;
import io.fleetgate.error.FleetgateException;

/**
 * A user's role in one workspace; a user may belong to several. Immutable.
 *
 * @param userId      the user
 * @param workspaceId the workspace
 * @param role        what they do there
 */
public record Membership(String userId, String workspaceId, Role role) {
    /**
     * Checks and normalises the components.
     *
     * @param userId the user
     * @param workspaceId the workspace
     * @param role what they do there
     */
    public Membership {
        Ids.require("user_id", userId);
        Ids.require("workspace_id", workspaceId);
        if (role == null) {
            throw FleetgateException.invalid("role", "is required");
        }
    }
}
