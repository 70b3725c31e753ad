package io.fleetgate.store.jdbc.internal;

import io.fleetgate.execution.DriverEvent;
import io.fleetgate.position.AlertKind;
import io.fleetgate.position.DriverPresence;
import io.fleetgate.position.Fix;
import io.fleetgate.position.FixMark;
import io.fleetgate.position.PositionAlert;
import io.fleetgate.position.RecordedFix;
import io.fleetgate.spi.PositionLog;
import io.fleetgate.store.jdbc.Dialect;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * {@link PositionLog} on a JDBC database (migration V12): the fixes in {@code driver_fixes}, each
 * driver's presence in {@code driver_presence}, the alerts in {@code position_alerts}, and the
 * unconfirmed arrivals read from {@code driver_events}.
 *
 * <p><b>Fixes.</b> {@link #insertFixes} is one write transaction. On PostgreSQL it is one
 * {@code INSERT … SELECT FROM unnest(…) ON CONFLICT (driver_id, recorded_at) DO NOTHING RETURNING
 * …} per {@value #STATEMENT_ROWS} fixes: for one phone's call (the fixes share their driver,
 * workspace, batch and receipt, as the service sends them) those are bound once and every other
 * column as one array, and the recorded times inserted come back; for any other mix every column
 * is an array and the keys inserted come back. Instants travel as integer microseconds, so they
 * are stored exactly as on SQLite. On SQLite it is one JDBC batch ({@link RowBatch}) per
 * {@value Chunks#SIZE} fixes, whose row counts tell which were inserted. Only when some key was taken are the stored rows at those keys read back, one query
 * per driver and {@value Chunks#SIZE} keys. Instants are kept to the microsecond (finer parts are
 * truncated, as {@link SqliteDialect#toMicros} does). {@link #purgeFixes} is one {@code DELETE} of
 * the oldest rows before the cut-off, by key. On PostgreSQL {@code driver_fixes} is partitioned by
 * month (V16): before an insert, each month the fixes fall in is made sure of its partition
 * ({@link Partitions}); a month already known costs nothing.
 *
 * <p><b>Presence.</b> {@link #heard} returns and clears the open QUIET alert atomically: on
 * PostgreSQL in one statement that locks the row ({@code FOR UPDATE}) before it upserts it; on
 * SQLite a read and an upsert in one IMMEDIATE transaction. {@link #markQuiet} is a
 * compare-and-set on {@code last_heard_at}. {@link #findSilent} reads {@code
 * driver_presence.on_route_batch_id} (V18: the driver's batch on route, kept by triggers on the
 * batches), a range scan of the partial index {@code ix_driver_presence_silent} stopped by its
 * limit, not a join of every driver's presence to the batches.
 *
 * <p>On PostgreSQL every unit runs bound to the acting principal ({@link Tx}), so row-level
 * security applies: a driver reads and writes their own fixes, presence and alerts, a supervisor
 * or member reads their workspace's, and only the system purges fixes. Ids compare by code point
 * on both databases. Thread-safe.
 */
public final class JdbcPositionLog implements PositionLog {
    private final Partitions partitions;
    /** The most fixes one PostgreSQL statement inserts (one array per column). */
    static final int STATEMENT_ROWS = 1000;

    private final Tx tx;
    private final SqlDialect dialect;
    private final boolean postgres;
    /** PostgreSQL: the unnest insert of any fixes, and of one phone's call (one driver, batch, receipt). */
    private final Positional insertFixesPg;
    private final Positional insertCallFixesPg;
    /** PostgreSQL: the intake read and one call's insert in one statement. */
    private final String takeFixesPg;
    /** SQLite: the one-row insert as a JDBC batch. */
    private final RowBatch<RecordedFix> insertFix;
    private final String findFixesAt;
    private final String findIntake;
    private final String findFixes;
    private final String purgeFixes;
    private final String heard;
    private final String heardQuiet;
    private final String findPresence;
    private final String findPresenceOf;
    private final String findSilent;
    private final String markQuiet;
    private final String findAlerts;
    private final String findAlert;
    private final String insertAlert;
    private final String updateAlert;
    private final String findUnconfirmed;
    private final String findUnconfirmedAll;

    /**
     * Creates the log on the store's runner.
     *
     * @param tx         the database
     * @param partitions the fixes' monthly partitions (PostgreSQL), made sure of before an insert
     */
    public JdbcPositionLog(Tx tx, Partitions partitions) {
        this.tx = tx;
        this.partitions = partitions;
        this.dialect = tx.dialect();
        this.postgres = dialect.dialect() == Dialect.POSTGRES;
        String insertFixes = SqlFiles.statement(dialect, "positions/insert_fixes");
        if (postgres) {
            this.insertFixesPg = Positional.of(insertFixes);
            this.insertCallFixesPg = Positional.of(SqlFiles.statement(dialect, "positions/insert_call_fixes"));
            this.takeFixesPg = SqlFiles.statement(dialect, "positions/take_fixes");
            this.insertFix = null;
            this.heardQuiet = null;
        } else {
            this.insertFixesPg = null;
            this.insertCallFixesPg = null;
            this.takeFixesPg = null;
            this.insertFix = new RowBatch<>(insertFixes, Rows.fixColumns(new Values(dialect)));
            this.heardQuiet = SqlFiles.statement(dialect, "positions/heard_quiet");
        }
        this.findFixesAt = SqlFiles.statement(dialect, "positions/find_fixes_at");
        this.findIntake = postgres ? null : SqlFiles.statement(dialect, "positions/find_intake");
        this.findFixes = SqlFiles.statement(dialect, "positions/find_fixes");
        this.purgeFixes = SqlFiles.statement(dialect, "positions/purge_fixes");
        this.heard = SqlFiles.statement(dialect, "positions/heard");
        this.findPresence = SqlFiles.statement(dialect, "positions/find_presence");
        this.findPresenceOf = SqlFiles.statement(dialect, "positions/find_presence_of");
        this.findSilent = SqlFiles.statement(dialect, "positions/find_silent");
        this.markQuiet = SqlFiles.statement(dialect, "positions/mark_quiet");
        this.findAlerts = SqlFiles.statement(dialect, "positions/find_alerts");
        this.findAlert = SqlFiles.statement(dialect, "positions/find_alert");
        this.insertAlert = SqlFiles.statement(dialect, "positions/insert_alert");
        this.updateAlert = SqlFiles.statement(dialect, "positions/update_alert");
        this.findUnconfirmed = SqlFiles.statement(dialect, "positions/find_unconfirmed_arrivals");
        this.findUnconfirmedAll = SqlFiles.statement(dialect, "positions/find_unconfirmed_arrivals_all");
    }

    /** A statement with its {@code :name} parameters turned into positions, and their names in order. */
    private record Positional(String sql, List<String> names) {
        static Positional of(String namedSql) {
            List<String> names = new ArrayList<>();
            String sql = RowBatch.positional(namedSql, names);
            return new Positional(sql, List.copyOf(names));
        }

        /** Binds each parameter by name: an array, a text or an integer. */
        void bind(PreparedStatement ps, Map<String, Object> values) throws SQLException {
            for (int i = 0; i < names.size(); i++) {
                Object v = values.get(names.get(i));
                if (v instanceof Array a) {
                    ps.setArray(i + 1, a);
                } else if (v instanceof Long l) {
                    ps.setLong(i + 1, l);
                } else if (v instanceof String text) {
                    ps.setString(i + 1, text);
                } else {
                    throw new IllegalStateException("no value for parameter :" + names.get(i));
                }
            }
        }
    }

    /** A fix's key as stored: the driver and {@code recorded_at} in microseconds since the epoch. */
    private record Key(String driverId, long micros) {
        static Key of(RecordedFix f) {
            return new Key(f.driverId(), SqliteDialect.toMicros(f.recordedAt()));
        }

        Instant recordedAt() {
            return Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>See the class comment: one statement per {@value #STATEMENT_ROWS} fixes on PostgreSQL,
     * one JDBC batch per {@value Chunks#SIZE} on SQLite, in one transaction, and a read of the
     * stored rows only for the keys found taken.
     */
    @Override
    public List<RecordedFix> insertFixes(List<RecordedFix> fixes) {
        Objects.requireNonNull(fixes, "fixes");
        if (fixes.isEmpty()) {
            return new ArrayList<>();
        }
        partitions.ensure(Partitions.FIXES, fixes.stream().map(f -> f.fix().recordedAt()).toList());
        return tx.writeOrFailAll(h -> {
            List<Key> taken = postgres ? insertPostgres(h, fixes) : insertSqlite(h, fixes);
            return taken.isEmpty() ? new ArrayList<>() : stored(h, taken);
        });
    }

    private List<Key> insertPostgres(Handle h, List<RecordedFix> fixes) {
        List<Key> taken = new ArrayList<>();
        Connection c = h.getConnection();
        for (int from = 0; from < fixes.size(); from += STATEMENT_ROWS) {
            List<RecordedFix> chunk = fixes.subList(from, Math.min(fixes.size(), from + STATEMENT_ROWS));
            boolean oneCall = oneCall(chunk);
            Set<Key> inserted = new HashSet<>();
            try (PreparedStatement ps = c.prepareStatement(oneCall ? insertCallFixesPg.sql() : insertFixesPg.sql())) {
                (oneCall ? insertCallFixesPg : insertFixesPg).bind(ps, values(c, chunk, oneCall));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        // one call: RETURNING recorded_at; else RETURNING driver_id, recorded_at
                        String driverId = oneCall ? chunk.get(0).driverId() : rs.getString(1);
                        inserted.add(new Key(driverId, SqliteDialect.toMicros(dialect.instant(rs, oneCall ? 1 : 2))));
                    }
                }
            } catch (SQLException e) {
                throw new UnableToExecuteStatementException("insert of " + chunk.size() + " fixes failed: "
                        + e.getMessage(), e, null);
            }
            for (RecordedFix f : chunk) {
                Key k = Key.of(f);
                if (!inserted.contains(k)) {
                    taken.add(k);
                }
            }
        }
        return taken;
    }

    /** {@return whether the fixes share their driver, workspace, batch and receipt, as one phone's call does} */
    private static boolean oneCall(List<RecordedFix> fixes) {
        RecordedFix first = fixes.get(0);
        for (RecordedFix f : fixes) {
            if (!f.driverId().equals(first.driverId()) || !f.workspaceId().equals(first.workspaceId())
                    || !f.batchId().equals(first.batchId()) || !f.receivedAt().equals(first.receivedAt())) {
                return false;
            }
        }
        return true;
    }

    /**
     * The values of {@code insert_fixes.postgres.sql} (one array per column) or, for one call, of
     * {@code insert_call_fixes.postgres.sql} (what the fixes share bound once), by parameter name.
     */
    private static Map<String, Object> values(Connection c, List<RecordedFix> fixes, boolean oneCall)
            throws SQLException {
        int n = fixes.size();
        List<Fix> each = new ArrayList<>(n);
        int[] marks = new int[n];
        for (int i = 0; i < n; i++) {
            each.add(fixes.get(i).fix());
            marks[i] = FixMark.bits(fixes.get(i).marks());
        }
        Map<String, Object> out = fixArrays(c, each, marks);
        if (oneCall) {
            RecordedFix first = fixes.get(0);
            out.put("driver_id", first.driverId());
            out.put("workspace_id", first.workspaceId());
            out.put("batch_id", first.batchId());
            out.put("received_us", SqliteDialect.toMicros(first.receivedAt()));
            return out;
        }
        String[] driver = new String[n];
        String[] workspace = new String[n];
        String[] batch = new String[n];
        Long[] received = new Long[n];
        for (int i = 0; i < n; i++) {
            RecordedFix f = fixes.get(i);
            driver[i] = f.driverId();
            workspace[i] = f.workspaceId();
            batch[i] = f.batchId();
            received[i] = SqliteDialect.toMicros(f.receivedAt());
        }
        out.put("driver_id", c.createArrayOf("text", driver));
        out.put("workspace_id", c.createArrayOf("text", workspace));
        out.put("batch_id", c.createArrayOf("text", batch));
        out.put("received_us", c.createArrayOf("int8", received));
        return out;
    }

    /** The fixes' own columns, one array each, by parameter name: {@link #FIX_ARRAYS}. */
    private static Map<String, Object> fixArrays(Connection c, List<Fix> fixes, int[] markBits) throws SQLException {
        int n = fixes.size();
        Long[] recorded = new Long[n];
        Double[] lat = new Double[n];
        Double[] lng = new Double[n];
        Double[] accuracy = new Double[n];
        Double[] speed = new Double[n];
        Double[] heading = new Double[n];
        Integer[] marks = new Integer[n];
        for (int i = 0; i < n; i++) {
            Fix f = fixes.get(i);
            recorded[i] = SqliteDialect.toMicros(f.recordedAt());
            lat[i] = f.location().lat();
            lng[i] = f.location().lng();
            accuracy[i] = f.accuracyMeters();
            speed[i] = f.speedMps();
            heading[i] = f.headingDegrees();
            marks[i] = markBits[i];
        }
        Map<String, Object> out = new HashMap<>();
        out.put("recorded_us", c.createArrayOf("int8", recorded));
        out.put("lat", c.createArrayOf("float8", lat));
        out.put("lng", c.createArrayOf("float8", lng));
        out.put("accuracy_m", c.createArrayOf("float8", accuracy));
        out.put("speed_mps", c.createArrayOf("float8", speed));
        out.put("heading_deg", c.createArrayOf("float8", heading));
        out.put("marks", c.createArrayOf("int4", marks));
        return out;
    }

    /** The parameters of the fixes' own columns, each bound as an array. */
    private static final List<String> FIX_ARRAYS =
            List.of("recorded_us", "lat", "lng", "accuracy_m", "speed_mps", "heading_deg", "marks");

    private List<Key> insertSqlite(Handle h, List<RecordedFix> fixes) {
        List<Key> taken = new ArrayList<>();
        for (List<RecordedFix> chunk : Chunks.of(fixes)) {
            int[] counts = insertFix.execute(h, chunk);
            for (int i = 0; i < counts.length; i++) {
                if (counts[i] < 0) {
                    throw new IllegalStateException("the JDBC driver did not report an INSERT's row count ("
                            + counts[i] + "); the fixes' insert needs it");
                }
                if (counts[i] == 0) {
                    taken.add(Key.of(chunk.get(i)));
                }
            }
        }
        return taken;
    }

    /** The stored fixes at these keys: one query per driver and {@value Chunks#SIZE} keys. */
    private List<RecordedFix> stored(Handle h, List<Key> keys) {
        Map<String, List<Instant>> byDriver = new LinkedHashMap<>();
        for (Key k : keys) {
            byDriver.computeIfAbsent(k.driverId(), d -> new ArrayList<>()).add(k.recordedAt());
        }
        List<RecordedFix> out = new ArrayList<>(keys.size());
        byDriver.forEach((driverId, instants) -> {
            for (List<Instant> chunk : Chunks.of(instants)) {
                out.addAll(h.createQuery(findFixesAt).bind("driver_id", driverId).bindList("recorded_at", chunk)
                        .mapTo(RecordedFix.class).list());
            }
        });
        return out;
    }

    /**
     * {@inheritDoc}
     *
     * <p>One statement: the batch row, left-joined to the driver's fixes in the span, with the
     * arrivals' test as a column.
     *
     * @throws IllegalArgumentException for a negative limit
     */
    @Override
    public Optional<Intake> findIntake(String batchId, String driverId, Instant from, Instant to, int limit,
                                      Instant arrivalsFrom, Instant arrivalsTo) {
        Objects.requireNonNull(batchId, "batchId");
        Objects.requireNonNull(driverId, "driverId");
        if (postgres) { // take_fixes without fixes: the same read, one statement to keep
            Reads reads = new Reads(from, to, limit, arrivalsFrom, arrivalsTo);
            List<Rows.IntakeRow> rows = tx.writeOrFailAll(h -> take(h, batchId, driverId, reads, List.of(), new int[0],
                    Instant.EPOCH, new HashSet<>()));
            return rows.isEmpty() ? Optional.empty() : Optional.of(intake(batchId, rows));
        }
        boolean none = limitOrZero(limit) || from.isAfter(to);
        List<Rows.IntakeRow> rows = tx.read(h -> h.createQuery(findIntake).bind("batch_id", batchId)
                .bind("driver_id", driverId).bind("from", from).bind("to", none ? from.minusNanos(1000) : to)
                .bind("limit", Math.max(limit, 0)).bind("arrivals_from", arrivalsFrom).bind("arrivals_to", arrivalsTo)
                .mapTo(Rows.IntakeRow.class).list());
        return rows.isEmpty() ? Optional.empty() : Optional.of(intake(batchId, rows));
    }

    /** {@return the intake of these rows of {@code find_intake} or {@code take_fixes}, at least one} */
    private static Intake intake(String batchId, List<Rows.IntakeRow> rows) {
        Rows.IntakeRow head = rows.get(0);
        List<Fix> stored = new ArrayList<>(rows.size());
        for (Rows.IntakeRow r : rows) {
            if (r.fix() != null) {
                stored.add(r.fix());
            }
        }
        return new Intake(new BatchRoute(batchId, head.workspaceId(), head.driverId(), head.corridor()),
                stored, head.presence(), head.unconfirmed());
    }

    /**
     * {@inheritDoc}
     *
     * <p>On PostgreSQL, for up to {@value #STATEMENT_ROWS} fixes, one statement ({@code
     * take_fixes.postgres.sql}): the read of {@link #findIntake} with the insert of one call as a
     * data-modifying {@code WITH}, which sees the snapshot before the insert; the stored rows at
     * taken keys are read after it, only when some key was taken. Otherwise the two in turn.
     */
    @Override
    public Optional<Taking> takeFixes(String batchId, String driverId, Reads reads, List<Fix> fixes,
                                      Function<? super Fix, Set<FixMark>> marks, Instant receivedAt) {
        Objects.requireNonNull(batchId, "batchId");
        Objects.requireNonNull(driverId, "driverId");
        if (!postgres || fixes.isEmpty() || fixes.size() > STATEMENT_ROWS) {
            return PositionLog.super.takeFixes(batchId, driverId, reads, fixes, marks, receivedAt);
        }
        partitions.ensure(Partitions.FIXES, fixes.stream().map(Fix::recordedAt).toList());
        return tx.writeOrFailAll(h -> {
            List<Set<FixMark>> each = new ArrayList<>(fixes.size());
            int[] bits = new int[fixes.size()];
            for (int i = 0; i < bits.length; i++) {
                each.add(marks.apply(fixes.get(i)));
                bits[i] = FixMark.bits(each.get(i));
            }
            Set<Long> inserted = new HashSet<>();
            List<Rows.IntakeRow> rows = take(h, batchId, driverId, reads, fixes, bits, receivedAt, inserted);
            if (rows.isEmpty()) {
                return Optional.<Taking>empty();
            }
            Intake intake = intake(batchId, rows);
            if (!driverId.equals(intake.batch().driverId())) {
                return Optional.<Taking>empty();
            }
            List<RecordedFix> stored = new ArrayList<>(fixes.size());
            List<Key> taken = new ArrayList<>();
            for (int i = 0; i < fixes.size(); i++) {
                RecordedFix f = new RecordedFix(driverId, intake.batch().workspaceId(), batchId, fixes.get(i),
                        each.get(i), receivedAt);
                stored.add(f);
                Key k = Key.of(f);
                if (!inserted.contains(k.micros())) {
                    taken.add(k);
                }
            }
            return Optional.of(new Taking(intake, stored, taken.isEmpty() ? List.of() : stored(h, taken)));
        });
    }

    /**
     * Runs {@code take_fixes.postgres.sql}: the intake read and, when the batch is the driver's,
     * the insert of {@code fixes} (none: only the read).
     *
     * @param inserted filled with the recorded times inserted, in microseconds since the epoch
     * @return the rows read; none for an unknown batch
     */
    private List<Rows.IntakeRow> take(Handle h, String batchId, String driverId, Reads reads, List<Fix> fixes,
                                      int[] bits, Instant receivedAt, Set<Long> inserted) {
        boolean none = limitOrZero(reads.limit()) || reads.from().isAfter(reads.to());
        Map<String, Object> arrays;
        try {
            arrays = fixArrays(h.getConnection(), fixes, bits);
        } catch (SQLException e) {
            throw new UnableToExecuteStatementException("arrays of " + fixes.size() + " fixes: " + e.getMessage(),
                    e, null);
        }
        var query = h.createQuery(takeFixesPg).bind("batch_id", batchId).bind("driver_id", driverId)
                .bind("from", reads.from()).bind("to", none ? reads.from().minusNanos(1000) : reads.to())
                .bind("limit", Math.max(reads.limit(), 0)).bind("arrivals_from", reads.arrivalsFrom())
                .bind("arrivals_to", reads.arrivalsTo())
                .bind("received_us", SqliteDialect.toMicros(receivedAt));
        for (String name : FIX_ARRAYS) {
            Array a = (Array) arrays.get(name);
            query.bind(name, (position, statement, ctx) -> statement.setArray(position, a));
        }
        return query.map((rs, ctx) -> {
            if (rs.isFirst()) {
                Array a = rs.getArray("intake_inserted_us");
                if (a != null) {
                    for (Object us : (Object[]) a.getArray()) {
                        inserted.add(((Number) us).longValue());
                    }
                }
            }
            return ctx.findRowMapperFor(Rows.IntakeRow.class).orElseThrow().map(rs, ctx);
        }).list();
    }

    /**
     * {@inheritDoc}
     *
     * <p>On the primary key {@code (driver_id, recorded_at)}.
     *
     * @throws IllegalArgumentException for a negative limit
     */
    @Override
    public List<RecordedFix> findFixes(String driverId, Instant from, Instant to, int limit) {
        if (limitOrZero(limit) || from.isAfter(to)) {
            return List.of();
        }
        return tx.read(h -> h.createQuery(findFixes).bind("driver_id", driverId).bind("from", from).bind("to", to)
                .bind("limit", limit).mapTo(RecordedFix.class).list());
    }

    /**
     * {@inheritDoc}
     *
     * <p>One {@code DELETE}; on PostgreSQL row-level security lets only the system principal
     * remove fixes (for anyone else it removes none).
     *
     * @throws IllegalArgumentException for a negative limit
     */
    @Override
    public int purgeFixes(Instant before, int limit) {
        Objects.requireNonNull(before, "before");
        if (limitOrZero(limit)) {
            return 0;
        }
        return tx.writeOrFailAll(h -> h.createUpdate(purgeFixes).bind("before", before).bind("limit", limit).execute());
    }

    @Override
    public Optional<String> heard(String workspaceId, String driverId, Instant heardAt, Instant lastFixAt) {
        Objects.requireNonNull(workspaceId, "workspaceId");
        Objects.requireNonNull(driverId, "driverId");
        Objects.requireNonNull(heardAt, "heardAt");
        return tx.writeOrFailAll(h -> {
            if (postgres) {
                return bindHeard(h.createQuery(heard), workspaceId, driverId, heardAt, lastFixAt)
                        .mapTo(String.class).findOne();
            }
            Optional<String> open = h.createQuery(heardQuiet).bind("driver_id", driverId).mapTo(String.class).findOne();
            bindHeard(h.createUpdate(heard), workspaceId, driverId, heardAt, lastFixAt).execute();
            return open;
        });
    }

    private static <S extends org.jdbi.v3.core.statement.SqlStatement<S>> S bindHeard(
            S statement, String workspaceId, String driverId, Instant heardAt, Instant lastFixAt) {
        return statement.bind("driver_id", driverId)
                .bind("workspace_id", workspaceId)
                .bind("heard_at", heardAt)
                .bindByType("last_fix_at", lastFixAt, Instant.class);
    }

    /**
     * {@inheritDoc}
     *
     * <p>By driver id, in code point order on both databases.
     */
    @Override
    public List<DriverPresence> findPresence(String workspaceId) {
        return tx.read(h -> h.createQuery(findPresence).bind("workspace_id", workspaceId)
                .mapTo(DriverPresence.class).list());
    }

    /**
     * {@inheritDoc}
     *
     * <p>One statement per {@value Chunks#SIZE} drivers, in one transaction, on the primary key.
     */
    @Override
    public List<DriverPresence> findPresence(String workspaceId, Collection<String> driverIds) {
        List<String> ids = List.copyOf(new java.util.LinkedHashSet<>(driverIds));
        if (ids.isEmpty()) {
            return List.of();
        }
        return tx.read(h -> {
            List<DriverPresence> out = new ArrayList<>();
            for (List<String> chunk : Chunks.of(ids)) {
                out.addAll(h.createQuery(findPresenceOf).bind("workspace_id", workspaceId).bindList("ids", chunk)
                        .mapTo(DriverPresence.class).list());
            }
            return out;
        });
    }

    /**
     * {@inheritDoc}
     *
     * <p>Ties on {@code lastHeardAt} by driver id, in code point order on both databases.
     *
     * @throws IllegalArgumentException for a negative limit
     */
    @Override
    public List<Silence> findSilent(Instant heardBefore, int limit) {
        if (limitOrZero(limit)) {
            return List.of();
        }
        return tx.read(h -> h.createQuery(findSilent).bind("before", heardBefore).bind("limit", limit)
                .mapTo(Silence.class).list());
    }

    @Override
    public boolean markQuiet(String driverId, Instant lastHeardAt, String alertId) {
        return tx.writeOrFailAll(h -> h.createUpdate(markQuiet).bind("driver_id", driverId).bind("last_heard_at", lastHeardAt)
                .bind("alert_id", alertId).execute()) == 1;
    }

    @Override
    public List<PositionAlert> findAlerts(String driverId, AlertKind kind, Instant from, Instant to) {
        return tx.read(h -> h.createQuery(findAlerts).bind("driver_id", driverId).bind("kind", kind)
                .bind("from", from).bind("to", to).mapTo(PositionAlert.class).list());
    }

    @Override
    public Optional<PositionAlert> findAlert(String workspaceId, String alertId) {
        return tx.read(h -> h.createQuery(findAlert).bind("workspace_id", workspaceId).bind("id", alertId)
                .mapTo(PositionAlert.class).findOne());
    }

    /**
     * {@inheritDoc}
     *
     * <p>{@code INSERT … ON CONFLICT DO NOTHING} on the {@code (driver_id, kind, first_at)} unique
     * constraint (and the id): of two instances raising the same alert at once, one writes. The
     * batch and the workspace must exist (foreign keys).
     */
    @Override
    public boolean insertAlert(PositionAlert alert) {
        Objects.requireNonNull(alert, "alert");
        return tx.writeOrFailAll(h -> h.createUpdate(insertAlert)
                .bind("id", alert.id())
                .bind("workspace_id", alert.workspaceId())
                .bind("driver_id", alert.driverId())
                .bind("batch_id", alert.batchId())
                .bind("kind", alert.kind())
                .bind("first_at", alert.firstAt())
                .bind("last_at", alert.lastAt())
                .bind("count", alert.count())
                .bind("detail", alert.detail())
                .bind("created_at", alert.createdAt())
                .bind("merged_into", alert.mergedInto())
                .execute()) == 1;
    }

    /**
     * {@inheritDoc}
     *
     * <p>An alert with another id is left alone; nothing is written for an unknown id.
     */
    @Override
    public void updateAlert(PositionAlert alert) {
        Objects.requireNonNull(alert, "alert");
        tx.writeOrFailAll(h -> h.createUpdate(updateAlert)
                .bind("id", alert.id())
                .bind("first_at", alert.firstAt())
                .bind("last_at", alert.lastAt())
                .bind("count", alert.count())
                .bind("detail", alert.detail())
                .bind("merged_into", alert.mergedInto())
                .execute());
    }

    /**
     * {@inheritDoc}
     *
     * <p>A flag reason counts when it starts with {@code ARRIVAL_UNCONFIRMED}, case included. On
     * the partial index of flagged arrivals ({@code ix_driver_events_unconfirmed_arrivals}, V12);
     * a review record is looked for as the review queue does (by workspace and event id).
     *
     * @throws IllegalArgumentException for a negative limit
     */
    @Override
    public List<DriverEvent> findUnconfirmedArrivals(String driverId, Instant from, Instant to, int limit) {
        if (limitOrZero(limit) || from.isAfter(to)) {
            return List.of();
        }
        return tx.read(h -> {
            var q = driverId == null ? h.createQuery(findUnconfirmedAll)
                    : h.createQuery(findUnconfirmed).bind("driver_id", driverId);
            return q.bind("from", from).bind("to", to).bind("limit", limit).mapTo(DriverEvent.class).list();
        });
    }

    /** {@return true for a zero limit (nothing to do)} @throws IllegalArgumentException for a negative one */
    private static boolean limitOrZero(int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must be 0 or more, got " + limit);
        }
        return limit == 0;
    }
}
