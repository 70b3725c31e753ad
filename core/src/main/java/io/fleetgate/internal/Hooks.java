package io.fleetgate.internal;

import java.util.Objects;
import java.util.function.BiConsumer;

/**
 * The one way the library's own tests reach into a {@code Fleetgate.Builder}: to give it a PIN
 * hasher other than the settings' (a cheap one, or one that counts or holds derivations). The
 * builder registers the setter when its class is loaded; nothing in the API exposes it. Not for
 * hosts. Thread-safe.
 */
public final class Hooks {
    private static volatile BiConsumer<Object, PinHasher> pinHasher;

    private Hooks() {
    }

    /**
     * Registers how a {@code Fleetgate} builder takes a PIN hasher.
     *
     * @param setter sets a builder's hasher; called once, by {@code Fleetgate}'s class initialiser
     */
    public static void pinHasherSetter(BiConsumer<Object, PinHasher> setter) {
        pinHasher = Objects.requireNonNull(setter, "setter");
    }

    /**
     * Gives a builder a hasher.
     *
     * @param builder a {@code Fleetgate.Builder}
     * @param hasher  the hasher its services use
     * @param <B>     the builder's type
     * @return the builder
     */
    public static <B> B withPinHasher(B builder, PinHasher hasher) {
        pinHasher.accept(builder, hasher);
        return builder;
    }
}
