package io.fleetgate.testkit;

import io.fleetgate.Fleetgate;
import io.fleetgate.FleetgateListener;
import io.fleetgate.FleetgateSettings;
import io.fleetgate.internal.Hooks;
import io.fleetgate.internal.PinHasher;
import io.fleetgate.spi.FleetgateStore;

import java.nio.charset.StandardCharsets;
import java.time.Clock;

/**
 * {@link Fleetgate}s for the library's own tests: cheap PIN hashing (1,000 iterations) unless a
 * test brings its own hasher (one that counts or holds derivations), and a signing secret unless
 * the settings say otherwise. The hasher goes in through {@link Hooks}, which the API does not
 * expose; the store tests of {@code store-jdbc} use this through core's test jar. Stateless.
 */
public final class TestFleetgates {
    /** The signing secret of {@link #settings()}. */
    public static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private TestFleetgates() {
    }

    /** {@return the defaults with {@link #SECRET} as the signing secret} */
    public static FleetgateSettings settings() {
        return FleetgateSettings.defaults().withSessions(s -> s.withSigningSecret(SECRET));
    }

    /**
     * @param store the store
     * @param clock the clock
     * @return the services on {@link #settings()}, hashing PINs cheaply
     */
    public static Fleetgate on(FleetgateStore store, Clock clock) {
        return on(store, clock, settings());
    }

    /**
     * @param store    the store
     * @param clock    the clock
     * @param settings the settings (their hashing cost is replaced by the cheap hasher)
     * @return the services, hashing PINs cheaply
     */
    public static Fleetgate on(FleetgateStore store, Clock clock, FleetgateSettings settings) {
        return on(store, clock, settings, PinHasher.forTestsOnlyWeak());
    }

    /**
     * @param store    the store
     * @param clock    the clock
     * @param settings the settings
     * @param hasher   the hasher, e.g. one that counts derivations
     * @return the services
     */
    public static Fleetgate on(FleetgateStore store, Clock clock, FleetgateSettings settings, PinHasher hasher) {
        return on(store, clock, settings, hasher, FleetgateListener.NONE);
    }

    /**
     * @param store    the store
     * @param clock    the clock
     * @param settings the settings
     * @param hasher   the hasher
     * @param listener told of committed changes
     * @return the services
     */
    public static Fleetgate on(FleetgateStore store, Clock clock, FleetgateSettings settings, PinHasher hasher,
                               FleetgateListener listener) {
        return Hooks.withPinHasher(Fleetgate.builder(), hasher).store(store).clock(clock).settings(settings)
                .listener(listener).build();
    }
}
