package io.fleetgate.access;

import java.util.Optional;

/** Workspaces. Implementations are thread-safe. */
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
}
