package io.fleetgate.contract;

import io.fleetgate.session.SecurityAuditEntry;
import io.fleetgate.testkit.StoreContract;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The store contract of the security audit ({@link io.fleetgate.spi.CredentialRepository#unlock}
 * and {@link io.fleetgate.spi.CredentialRepository#findSecurityAudit}) on every store by a thin
 * subclass (in-memory, SQLite, PostgreSQL): rows are read per workspace, oldest first. The
 * database refusing to change or replace a row is in store-jdbc's
 * {@code JdbcSecurityAuditContract}.
 */
public abstract class SecurityAuditStoreContract extends StoreContract {
    /** The instant every entry is built around (microsecond precision, as the databases keep). */
    protected static final Instant T0 = Instant.parse("2026-11-22T10:00:00.123456Z");

    /**
     * @param id          the entry's id
     * @param workspaceId its workspace
     * @param actorId     who unlocked
     * @param at          when
     * @return a {@code login_unlocked} entry for d_ana
     */
    protected static SecurityAuditEntry entry(String id, String workspaceId, String actorId, Instant at) {
        return new SecurityAuditEntry(id, workspaceId, actorId, "login_unlocked", "d_ana", at);
    }

    @Test
    void unlockWhenAuditGivenThenRowsReadPerWorkspaceOldestFirst() {
        store().credentials().unlock("ana", List.of(entry("a2", "ws_1", "s_sam", T0.plusSeconds(1)),
                entry("b1", "ws_2", "system", T0)));
        store().credentials().unlock("ana", List.of(entry("a1", "ws_1", "system", T0)));

        assertThat(store().credentials().findSecurityAudit("ws_1")).extracting(SecurityAuditEntry::id)
                .containsExactly("a1", "a2");
        assertThat(store().credentials().findSecurityAudit("ws_1").get(1)).isEqualTo(entry("a2", "ws_1", "s_sam", T0.plusSeconds(1)));
        assertThat(store().credentials().findSecurityAudit("ws_3")).isEmpty();
    }
}
