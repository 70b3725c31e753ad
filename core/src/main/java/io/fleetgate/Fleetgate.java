package io.fleetgate;

import io.fleetgate.access.AccessService;
import io.fleetgate.exclusive.ExclusiveSessionService;
import io.fleetgate.execution.DriverExecutionService;
import io.fleetgate.execution.PositionService;
import io.fleetgate.internal.Context;
import io.fleetgate.internal.Hooks;
import io.fleetgate.internal.PinHasher;
import io.fleetgate.internal.PositionStream;
import io.fleetgate.session.CredentialService;
import io.fleetgate.session.SessionService;
import io.fleetgate.spi.FleetgateStore;
import io.fleetgate.supervisor.ChangeFeed;
import io.fleetgate.supervisor.SupervisorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * The one way in: a host builds a {@code Fleetgate} once, on its store, clock and settings, and
 * takes the services from it.
 *
 * <pre>{@code
 * Fleetgate fleetgate = Fleetgate.builder()
 *         .store(JdbcStore.sqlite(Path.of("fleetgate.db")))
 *         .clock(Clock.systemUTC())
 *         .settings(FleetgateSettings.fromEnv(System.getenv()))
 *         .build();
 * ExclusiveSession s = fleetgate.exclusive().activate(driver, request);
 * }</pre>
 *
 * <p>The services share one context: the store, the clock, the settings, the retry policy for
 * decisions that lose a race, the PIN hasher and its concurrency limit, and the
 * {@link FleetgateListener} told of every committed change. Every service call takes
 * the acting {@link Principal} and checks first what it may see and do. The services never start
 * threads and hold no resources of their own: closing the store is the host's business.
 * Immutable and thread-safe; one per store is enough for a whole host.
 */
public final class Fleetgate {
    private static final Logger LOG = LoggerFactory.getLogger(Fleetgate.class);

    static {
        Hooks.pinHasherSetter((builder, hasher) -> ((Builder) builder).hasher = Objects.requireNonNull(hasher, "hasher"));
    }

    private final FleetgateSettings settings;
    private final ExclusiveSessionService exclusive;
    private final DriverExecutionService execution;
    private final SessionService sessions;
    private final CredentialService credentials;
    private final SupervisorService supervisor;
    private final AccessService access;
    private final PositionService positions;
    private final ChangeFeed changes;

    private Fleetgate(Builder b) {
        LoginSettings login = b.settings.login();
        PinHasher hasher = b.hasher != null ? b.hasher : new PinHasher(login.pinHashIterations(), login.pinPepper());
        Context context = new Context(b.store, b.clock, b.settings, hasher, b.listener, b.ticker);
        this.settings = b.settings;
        this.access = new AccessService(context);
        this.exclusive = new ExclusiveSessionService(context);
        this.execution = new DriverExecutionService(context);
        this.sessions = context.signatures() == null ? null : new SessionService(context);
        this.credentials = new CredentialService(context);
        this.supervisor = new SupervisorService(context, execution);
        this.positions = new PositionService(context, new PositionStream(context));
        this.changes = new ChangeFeed(context);
        if (login.pinPepper() == null) {
            LOG.atWarn().setMessage("pin_pepper_missing").addKeyValue("setting", FleetgateSettings.PIN_PEPPER)
                    .addKeyValue("consequence", "a stolen credentials table allows an offline search of every PIN").log();
        }
    }

    /** {@return a builder; {@code store} is required, the clock defaults to UTC system time} */
    public static Builder builder() {
        return new Builder();
    }

    /** {@return the settings every service follows} */
    public FleetgateSettings settings() {
        return settings;
    }

    /** {@return exclusive sessions at chargers (seed 000)} */
    public ExclusiveSessionService exclusive() {
        return exclusive;
    }

    /** {@return delivery batches, driver events and their sync (seed 004)} */
    public DriverExecutionService execution() {
        return execution;
    }

    /**
     * {@return device sessions: login, tokens, logout}
     *
     * @throws IllegalStateException if the settings have no signing secret
     *                               ({@code FLEETGATE_SIGNING_SECRET}): logins hand out signing keys
     */
    public SessionService sessions() {
        if (sessions == null) {
            throw new IllegalStateException("sessions need a signing secret: set " + FleetgateSettings.SIGNING_SECRET
                    + " (32+ bytes, base64) or SessionSettings.signingSecret");
        }
        return sessions;
    }

    /** {@return credentials: enrolment, PINs, unlocking and the security audit} */
    public CredentialService credentials() {
        return credentials;
    }

    /** {@return the position stream: fixes, arrival confirmation, corridors, quiet devices, the purge} */
    public PositionService positions() {
        return positions;
    }

    /** {@return the supervisors' view: the status board, the review queue, overrides} */
    public SupervisorService supervisor() {
        return supervisor;
    }

    /** {@return the change feed: every committed change of a workspace, in commit order, with a cursor} */
    public ChangeFeed changes() {
        return changes;
    }

    /** {@return workspaces, memberships and resolving who a user acts as} */
    public AccessService access() {
        return access;
    }

    /** Builds a {@link Fleetgate}; validates once, in {@link #build()}. Not thread-safe. */
    public static final class Builder {
        private FleetgateStore store;
        private Clock clock = Clock.systemUTC();
        private FleetgateSettings settings = FleetgateSettings.defaults();
        private PinHasher hasher;
        private FleetgateListener listener = FleetgateListener.NONE;
        private LongSupplier ticker = System::nanoTime;

        private Builder() {
        }

        /**
         * Sets the store.
         *
         * @param store where every record lives (a {@code JdbcStore}, or an {@code InMemoryStore} in tests)
         * @return this builder
         * @throws NullPointerException naming {@code store}
         */
        public Builder store(FleetgateStore store) {
            this.store = Objects.requireNonNull(store, "store");
            return this;
        }

        /**
         * Sets the clock.
         *
         * @param clock the source of every instant the services use
         * @return this builder
         * @throws NullPointerException naming {@code clock}
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Sets the settings.
         *
         * @param settings the rules; {@link FleetgateSettings#defaults()} if not set
         * @return this builder
         * @throws NullPointerException naming {@code settings}
         */
        public Builder settings(FleetgateSettings settings) {
            this.settings = Objects.requireNonNull(settings, "settings");
            return this;
        }

        /**
         * Sets the listener told of every committed change, every decision and, if it asks, every
         * store call's duration.
         *
         * @param listener told of every change the services commit, every decision they make and
         *                 (if it asks) how long store calls take (see {@link FleetgateListener});
         *                 {@link FleetgateListener#NONE} if not set
         * @return this builder
         * @throws NullPointerException naming {@code listener}
         */
        public Builder listener(FleetgateListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * Sets the ticker durations are measured with ({@link Decision#durationNanos()},
         * {@link StoreCall#durationNanos()}); instants still come from the clock.
         *
         * @param ticker a monotonic nanosecond count; {@link System#nanoTime()} if not set
         * @return this builder
         * @throws NullPointerException naming {@code ticker}
         */
        public Builder ticker(LongSupplier ticker) {
            this.ticker = Objects.requireNonNull(ticker, "ticker");
            return this;
        }

        /**
         * {@return the services, sharing one context}
         *
         * @throws NullPointerException naming {@code store} if it was not set
         */
        public Fleetgate build() {
            Objects.requireNonNull(store, "store");
            return new Fleetgate(this);
        }
    }
}
