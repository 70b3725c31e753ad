package io.fleetgate.store.jdbc.internal;

import io.fleetgate.access.Membership;
import io.fleetgate.access.Role;
import io.fleetgate.access.Workspace;
import io.fleetgate.error.FleetgateException;
import io.fleetgate.spi.WorkspaceDirectory;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@link WorkspaceDirectory} on a JDBC database: one upsert (which replaces name and settings,
 * like the in-memory store's put), one lookup, and the memberships in {@code workspace_members}.
 * Every method runs a single statement through {@link Tx#read}. Thread-safe.
 */
public final class JdbcWorkspaceDirectory implements WorkspaceDirectory {
    private final Tx tx;
    private final String upsert;
    private final String find;
    private final String upsertMembership;
    private final String removeMembership;
    private final String findMemberships;
    private final String findMembers;
    private final String findMembersPage;

    /**
     * Creates the directory on the store's runner.
     *
     * @param tx the database
     */
    public JdbcWorkspaceDirectory(Tx tx) {
        this.tx = tx;
        SqlDialect d = tx.dialect();
        this.upsert = SqlFiles.statement(d, "workspaces/upsert");
        this.find = SqlFiles.statement(d, "workspaces/find");
        this.upsertMembership = SqlFiles.statement(d, "workspaces/upsert_membership");
        this.removeMembership = SqlFiles.statement(d, "workspaces/remove_membership");
        this.findMemberships = SqlFiles.statement(d, "workspaces/find_memberships");
        this.findMembers = SqlFiles.statement(d, "workspaces/find_members");
        this.findMembersPage = SqlFiles.statement(d, "workspaces/find_members_page");
    }

    @Override
    public void upsertWorkspace(Workspace workspace) {
        Objects.requireNonNull(workspace, "workspace");
        tx.read(h -> h.createUpdate(upsert)
                .bind("id", workspace.id())
                .bind("name", workspace.name())
                .bind("require_signed_events", workspace.requireSignedEvents())
                .execute());
    }

    @Override
    public Optional<Workspace> findWorkspace(String id) {
        return tx.read(h -> h.createQuery(find).bind("id", id).mapTo(Workspace.class).findOne());
    }

    /**
     * {@inheritDoc}
     *
     * <p>One {@code INSERT … SELECT … FROM workspaces … ON CONFLICT DO UPDATE}: the row is taken
     * from the workspace's own row, so an unknown workspace writes nothing and is reported, with
     * no window between a check and the write.
     *
     * @throws FleetgateException {@code NOT_FOUND} if the workspace does not exist
     */
    @Override
    public void upsertMembership(Membership membership) {
        Objects.requireNonNull(membership, "membership");
        int written = tx.read(h -> h.createUpdate(upsertMembership)
                .bind("user_id", membership.userId())
                .bind("workspace_id", membership.workspaceId())
                .bind("role", membership.role())
                .execute());
        if (written == 0) {
            throw FleetgateException.notFound("workspace", membership.workspaceId());
        }
    }

    @Override
    public boolean removeMembership(String userId, String workspaceId) {
        return tx.read(h -> h.createUpdate(removeMembership)
                .bind("user_id", userId)
                .bind("workspace_id", workspaceId)
                .execute()) > 0;
    }

    @Override
    public List<Membership> findMemberships(String userId) {
        return tx.read(h -> h.createQuery(findMemberships).bind("user_id", userId).mapTo(Membership.class).list());
    }

    @Override
    public List<Membership> findMembers(String workspaceId) {
        return tx.read(h -> h.createQuery(findMembers).bind("workspace_id", workspaceId).mapTo(Membership.class).list());
    }

    /**
     * {@inheritDoc}
     *
     * <p>One statement on the {@code (workspace_id, user_id)} index; code point order on both
     * databases.
     */
    @Override
    public List<Membership> findMembers(String workspaceId, Role role, String afterUserId, int limit) {
        Objects.requireNonNull(role, "role");
        return tx.read(h -> h.createQuery(findMembersPage).bind("workspace_id", workspaceId).bind("role", role)
                .bind("after", afterUserId == null ? "" : afterUserId).bind("limit", limit)
                .mapTo(Membership.class).list());
    }
}
