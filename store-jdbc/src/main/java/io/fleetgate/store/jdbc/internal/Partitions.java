package io.fleetgate.store.jdbc.internal;

import java.sql.SQLException;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The monthly partitions of {@code driver_events} and {@code driver_fixes} on PostgreSQL
 * (migration V16): before the store inserts rows recorded in a month it has not seen, it asks the
 * database to make sure that month has its partition ({@code fleetgate_partition_ensure}, a
 * function owned by the schema's owner that the runtime role may call: the runtime role itself can
 * create no table). The months known to have one are remembered, so the hot path costs nothing
 * once a month is known; a month the database leaves to the {@code DEFAULT} partition (outside
 * the window of 24 months back to 3 ahead, or already holding rows there) is asked about again
 * next time. Concurrent hosts creating the same month are serialised by the function's advisory
 * lock. On SQLite ({@link #none()}) nothing happens. Thread-safe.
 */
public final class Partitions {
    /** The partitioned tables. */
    public static final String EVENTS = "driver_events";
    /** The partitioned position table. */
    public static final String FIXES = "driver_fixes";

    private static final String UNDEFINED_FUNCTION = "42883";

    private final Tx tx;
    private final String ensure;
    private final Set<String> known = ConcurrentHashMap.newKeySet();

    private Partitions(Tx tx, String ensure) {
        this.tx = tx;
        this.ensure = ensure;
    }

    /**
     * {@return the partitions of the store's database}
     *
     * @param tx the store's runner (PostgreSQL; for SQLite use {@link #none()})
     */
    public static Partitions of(Tx tx) {
        return new Partitions(tx, SqlFiles.statement(tx.dialect(), "partitions/ensure"));
    }

    /** {@return partitions that do nothing: SQLite has one plain table each} */
    public static Partitions none() {
        return new Partitions(null, null);
    }

    /**
     * Makes sure each month of {@code instants} (UTC) has its partition of {@code table}, asking the
     * database only about months not known yet (in the caller's transaction when it runs inside
     * one of {@link Tx#exclusively}, else in one of its own).
     *
     * @param table    {@link #EVENTS} or {@link #FIXES}
     * @param instants the recorded times about to be inserted
     */
    public void ensure(String table, Collection<Instant> instants) {
        if (ensure == null || instants.isEmpty()) {
            return;
        }
        Set<YearMonth> missing = new TreeSet<>();
        for (Instant at : instants) {
            YearMonth m = YearMonth.from(at.atOffset(ZoneOffset.UTC));
            if (!known.contains(key(table, m))) {
                missing.add(m);
            }
        }
        if (!missing.isEmpty()) {
            ensureMonths(table, missing);
        }
    }

    /**
     * Makes sure these months have their partition of {@code table} (the store's start: the
     * current month and the next ones).
     *
     * @param table  {@link #EVENTS} or {@link #FIXES}
     * @param months the months
     */
    public void ensureMonths(String table, Collection<YearMonth> months) {
        if (ensure == null || months.isEmpty()) {
            return;
        }
        List<YearMonth> asked = List.copyOf(months);
        try {
            tx.read(h -> {
                for (YearMonth m : asked) {
                    Instant first = m.atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC);
                    if (Boolean.TRUE.equals(h.createQuery(ensure).bind("parent", table).bind("at", first)
                            .mapTo(Boolean.class).one())) {
                        known.add(key(table, m));
                    }
                }
                return null;
            });
        } catch (RuntimeException e) {
            if (!beforeV16(e)) {
                throw e;
            }
            // A schema before V16 (a store built without migrating): its tables are not partitioned.
        }
    }

    /** {@return whether the database has no {@code fleetgate_partition_ensure} (SQLSTATE 42883): a schema before V16} */
    private static boolean beforeV16(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s) {
                return UNDEFINED_FUNCTION.equals(s.getSQLState());
            }
        }
        return false;
    }

    /**
     * Forgets every month before {@code before}, so that rows for them are asked about again (after
     * they were detached: a late row for such a month gets a new, empty partition).
     *
     * @param before the first month kept
     */
    public void forgetBefore(YearMonth before) {
        known.removeIf(k -> YearMonth.parse(k.substring(k.indexOf('|') + 1)).isBefore(before));
    }

    private static String key(String table, YearMonth m) {
        return table + "|" + m;
    }
}
