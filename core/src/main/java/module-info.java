/**
 * fleetgate core: the rules, framework-free. Start with {@link io.fleetgate.exclusive.ExclusiveSessionService}.
 */
module io.fleetgate.core {
    requires transitive org.slf4j;

    exports io.fleetgate;
    exports io.fleetgate.geo;
    exports io.fleetgate.exclusive;
    exports io.fleetgate.execution;
    exports io.fleetgate.memory;
    exports io.fleetgate.session;
    exports io.fleetgate.supervisor;
    exports io.fleetgate.access;
    exports io.fleetgate.internal to io.fleetgate.store.jdbc;
}
