/**
 * fleetgate core: the rules, framework-free. Start with {@link io.fleetgate.exclusive.ExclusiveSessionService}.
 */
module io.fleetgate.core {
    requires transitive org.slf4j;

    exports io.fleetgate;
    exports io.fleetgate.geo;
    exports io.fleetgate.exclusive;
    exports io.fleetgate.memory;
}
