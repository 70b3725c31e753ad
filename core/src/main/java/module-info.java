/**
 * fleetgate core: the rules, framework-free. Start with {@link io.fleetgate.Fleetgate}.
 *
 * <p>API: {@code io.fleetgate} (the entry point, principals, settings), {@code io.fleetgate.error}
 * (the sealed refusals) and the rule packages. SPI, for store implementers: {@code io.fleetgate.spi}.
 * A store for hosts' unit tests: {@code io.fleetgate.testing}. Everything else is internal.
 */
module io.fleetgate.core {
    requires transitive org.slf4j;

    exports io.fleetgate;
    exports io.fleetgate.error;
    exports io.fleetgate.geo;
    exports io.fleetgate.access;
    exports io.fleetgate.session;
    exports io.fleetgate.execution;
    exports io.fleetgate.exclusive;
    exports io.fleetgate.supervisor;
    exports io.fleetgate.position;
    exports io.fleetgate.spi;
    exports io.fleetgate.testing;
    exports io.fleetgate.internal to io.fleetgate.store.jdbc;
}
