package io.fleetgate.examples.http;

import io.fleetgate.FleetgateSettings;
import io.fleetgate.FleetgateStore;
import io.fleetgate.access.AccessService;
import io.fleetgate.exclusive.ExclusiveSessionService;
import io.fleetgate.execution.DriverExecutionService;
import io.fleetgate.session.CredentialService;
import io.fleetgate.session.SessionService;
import io.fleetgate.supervisor.SupervisorService;

import java.time.Clock;

/**
 * The library services one host uses, all built on one store, clock and settings. Immutable;
 * the services are thread-safe and shared by every request.
 *
 * @param settings    the settings in force
 * @param clock       the server clock
 * @param access      workspaces, memberships and principals
 * @param credentials usernames and PINs (fixtures)
 * @param sessions    device sessions and tokens
 * @param exclusive   exclusive sessions
 * @param execution   batches and driver events
 * @param supervisor  board, review queue, overrides
 */
record Services(FleetgateSettings settings, Clock clock, AccessService access, CredentialService credentials,
                SessionService sessions, ExclusiveSessionService exclusive, DriverExecutionService execution,
                SupervisorService supervisor) {

    /**
     * @param store    the store
     * @param settings the settings; must carry a signing secret
     * @param clock    the clock
     * @return the services
     */
    static Services on(FleetgateStore store, FleetgateSettings settings, Clock clock) {
        return new Services(settings, clock,
                new AccessService(store),
                CredentialService.builder().store(store).settings(settings).clock(clock).build(),
                SessionService.builder().store(store).settings(settings).clock(clock).build(),
                ExclusiveSessionService.builder().store(store).settings(settings).clock(clock).build(),
                DriverExecutionService.builder().store(store).settings(settings).clock(clock).build(),
                SupervisorService.builder().store(store).settings(settings).clock(clock).build());
    }
}
