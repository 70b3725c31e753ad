package io.fleetgate.session;

import java.time.Instant;

/**
 * One row of a workspace's security audit: something a supervisor (or the system) did to the
 * credentials of a user of the workspace, for instance lifting a login lock. Append-only in every
 * store. Immutable.
 *
 * @param id          the entry's id
 * @param workspaceId the workspace whose supervisors may read it
 * @param actorId     who acted (a supervisor's user id, or {@code system})
 * @param action      what was done, e.g. {@code login_unlocked}
 * @param userId      whose credentials
 * @param at          when
 */
public record SecurityAuditEntry(String id, String workspaceId, String actorId, String action, String userId,
                                 Instant at) {
}
