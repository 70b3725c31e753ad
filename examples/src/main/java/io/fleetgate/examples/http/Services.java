package io.fleetgate.examples.http;

import io.fleetgate.Fleetgate;
import io.fleetgate.FleetgateListener;
import io.fleetgate.FleetgateSettings;
import io.fleetgate.access.AccessService;
import io.fleetgate.exclusive.ExclusiveSessionService;
import io.fleetgate.execution.DriverExecutionService;
import io.fleetgate.execution.PositionService;
import io.fleetgate.session.CredentialService;
import io.fleetgate.session.SessionService;
import io.fleetgate.spi.FleetgateStore;
import io.fleetgate.supervisor.SupervisorService;

import java.time.Clock;

/**
 * The library as one host uses it: one {@link Fleetgate} on one store, clock and settings, and
 * the clock the host itself reads (a session's {@code remaining_seconds}). Immutable; the services
 * are thread-safe and shared by every request.
 *
 * @param fleetgate the entry point every handler takes its service from
 * @param clock     the server clock
 */
record Services(Fleetgate fleetgate, Clock clock) {

    /**
     * @param store    the store
     * @param settings the settings; must carry a signing secret
     * @param clock    the clock
     * @return the services
     */
    static Services on(FleetgateStore store, FleetgateSettings settings, Clock clock) {
        return on(store, settings, clock, FleetgateListener.NONE);
    }

    /**
     * @param store    the store
     * @param settings the settings; must carry a signing secret
     * @param clock    the clock
     * @param listener told of changes, decisions and store calls (the host's metrics)
     * @return the services
     */
    static Services on(FleetgateStore store, FleetgateSettings settings, Clock clock, FleetgateListener listener) {
        return new Services(Fleetgate.builder().store(store).settings(settings).clock(clock).listener(listener).build(),
                clock);
    }

    /** @return the settings in force */
    FleetgateSettings settings() {
        return fleetgate.settings();
    }

    /** @return workspaces, memberships and principals */
    AccessService access() {
        return fleetgate.access();
    }

    /** @return usernames and PINs (fixtures) */
    CredentialService credentials() {
        return fleetgate.credentials();
    }

    /** @return device sessions and tokens */
    SessionService sessions() {
        return fleetgate.sessions();
    }

    /** @return exclusive sessions */
    ExclusiveSessionService exclusive() {
        return fleetgate.exclusive();
    }

    /** @return batches and driver events */
    DriverExecutionService execution() {
        return fleetgate.execution();
    }

    /** @return fixes, their reads, the sweep and the purge */
    PositionService positions() {
        return fleetgate.positions();
    }

    /** @return board, review queue, overrides */
    SupervisorService supervisor() {
        return fleetgate.supervisor();
    }
}
