package io.fleetgate.store.jdbc.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits long lists for statements with a bounded number of parameters: JDBC batches of at most
 * {@value #SIZE} rows, {@code IN (…)} lists of at most {@value #SIZE} ids. Stateless and
 * thread-safe.
 */
final class Chunks {
    /** The most rows per JDBC batch and ids per {@code IN (…)} list. */
    static final int SIZE = 500;

    private Chunks() {
    }

    /**
     * {@return consecutive views of {@code all}, each of at most {@value #SIZE} elements}
     *
     * @param all a list
     * @param <T> its element type
     */
    static <T> List<List<T>> of(List<T> all) {
        List<List<T>> out = new ArrayList<>((all.size() + SIZE - 1) / SIZE);
        for (int from = 0; from < all.size(); from += SIZE) {
            out.add(all.subList(from, Math.min(all.size(), from + SIZE)));
        }
        return out;
    }
}
