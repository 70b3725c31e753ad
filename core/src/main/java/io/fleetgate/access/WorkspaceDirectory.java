package io.fleetgate.access;

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
     * @param id a workspace id
     * @return the workspace, if known
     */
    Optional<Workspace> findWorkspace(String id);

    /**
     * Adds the membership or changes the role of the existing one; idempotent.
     *
     * @param membership the membership (its workspace must exist)
     */
    void upsertMembership(Membership membership);

    /**
     * @param userId      the user
     * @param workspaceId the workspace
     * @return whether there was such a membership
     */
    boolean removeMembership(String userId, String workspaceId);

    /**
     * @param userId a user
     * @return the user's memberships, by workspace id
     */
    List<Membership> findMemberships(String userId);

    /**
     * @param workspaceId a workspace
     * @return its memberships, by user id
     */
    List<Membership> findMembers(String workspaceId);
}
