package io.fleetgate.spi;

import io.fleetgate.access.Membership;
import io.fleetgate.access.Role;
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

    /**
     * One page of a workspace's members of one role, by user id: the status board's page (issue
     * #19: no read loads a whole workspace). A store should answer from an index on (workspace,
     * user id); this default filters {@link #findMembers(String)}, which reads them all.
     *
     * @param workspaceId a workspace
     * @param role        the role
     * @param afterUserId only user ids after this one (code point order), or {@code null} from the first
     * @param limit       the most returned, at least 1
     * @return the members, by user id
     */
    default List<Membership> findMembers(String workspaceId, Role role, String afterUserId, int limit) {
        return findMembers(workspaceId).stream()
                .filter(m -> m.role() == role && (afterUserId == null || m.userId().compareTo(afterUserId) > 0))
                .limit(limit).toList();
    }
}
