package io.fleetgate.store.jdbc.internal;

import io.fleetgate.access.Workspace;
import io.fleetgate.access.WorkspaceDirectory;
import org.jdbi.v3.core.mapper.RowMapper;

import java.util.Objects;
import java.util.Optional;

/**
 * {@link WorkspaceDirectory} on a JDBC database: one upsert (which replaces name and settings,
 * like the in-memory store's put), one lookup. Thread-safe.
 */
public final class JdbcWorkspaceDirectory implements WorkspaceDirectory {
    private static final RowMapper<Workspace> WORKSPACE = (rs, ctx) -> new Workspace(rs.getString("id"),
            rs.getString("name"), rs.getBoolean("require_signed_events"));

    private final Tx tx;
    private final String upsert;
    private final String find;

    /** @param tx the database */
    public JdbcWorkspaceDirectory(Tx tx) {
        this.tx = tx;
        SqlDialect d = tx.dialect();
        this.upsert = SqlFiles.statement(d, "workspaces/upsert");
        this.find = SqlFiles.statement(d, "workspaces/find");
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
        return tx.read(h -> h.createQuery(find).bind("id", id).map(WORKSPACE).findOne());
    }
}
