package io.fleetgate.spi;

import io.fleetgate.access.Membership;
import io.fleetgate.access.Workspace;

import java.util.List;
import java.util.Optional;

/** Workspaces and who belongs to them. Implementations are thread-safe. */
public interface WorkspaceDirectory {

    /**
     * Inserts the workspace or renames the one with the same id; idempotent.
     *
     * @param workspace the workspace
     */
    void upsertWorkspace(Workspace workspace);

    /**
     * {@return the workspace, if known}
     *
     * @param id a workspace id
     */
    Optional<Workspace> findWorkspace(String id);

    /**
     * Adds the membership or changes the role of the existing one; idempotent.
     *
     * @param membership the membership (its workspace must exist)
     */
    void upsertMembership(Membership membership);

    /**
     * {@return whether there was such a membership}
     *
     * @param userId      the user
     * @param workspaceId the workspace
     */
    boolean removeMembership(String userId, String workspaceId);

    /**
     * {@return the user's memberships, by workspace id}
     *
     * @param userId a user
     */
    List<Membership> findMemberships(String userId);

    /**
     * {@return its memberships, by user id}
     *
     * @param workspaceId a workspace
     */
    List<Membership> findMembers(String workspaceId);
}
