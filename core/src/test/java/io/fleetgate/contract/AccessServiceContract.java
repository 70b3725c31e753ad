package io.fleetgate.contract;

import io.fleetgate.Principal;
import io.fleetgate.access.AccessService;
import io.fleetgate.access.Membership;
import io.fleetgate.access.Role;
import io.fleetgate.access.Workspace;
import io.fleetgate.error.ErrorCode;
import io.fleetgate.error.FleetgateException;
import io.fleetgate.spi.WorkspaceDirectory;
import io.fleetgate.testkit.StoreContract;
import io.fleetgate.testkit.TestFleetgates;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link AccessService} on a store, and the {@link WorkspaceDirectory} memberships beneath it
 * (seed 004, next step 3: supervisor role enforcement); run on every store by a thin subclass
 * (in-memory, SQLite, PostgreSQL). Workspaces ws_1 and ws_2 exist; sam supervises ws_1. The
 * database refusing a hand-made membership is in store-jdbc's {@code JdbcAccessServiceContract}.
 */
public abstract class AccessServiceContract extends StoreContract {
    private final Principal system = Principal.system();
    private final Principal.Supervisor sam = Principal.supervisor("s_sam", "ws_1");
    private final Principal.Supervisor oz = Principal.supervisor("s_oz", "ws_2");
    private AccessService access;
    /** The workspaces of {@link #store()}. */
    protected WorkspaceDirectory directory;

    @BeforeEach
    void seedWorkspaces() {
        access = TestFleetgates.on(store(), java.time.Clock.systemUTC()).access();
        directory = store().workspaces();
        access.upsertWorkspace(system, new Workspace("ws_1", "North"));
        access.upsertWorkspace(system, new Workspace("ws_2", "South"));
        access.addMember(system, new Membership("s_sam", "ws_1", Role.SUPERVISOR));
        access.addMember(system, new Membership("s_oz", "ws_2", Role.SUPERVISOR));
    }

    // --- principals -------------------------------------------------------------------------

    @Test
    void principalForWhenOneMembershipThenPrincipalOfItsRole() {
        access.addMember(system, new Membership("d_ana", "ws_1", Role.DRIVER));
        access.addMember(system, new Membership("u_mia", "ws_2", Role.MEMBER));

        assertThat(access.principalFor(system, "d_ana", null)).isEqualTo(Principal.driver("d_ana"));
        assertThat(access.principalFor(system, "s_sam", null)).isEqualTo(sam);
        assertThat(access.principalFor(system, "u_mia", null)).isEqualTo(Principal.member("u_mia", "ws_2"));
        assertThat(access.principalFor(system, "u_mia", "ws_2")).isEqualTo(Principal.member("u_mia", "ws_2"));
    }

    @Test
    void principalForWhenSeveralMembershipsThenWorkspaceMustBeNamed() {
        access.addMember(system, new Membership("u_kim", "ws_2", Role.SUPERVISOR));
        access.addMember(system, new Membership("u_kim", "ws_1", Role.MEMBER));

        assertCode(() -> access.principalFor(system, "u_kim", null), ErrorCode.INVALID_REQUEST);
        assertThat(access.principalFor(system, "u_kim", "ws_1")).isEqualTo(Principal.member("u_kim", "ws_1"));
        assertThat(access.principalFor(system, "u_kim", "ws_2")).isEqualTo(Principal.supervisor("u_kim", "ws_2"));
        assertCode(() -> access.principalFor(system, "u_kim", "ws_3"), ErrorCode.FORBIDDEN);
    }

    @Test
    void principalForWhenNoMembershipOrNotTheSystemThenForbidden() {
        assertCode(() -> access.principalFor(system, "u_nobody", null), ErrorCode.FORBIDDEN);
        assertCode(() -> access.principalFor(system, "u_nobody", "ws_1"), ErrorCode.FORBIDDEN);
        assertCode(() -> access.principalFor(system, "s_sam", "ws_2"), ErrorCode.FORBIDDEN);
        assertCode(() -> access.principalFor(sam, "s_sam", null), ErrorCode.FORBIDDEN);
        assertCode(() -> access.principalFor(Principal.driver("d_ana"), "d_ana", null), ErrorCode.FORBIDDEN);
    }

    // --- managing members -------------------------------------------------------------------

    @Test
    void addMemberWhenSameUserAgainThenRoleChangedInPlace() {
        access.addMember(sam, new Membership("d_ana", "ws_1", Role.DRIVER));
        assertThat(access.principalFor(system, "d_ana", null)).isEqualTo(Principal.driver("d_ana"));
        String once = fixture().snapshot();
        access.addMember(sam, new Membership("d_ana", "ws_1", Role.DRIVER));
        assertThat(fixture().snapshot()).isEqualTo(once);

        access.addMember(sam, new Membership("d_ana", "ws_1", Role.SUPERVISOR));

        assertThat(directory.findMemberships("d_ana")).containsExactly(new Membership("d_ana", "ws_1", Role.SUPERVISOR));
        assertThat(access.principalFor(system, "d_ana", null)).isEqualTo(Principal.supervisor("d_ana", "ws_1"));
    }

