package io.fleetgate.internal;

import io.fleetgate.FleetgateListener;
import io.fleetgate.FleetgateSettings;
import io.fleetgate.session.EventSignatures;
import io.fleetgate.spi.FleetgateStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * What every service of one {@code Fleetgate} shares: the store, the clock, the settings, the
 * retry policy, the PIN hasher, the event signatures and the host's listener, plus the one hook
 * that lets the execution layer react to a login without the session layer knowing about it. Made once by
 * {@code Fleetgate.Builder.build()}; not for hosts. Thread-safe once built (the login hook is set
 * while the services are made, before any is handed out).
 */
public final class Context {
    private static final Logger LOG = LoggerFactory.getLogger(Context.class);

    private final FleetgateStore store;
    private final Clock clock;
    private final FleetgateSettings settings;
    private final Contention contention;
    private final PinHasher hasher;
    private final EventSignatures signatures;
    private final FleetgateListener listener;
    private volatile LoginHook loginHook = (userId, sessionId, now) -> { };

    /** What the execution layer does when a user logs in on a new or renewed session. */
    @FunctionalInterface
    public interface LoginHook {
        /**
         * Runs after a login has committed.
         *
         * @param userId    who logged in
         * @param sessionId the session the login opened
         * @param now       the login's instant
         */
        void loggedIn(String userId, String sessionId, Instant now);
    }

    /**
     * Creates the context the services of one {@code Fleetgate} share.
     *
     * @param store    the store
     * @param clock    the clock
     * @param settings the settings
     * @param hasher   the PIN hasher (the settings' cost and pepper, or a test's)
     * @param listener told of committed changes
     */
    public Context(FleetgateStore store, Clock clock, FleetgateSettings settings, PinHasher hasher,
                   FleetgateListener listener) {
        this.store = Objects.requireNonNull(store, "store");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.hasher = Objects.requireNonNull(hasher, "hasher");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.contention = new Contention(store);
        byte[] secret = settings.sessions().signingSecret();
        this.signatures = secret == null ? null : new EventSignatures(secret);
    }

    /** {@return the store} */
    public FleetgateStore store() {
        return store;
    }

    /** {@return the clock} */
    public Clock clock() {
        return clock;
    }

    /** {@return the settings} */
    public FleetgateSettings settings() {
        return settings;
    }

    /** {@return how decisions that lost a race are retried} */
    public Contention contention() {
        return contention;
    }

    /** {@return the PIN hasher} */
    public PinHasher hasher() {
        return hasher;
    }

    /** {@return the event signatures, or {@code null} without a signing secret} */
    public EventSignatures signatures() {
        return signatures;
    }

    /** {@return the clock's instant at the stores' precision (microseconds)} */
    public Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    /** {@return whether a listener other than {@link FleetgateListener#NONE} is set} */
    public boolean listening() {
        return listener != FleetgateListener.NONE;
    }

    /**
     * Tells the listener of a committed change. What it throws is logged and not passed on: the
     * change stands, and the caller gets its answer.
     *
     * @param call the listener method to call
     */
    public void tell(Consumer<FleetgateListener> call) {
        try {
            call.accept(listener);
        } catch (RuntimeException e) {
            LOG.atWarn().setMessage("listener_failed").addKeyValue("listener", listener.getClass().getName())
                    .addKeyValue("error", e.getClass().getName()).log();
        }
    }

    /**
     * Sets the login hook.
     *
     * @param hook what to do after each login; set once, by the execution service
     */
    public void onLogin(LoginHook hook) {
        this.loginHook = Objects.requireNonNull(hook, "hook");
    }

    /**
     * Runs the login hook.
     *
     * @param userId    who logged in
     * @param sessionId the session the login opened
     * @param now       the login's instant
     */
    public void loggedIn(String userId, String sessionId, Instant now) {
        loginHook.loggedIn(userId, sessionId, now);
    }
}
