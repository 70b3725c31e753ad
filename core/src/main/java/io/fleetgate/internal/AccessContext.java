package io.fleetgate.internal;

import io.fleetgate.Principal;

/**
 * The principal a service call acts for, made available to the store for the duration of the
 * call, so that a database with row-level security can bind each transaction to it.
 *
 * <p>Services enter a context at the start of every public call and leave it at the end; calls
 * nest (the previous principal is restored). Work done with no context entered is the library's
 * own and runs as {@link Principal#system()}. Held per thread; the services are synchronous.
 * Not API (see {@code package-info}).
 */
public final class AccessContext {
    private static final ThreadLocal<Principal> CURRENT = new ThreadLocal<>();

    private AccessContext() {
    }

    /** A context to leave; closing restores the previous one. */
    public interface Scope extends AutoCloseable {
        /** Restores the previous principal. */
        @Override
        void close();
    }

    /**
     * {@return a scope to close when the call ends}
     *
     * @param principal the caller, or {@code null} for none
     */
    public static Scope enter(Principal principal) {
        Principal previous = CURRENT.get();
        CURRENT.set(principal);
        return () -> {
            if (previous == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(previous);
            }
        };
    }

    /** {@return the principal of the call in progress, or {@link Principal#system()} when none} */
    public static Principal current() {
        Principal p = CURRENT.get();
        return p == null ? Principal.system() : p;
    }
}