    @Test
    void addOrRemoveMemberWhenSupervisorOfAnotherWorkspaceOrNotSupervisorThenRefusedAndNothingWritten() {
        access.addMember(system, new Membership("d_ben", "ws_1", Role.DRIVER));
        String before = fixture().snapshot();
        Membership ana = new Membership("d_ana", "ws_1", Role.DRIVER);

        assertCode(() -> access.addMember(oz, ana), ErrorCode.NOT_FOUND);
        assertCode(() -> access.addMember(Principal.driver("d_ben"), ana), ErrorCode.FORBIDDEN);
        assertCode(() -> access.addMember(Principal.member("u_mia", "ws_1"), ana), ErrorCode.FORBIDDEN);
        assertCode(() -> access.removeMember(oz, "d_ben", "ws_1"), ErrorCode.NOT_FOUND);
        assertCode(() -> access.removeMember(Principal.member("u_mia", "ws_1"), "d_ben", "ws_1"), ErrorCode.FORBIDDEN);
        assertCode(() -> access.removeMember(Principal.driver("d_ben"), "d_ben", "ws_1"), ErrorCode.FORBIDDEN);

        assertThat(fixture().snapshot()).isEqualTo(before);
    }

    @Test
    void removeMemberWhenSupervisorOfTheWorkspaceThenRemovedOnceAndOtherWorkspacesKept() {
        access.addMember(system, new Membership("d_ben", "ws_1", Role.DRIVER));
        access.addMember(system, new Membership("d_ben", "ws_2", Role.DRIVER));

        assertThat(access.removeMember(sam, "d_ben", "ws_1")).isTrue();
        assertThat(access.removeMember(sam, "d_ben", "ws_1")).isFalse();
        assertThat(access.removeMember(system, "d_nobody", "ws_1")).isFalse();

        assertThat(directory.findMemberships("d_ben")).containsExactly(new Membership("d_ben", "ws_2", Role.DRIVER));
        assertThat(access.principalFor(system, "d_ben", null)).isEqualTo(Principal.driver("d_ben"));
    }

    @Test
    void addMemberWhenWorkspaceUnknownThenNotFoundAndNothingWritten() {
        String before = fixture().snapshot();

        assertCode(() -> access.addMember(system, new Membership("d_ana", "ws_404", Role.DRIVER)), ErrorCode.NOT_FOUND);
        // The directory itself refuses too, without the service's check.
        assertCode(() -> directory.upsertMembership(new Membership("d_ana", "ws_404", Role.DRIVER)), ErrorCode.NOT_FOUND);

        assertThat(fixture().snapshot()).isEqualTo(before);
        assertThat(directory.findMemberships("d_ana")).isEmpty();
    }

    // --- listing ----------------------------------------------------------------------------

    @Test
    void findMembershipsAndMembersWhenSeveralThenOrderedByWorkspaceAndByUser() {
        access.upsertWorkspace(system, new Workspace("ws_0", "Central"));
        for (String ws : List.of("ws_2", "ws_0", "ws_1")) {
            access.addMember(system, new Membership("u_kim", ws, Role.MEMBER));
        }
        for (String user : List.of("d_zed", "d_Bo", "d_amy")) {
            access.addMember(system, new Membership(user, "ws_1", Role.DRIVER));
        }

        assertThat(directory.findMemberships("u_kim")).extracting(Membership::workspaceId)
                .containsExactly("ws_0", "ws_1", "ws_2");
        // By code point, as the in-memory store orders strings: "B" before "a".
        assertThat(directory.findMembers("ws_1")).extracting(Membership::userId)
                .containsExactly("d_Bo", "d_amy", "d_zed", "s_sam", "u_kim");
        assertThat(directory.findMembers("ws_404")).isEmpty();
        assertThat(directory.findMemberships("u_nobody")).isEmpty();
    }

    @Test
    void membershipsWhenAskedBySelfSupervisorOrSystemThenOnlyWhatTheCallerMaySee() {
        access.addMember(system, new Membership("u_kim", "ws_1", Role.MEMBER));
        access.addMember(system, new Membership("u_kim", "ws_2", Role.SUPERVISOR));
        List<Membership> both = List.of(new Membership("u_kim", "ws_1", Role.MEMBER),
                new Membership("u_kim", "ws_2", Role.SUPERVISOR));

        assertThat(access.memberships(system, "u_kim")).isEqualTo(both);
        assertThat(access.memberships(Principal.member("u_kim", "ws_1"), "u_kim")).isEqualTo(both);
        assertThat(access.memberships(sam, "u_kim")).containsExactly(both.get(0));
        assertThat(access.memberships(oz, "u_kim")).containsExactly(both.get(1));
        assertThat(access.memberships(Principal.driver("d_ana"), "u_kim")).isEmpty();
    }

    private static void assertCode(ThrowingCallable call, ErrorCode code) {
        assertThatThrownBy(call).isInstanceOfSatisfying(FleetgateException.class,
                e -> assertThat(e.code()).as(e.getMessage()).isEqualTo(code));
    }
}
