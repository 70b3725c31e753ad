package io.fleetgate;

import io.fleetgate.error.ErrorCode;
import io.fleetgate.error.FleetgateException;

import java.util.Objects;

/**
 * Who is acting. Every service call takes one; the services decide what it may see and do.
 *
 * <p>The host authenticates the caller (or lets fleetgate do it) and builds the principal; the
 * library trusts what it is given. {@link System} is the library's own work done before anyone is
 * known: logins, token checks, sweepers. All implementations are immutable and thread-safe.
 */
public sealed interface Principal {

    /** {@return the acting user's id, or {@code "system"} for {@link System}} */
    String userId();

    /**
     * A field driver acting for themselves.
     *
     * @param userId the driver's user id
     */
    record Driver(String userId) implements Principal {
        /**
         * Checks the id.
         *
         * @param userId the driver's user id
         */
        public Driver {
            Ids.require("user_id", userId);
        }
    }

    /**
     * A supervisor acting within one workspace.
     *
     * @param userId      the supervisor's user id
     * @param workspaceId the workspace they act in
     */
    record Supervisor(String userId, String workspaceId) implements Principal {
        /**
         * Checks the ids.
         *
         * @param userId      the supervisor's user id
         * @param workspaceId the workspace they act in
         */
        public Supervisor {
            Ids.require("user_id", userId);
            Ids.require("workspace_id", workspaceId);
        }
    }

    /**
     * A workspace member who may read the workspace's records and write nothing.
     *
     * @param userId      the member's user id
     * @param workspaceId the workspace they read
     */
    record Member(String userId, String workspaceId) implements Principal {
        /**
         * Checks the ids.
         *
         * @param userId      the member's user id
         * @param workspaceId the workspace they read
         */
        public Member {
            Ids.require("user_id", userId);
            Ids.require("workspace_id", workspaceId);
        }
    }

    /** The library itself, before anyone is known. */
    enum System implements Principal {
        /** The only instance. */
        INSTANCE;

        @Override
        public String userId() {
            return "system";
        }
    }

    /**
     * {@return a driver principal}
     *
     * @param userId the driver's id
     */
    static Driver driver(String userId) {
        return new Driver(userId);
    }

    /**
     * {@return a supervisor principal}
     *
     * @param userId      the supervisor's id
     * @param workspaceId the workspace they act in
     */
    static Supervisor supervisor(String userId, String workspaceId) {
        return new Supervisor(userId, workspaceId);
    }

    /**
     * {@return a member principal}
     *
     * @param userId      the member's id
     * @param workspaceId the workspace they read
     */
    static Member member(String userId, String workspaceId) {
        return new Member(userId, workspaceId);
    }

    /** {@return the system principal} */
    static System system() {
        return System.INSTANCE;
    }

    /**
     * Requires the principal to be a driver.
     *
     * @param principal the caller
     * @param action    what they tried, for the message
     * @return the driver
     * @throws FleetgateException {@link ErrorCode#FORBIDDEN} for any other principal
     */
    static Driver requireDriver(Principal principal, String action) {
        Objects.requireNonNull(principal, "principal");
        if (principal instanceof Driver d) {
            return d;
        }
        throw FleetgateException.forbidden("only a driver may " + action);
    }
}
