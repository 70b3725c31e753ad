package io.fleetgate.internal;

import io.fleetgate.Decision;
import io.fleetgate.DecisionKind;
import io.fleetgate.FleetgateListener;
import io.fleetgate.FleetgateSettings;
import io.fleetgate.error.ErrorCode;
import io.fleetgate.error.FleetgateException;
import io.fleetgate.session.EventSignatures;
import io.fleetgate.spi.FleetgateStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

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
    private final LongSupplier ticker;
    /** How deep the calling thread is in decisions: only the outermost one is told. */
    private final ThreadLocal<int[]> deciding = ThreadLocal.withInitial(() -> new int[1]);
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
        this(store, clock, settings, hasher, listener, System::nanoTime);
    }

    /**
     * Creates the context the services of one {@code Fleetgate} share. When the listener
     * {@linkplain FleetgateListener#timesStoreCalls() asks for store timings} the store is wrapped
     * in a {@link TimedStore}; otherwise it is used as given.
     *
     * @param store    the store
     * @param clock    the clock
     * @param settings the settings
     * @param hasher   the PIN hasher (the settings' cost and pepper, or a test's)
     * @param listener told of committed changes, decisions and (if it asks) store calls
     * @param ticker   nanoseconds for durations, {@link System#nanoTime()} outside tests
     */
    public Context(FleetgateStore store, Clock clock, FleetgateSettings settings, PinHasher hasher,
                   FleetgateListener listener, LongSupplier ticker) {
        Objects.requireNonNull(store, "store");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.ticker = Objects.requireNonNull(ticker, "ticker");
        this.store = listener != FleetgateListener.NONE && listener.timesStoreCalls()
                ? new TimedStore(store, ticker, call -> tell(l -> l.storeCalled(call))) : store;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.hasher = Objects.requireNonNull(hasher, "hasher");
        this.contention = new Contention(this.store);
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
     * How a call's result becomes decisions: one per call, or one per event of a sync.
     *
     * @param <T> the call's result
     */
    @FunctionalInterface
    public interface Outcomes<T> {
        /**
         * Reports a call's decisions.
         *
         * @param result   what the call answered
         * @param decision takes each decision's outcome and error code (or {@code null})
         */
        void report(T result, BiConsumer<Decision.Outcome, ErrorCode> decision);
    }

    /**
     * Runs a service call as one decision: {@code ACCEPTED} when it returns. See
     * {@link #decide(DecisionKind, Supplier, Outcomes)}.
     *
     * @param kind the decision's kind
     * @param body the call
     * @param <T>  its result
     * @return its result
     */
    public <T> T decide(DecisionKind kind, Supplier<T> body) {
        return decide(kind, body, (result, decision) -> decision.accept(Decision.Outcome.ACCEPTED, null));
    }

    /**
     * Runs a void service call as one decision. See {@link #decide(DecisionKind, Supplier, Outcomes)}.
     *
     * @param kind the decision's kind
     * @param body the call
     */
    public void decide(DecisionKind kind, Runnable body) {
        decide(kind, () -> {
            body.run();
            return Boolean.TRUE;
        });
    }

    /**
     * Runs a service call and tells the listener its decisions once it has ended (after its
     * commit: service calls are never made inside a store transaction): those {@code outcomes}
     * makes of its result, or one {@code REFUSED} with the code of the {@link FleetgateException} it
     * threw ({@code FAILED} for any other exception), which is then thrown on. Only the outermost
     * decision on a thread is told: a call another service call makes on its way is part of that
     * one. Without a listener the body just runs: no ticker read, nothing allocated here.
     *
     * @param kind     the decision's kind
     * @param body     the call
     * @param outcomes how its result becomes decisions
     * @param <T>      its result
     * @return its result
     */
    public <T> T decide(DecisionKind kind, Supplier<T> body, Outcomes<T> outcomes) {
        if (!listening()) {
            return body.get();
        }
        int[] depth = deciding.get();
        if (depth[0] > 0) {
            return body.get();
        }
        long start = ticker.getAsLong();
        T result;
        depth[0]++;
        try {
            result = body.get();
        } catch (RuntimeException e) {
            long took = Math.max(0, ticker.getAsLong() - start);
            Decision refused = e instanceof FleetgateException f
                    ? new Decision(kind, Decision.Outcome.REFUSED, f.code(), took)
                    : new Decision(kind, Decision.Outcome.FAILED, null, took);
            depth[0] = 0;
            tell(l -> l.decided(refused));
            throw e;
        } finally {
            depth[0] = 0; // this is the outermost decision
        }
        long took = Math.max(0, ticker.getAsLong() - start);
        outcomes.report(result, (outcome, error) -> {
            Decision d = new Decision(kind, outcome, error, took);
            tell(l -> l.decided(d));
        });
        return result;
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
