package io.fleetgate.internal;

import io.fleetgate.StoreCall;
import io.fleetgate.spi.BatchRepository;
import io.fleetgate.spi.ChangeLog;
import io.fleetgate.spi.CredentialRepository;
import io.fleetgate.spi.EventLog;
import io.fleetgate.spi.ExclusiveSessionRepository;
import io.fleetgate.spi.FleetgateStore;
import io.fleetgate.spi.PlaceDirectory;
import io.fleetgate.spi.PositionLog;
import io.fleetgate.spi.ReviewQueue;
import io.fleetgate.spi.SessionRepository;
import io.fleetgate.spi.WorkspaceDirectory;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The store-timing decorator: a {@link FleetgateStore} whose repositories time each call of the
 * store SPI and report it as a {@link StoreCall} named {@code accessor.method} (e.g.
 * {@code "eventLog.commit"}). Built by {@code Fleetgate} only when its listener asks for store
 * timings, so without one the services call the store itself and pay nothing.
 *
 * <p>The repositories are JDK dynamic proxies over the SPI interfaces (one per repository, made
 * once; a call costs two ticker reads, a reflective call and one small record). Calls made inside
 * {@link #exclusively} run inside the store's transaction: their timings are held on the calling
 * thread and reported once it has ended, then {@code store.exclusively}'s own, so a listener is
 * never called inside a transaction. The store's repositories are taken once, when wrapped.
 * Thread-safe if the store is.
 */
public final class TimedStore implements FleetgateStore {
    /** Every operation name: {@code store.exclusively} and {@code accessor.method} for each SPI method. */
    public static final Set<String> OPERATIONS;

    private static final String EXCLUSIVELY = "store.exclusively";

    static {
        Set<String> ops = new TreeSet<>();
        ops.add(EXCLUSIVELY);
        for (Method accessor : repositoryAccessors()) {
            for (Method m : accessor.getReturnType().getMethods()) {
                if (!Modifier.isStatic(m.getModifiers())) {
                    ops.add(accessor.getName() + "." + m.getName());
                }
            }
        }
        OPERATIONS = Set.copyOf(ops);
    }

    private final FleetgateStore store;
    private final LongSupplier ticker;
    private final Consumer<StoreCall> report;
    private final ThreadLocal<List<StoreCall>> held = new ThreadLocal<>();
    private final PlaceDirectory places;
    private final ExclusiveSessionRepository exclusiveSessions;
    private final WorkspaceDirectory workspaces;
    private final BatchRepository batches;
    private final EventLog eventLog;
    private final ReviewQueue reviews;
    private final CredentialRepository credentials;
    private final SessionRepository sessions;
    private final PositionLog positions;
    private final ChangeLog changes;

    /**
     * Wraps a store.
     *
     * @param store  the store timed
     * @param ticker nanoseconds, e.g. {@code System::nanoTime}
     * @param report told of each call, outside any transaction (must not throw)
     */
    public TimedStore(FleetgateStore store, LongSupplier ticker, Consumer<StoreCall> report) {
        this.store = Objects.requireNonNull(store, "store");
        this.ticker = Objects.requireNonNull(ticker, "ticker");
        this.report = Objects.requireNonNull(report, "report");
        this.places = timed(PlaceDirectory.class, "places", store.places());
        this.exclusiveSessions = timed(ExclusiveSessionRepository.class, "exclusiveSessions", store.exclusiveSessions());
        this.workspaces = timed(WorkspaceDirectory.class, "workspaces", store.workspaces());
        this.batches = timed(BatchRepository.class, "batches", store.batches());
        this.eventLog = timed(EventLog.class, "eventLog", store.eventLog());
        this.reviews = timed(ReviewQueue.class, "reviews", store.reviews());
        this.credentials = timed(CredentialRepository.class, "credentials", store.credentials());
        this.sessions = timed(SessionRepository.class, "sessions", store.sessions());
        this.positions = timed(PositionLog.class, "positions", store.positions());
        this.changes = timed(ChangeLog.class, "changes", store.changes());
    }

    private static List<Method> repositoryAccessors() {
        List<Method> accessors = new ArrayList<>();
        for (Method m : FleetgateStore.class.getMethods()) {
            if (m.getParameterCount() == 0 && m.getReturnType().isInterface()
                    && m.getReturnType().getPackageName().equals(FleetgateStore.class.getPackageName())) {
                accessors.add(m);
            }
        }
        return accessors;
    }

    private <R> R timed(Class<R> type, String accessor, R delegate) {
        Objects.requireNonNull(delegate, accessor);
        Map<Method, String> names = new HashMap<>();
        for (Method m : type.getMethods()) {
            names.put(m, accessor + "." + m.getName());
        }
        InvocationHandler handler = (proxy, method, args) -> {
            String name = names.get(method);
            if (name == null) { // Object's methods
                return switch (method.getName()) {
                    case "equals" -> proxy == args[0];
                    case "hashCode" -> System.identityHashCode(proxy);
                    default -> "timed " + accessor;
                };
            }
            long start = ticker.getAsLong();
            Object result;
            try {
                result = method.invoke(delegate, args);
            } catch (InvocationTargetException e) {
                took(name, false, start);
                throw e.getCause();
            }
            took(name, true, start);
            return result;
        };
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[]{type}, handler));
    }

    private void took(String operation, boolean succeeded, long start) {
        StoreCall call = new StoreCall(operation, succeeded, Math.max(0, ticker.getAsLong() - start));
        List<StoreCall> inTransaction = held.get();
        if (inTransaction != null) {
            inTransaction.add(call);
        } else {
            report.accept(call);
        }
    }

    @Override
    public PlaceDirectory places() {
        return places;
    }

    @Override
    public ExclusiveSessionRepository exclusiveSessions() {
        return exclusiveSessions;
    }

    @Override
    public WorkspaceDirectory workspaces() {
        return workspaces;
    }

    @Override
    public BatchRepository batches() {
        return batches;
    }

    @Override
    public EventLog eventLog() {
        return eventLog;
    }

    @Override
    public ReviewQueue reviews() {
        return reviews;
    }

    @Override
    public CredentialRepository credentials() {
        return credentials;
    }

    @Override
    public SessionRepository sessions() {
        return sessions;
    }

    @Override
    public PositionLog positions() {
        return positions;
    }

    @Override
    public ChangeLog changes() {
        return changes;
    }

    @Override
    public <T> T exclusively(Collection<String> keys, Supplier<T> body) {
        List<StoreCall> outer = held.get();
        List<StoreCall> mine = outer != null ? outer : new ArrayList<>();
        if (outer == null) {
            held.set(mine);
        }
        long start = ticker.getAsLong();
        boolean succeeded = false;
        try {
            T result = store.exclusively(keys, body);
            succeeded = true;
            return result;
        } finally {
            StoreCall own = new StoreCall(EXCLUSIVELY, succeeded, Math.max(0, ticker.getAsLong() - start));
            if (outer != null) {
                outer.add(own); // reported when the outermost one ends
            } else {
                // the transaction has ended: what ran inside it is told now, then exclusively's own
                held.remove();
                mine.forEach(report);
                report.accept(own);
            }
        }
    }
}
