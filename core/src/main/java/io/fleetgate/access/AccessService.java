package io.fleetgate.access;

import io.fleetgate.Ids;
import io.fleetgate.Principal;
import io.fleetgate.error.FleetgateException;
import io.fleetgate.error.ForbiddenException;
import io.fleetgate.error.InvalidRequestException;
import io.fleetgate.error.NotFoundException;
import io.fleetgate.error.StoreUnavailableException;
import io.fleetgate.internal.AccessContext;
import io.fleetgate.internal.Context;
import io.fleetgate.internal.LogValues;
import io.fleetgate.spi.WorkspaceDirectory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Workspaces, memberships, and the principal a user acts as (seed 004, next step 3: supervisor
 * role enforcement). A user belongs to workspaces through memberships, each with a {@link Role};
 * {@link #principalFor} turns an authenticated user into the {@link Principal} every service
 * takes. The system creates workspaces; the system or a supervisor of a workspace manages its
 * memberships. Immutable and thread-safe.
 */
public final class AccessService {
    private static final Logger LOG = LoggerFactory.getLogger(AccessService.class);

    private final WorkspaceDirectory directory;

    /**
     * Made by {@link io.fleetgate.Fleetgate}, which hosts build; not for hosts to call.
     *
     * @param context what the services of one {@code Fleetgate} share
     */
    public AccessService(Context context) {
        this.directory = context.store().workspaces();
    }

    /**
     * Creates or renames a workspace; idempotent.
     *
     * @param principal the system
     * @param workspace the workspace
     * @return the workspace
     * @throws ForbiddenException        for anyone but the system
     * @throws StoreUnavailableException if the store fails
     */
    public Workspace upsertWorkspace(Principal principal, Workspace workspace) {
        try (AccessContext.Scope scope = AccessContext.enter(principal)) {
            if (!(Objects.requireNonNull(principal, "principal") instanceof Principal.System)) {
                throw FleetgateException.forbidden("only the system creates workspaces");
            }
            directory.upsertWorkspace(Objects.requireNonNull(workspace, "workspace"));
            LOG.atInfo().setMessage("workspace_upserted").addKeyValue("workspace_id", LogValues.text(workspace.id()))
                    .log();
            return workspace;
        }
    }

    /**
     * Adds a user to a workspace with a role, or changes their role there.
     *
     * @param principal the system or a supervisor of the workspace
     * @param m         the membership
     * @throws ForbiddenException        for drivers and members
     * @throws NotFoundException         for an unknown workspace, or another workspace's supervisor
     * @throws StoreUnavailableException if the store fails
     */
    public void addMember(Principal principal, Membership m) {
        try (AccessContext.Scope scope = AccessContext.enter(principal)) {
            Objects.requireNonNull(m, "membership");
            requireManager(principal, m.workspaceId());
            if (directory.findWorkspace(m.workspaceId()).isEmpty()) {
                throw FleetgateException.notFound("workspace", m.workspaceId());
            }
            directory.upsertMembership(m);
            LOG.atInfo().setMessage("member_added").addKeyValue("user_id", LogValues.text(m.userId()))
                    .addKeyValue("workspace_id", LogValues.text(m.workspaceId())).addKeyValue("role", m.role().name())
                    .addKeyValue("actor_id", LogValues.text(principal.userId())).log();
        }
    }

    /**
     * Removes a user from a workspace.
     *
     * @param principal   the system or a supervisor of the workspace
     * @param userId      the user
     * @param workspaceId the workspace
     * @return whether the user was a member
     * @throws ForbiddenException        for drivers and members
     * @throws NotFoundException         for another workspace's supervisor
     * @throws InvalidRequestException   for a bad user or workspace id
     * @throws StoreUnavailableException if the store fails
     */
    public boolean removeMember(Principal principal, String userId, String workspaceId) {
        try (AccessContext.Scope scope = AccessContext.enter(principal)) {
            Ids.require("user_id", userId);
            Ids.require("workspace_id", workspaceId);
            requireManager(principal, workspaceId);
            boolean removed = directory.removeMembership(userId, workspaceId);
            LOG.atInfo().setMessage("member_removed").addKeyValue("user_id", LogValues.text(userId))
                    .addKeyValue("workspace_id", LogValues.text(workspaceId)).addKeyValue("removed", removed)
                    .addKeyValue("actor_id", LogValues.text(principal.userId())).log();
            return removed;
        }
    }

    /**
     * {@return the memberships the caller may see}
     *
     * @param principal the user themselves, a supervisor or member (their memberships in that
     *                  principal's workspace only), or the system (all)
     * @param userId    the user
     * @throws InvalidRequestException   for a bad user id
     * @throws StoreUnavailableException if the store fails
     */
    public List<Membership> memberships(Principal principal, String userId) {
        try (AccessContext.Scope scope = AccessContext.enter(principal)) {
            Ids.require("user_id", userId);
            List<Membership> all = directory.findMemberships(userId);
            if (principal instanceof Principal.System || principal.userId().equals(userId)) {
                return all;
            }
            String ws = workspaceOf(principal);
            return all.stream().filter(m -> m.workspaceId().equals(ws)).toList();
        }
    }

    /**
     * The principal an authenticated user acts as.
     *
     * @param principal   the system (nobody is known before this)
     * @param userId      the authenticated user
     * @param workspaceId the workspace they act in, or {@code null} when they belong to exactly one
     * @return a driver, supervisor or member principal
     * @throws ForbiddenException        for anyone but the system, or if the user belongs to no
     *                                   workspace (or not to the one named)
     * @throws InvalidRequestException   for a bad id, or if the user belongs to several workspaces
     *                                   and none was named
     * @throws StoreUnavailableException if the store fails
     */
    public Principal principalFor(Principal principal, String userId, String workspaceId) {
        try (AccessContext.Scope scope = AccessContext.enter(principal)) {
            if (!(Objects.requireNonNull(principal, "principal") instanceof Principal.System)) {
                throw FleetgateException.forbidden("only the system resolves principals");
            }
            Ids.require("user_id", userId);
            Ids.optional("workspace_id", workspaceId);
            List<Membership> all = directory.findMemberships(userId);
            Optional<Membership> chosen;
            if (workspaceId != null) {
                chosen = all.stream().filter(m -> m.workspaceId().equals(workspaceId)).findFirst();
            } else if (all.size() > 1) {
                throw FleetgateException.invalid("workspace_id", "must be named: user " + userId
                        + " belongs to " + all.size() + " workspaces");
            } else {
                chosen = all.stream().findFirst();
            }
            Membership m = chosen.orElseThrow(() -> FleetgateException.forbidden("user " + userId
                    + " belongs to no such workspace"));
            return switch (m.role()) {
                case DRIVER -> Principal.driver(userId);
                case SUPERVISOR -> Principal.supervisor(userId, m.workspaceId());
                case MEMBER -> Principal.member(userId, m.workspaceId());
            };
        }
    }

    /**
     * {@return the workspace a supervisor or member acts in, else {@code null}}
     *
     * @param principal a principal
     */
    static String workspaceOf(Principal principal) {
        if (principal instanceof Principal.Supervisor s) {
            return s.workspaceId();
        }
        if (principal instanceof Principal.Member m) {
            return m.workspaceId();
        }
        return null;
    }

    private static void requireManager(Principal principal, String workspaceId) {
        Objects.requireNonNull(principal, "principal");
        if (principal instanceof Principal.System) {
            return;
        }
        if (principal instanceof Principal.Supervisor s) {
            if (!s.workspaceId().equals(workspaceId)) {
                throw FleetgateException.notFound("workspace", workspaceId);
            }
            return;
        }
        throw FleetgateException.forbidden("only a supervisor of the workspace manages its members");
    }
}
