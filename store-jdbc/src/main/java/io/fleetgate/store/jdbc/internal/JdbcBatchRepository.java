package io.fleetgate.store.jdbc.internal;

import io.fleetgate.execution.Batch;
import io.fleetgate.execution.DriverStatus;
import io.fleetgate.execution.Stop;
import io.fleetgate.spi.BatchRepository;
import io.fleetgate.store.jdbc.internal.Rows.BatchRow;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.statement.StatementContext;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * {@link BatchRepository} on a JDBC database: table {@code delivery_batches} and its stops in
 * {@code batch_stops}. A batch's row and stops are written in one transaction; its stops change
 * only with a supervisor's plan change, which rewrites them in the transaction of the row's
 * compare-and-set update and bumps its version ({@link JdbcEventLog#commit}). A batch is read with
 * its stops in one statement (the row joined to its stops, for many batches one {@code IN (…)}
 * query per {@value Chunks#SIZE} ids), so a read sees a plan change whole or not at all, on either
 * database and outside a transaction. Rows map through the store's registered row mappers
 * ({@link Rows}). Batch changes made by a sync are the event log's. {@link #assignDriver} reads
 * the stops after its update, in its transaction. Thread-safe.
 */
public final class JdbcBatchRepository implements BatchRepository {
    private final Tx tx;
    private final String insertBatch;
    private final String insertStop;
    private final String findBatch;
    private final String findStops;
    private final String findBatches;
    private final String assignDriver;
    private final String findInProgress;
    private final String findBatchesInWorkspace;
    private final String findBatchesAssignedTo;
    private final String findCurrentBatches;
    private final String findBatchesAssignedWithStatus;

    /**
     * Creates the repository on the store's runner.
     *
     * @param tx the database
     */
    public JdbcBatchRepository(Tx tx) {
        this.tx = tx;
        SqlDialect d = tx.dialect();
        this.insertBatch = SqlFiles.statement(d, "execution/insert_batch");
        this.insertStop = SqlFiles.statement(d, "execution/insert_stop");
        this.findBatch = batchRows(d, "execution/find_batch");
        this.findStops = SqlFiles.statement(d, "execution/find_stops");
        this.findBatches = batchRows(d, "execution/find_batches");
        this.assignDriver = SqlFiles.statement(d, "execution/assign_driver");
        this.findInProgress = SqlFiles.statement(d, "execution/find_in_progress");
        this.findBatchesInWorkspace = batchRows(d, "execution/find_batches_in_workspace");
        this.findBatchesAssignedTo = batchRows(d, "execution/find_batches_assigned_to");
        this.findCurrentBatches = batchRows(d, "execution/find_current_batches");
        this.findBatchesAssignedWithStatus = batchRows(d, "execution/find_batches_assigned_with_status");
    }

    /**
     * {@inheritDoc}
     *
     * <p>The batch row and its stops are written in one transaction; the batch's workspace must
     * exist (a foreign key). Its corridor is written here only: it never changes after.
     */
    @Override
    public boolean insertBatch(Batch batch) {
        Objects.requireNonNull(batch, "batch");
        return tx.write(h -> {
            int inserted = Rows.bindBatch(h.createUpdate(insertBatch), batch)
                    .bind("created_at", batch.createdAt())
                    .bindByType("route", StopJson.route(batch.corridor()), Values.JSON)
                    .bindByType("corridor_width_m", batch.corridor() == null ? null : batch.corridor().widthMeters(),
                            Double.class)
                    .execute();
            if (inserted == 0) {
                return false;
            }
            insertStops(h, insertStop, batch.id(), batch.stops());
            return true;
        });
    }

    /**
     * Writes a batch's stops, each at its position, as one JDBC batch: a new batch's, and after a
     * plan change the new list ({@link JdbcEventLog#commit}, once the old rows are deleted).
     *
     * @param h          a handle inside the write transaction
     * @param insertStop the text of {@code execution/insert_stop}
     * @param batchId    the batch
     * @param stops      its stops, in order, each with its id
     */
    static void insertStops(Handle h, String insertStop, String batchId, List<Stop> stops) {
        if (stops.isEmpty()) {
            return;
        }
        PreparedBatch rows = h.prepareBatch(insertStop);
        for (int i = 0; i < stops.size(); i++) {
            Rows.bindStop(rows, batchId, i, stops.get(i)).add();
        }
        rows.execute();
    }

    @Override
    public Optional<Batch> findBatch(String batchId) {
        return tx.read(h -> joined(h.createQuery(findBatch).bind("id", batchId)).stream().findFirst());
    }

    @Override
    public Map<String, Batch> findBatches(Collection<String> batchIds) {
        List<String> ids = List.copyOf(new LinkedHashSet<>(batchIds));
        if (ids.isEmpty()) {
            return new HashMap<>();
        }
        return tx.read(h -> {
            Map<String, Batch> out = new HashMap<>();
            for (List<String> chunk : Chunks.of(ids)) {
                for (Batch b : joined(h.createQuery(findBatches).bindList("ids", chunk))) {
                    out.put(b.id(), b);
                }
            }
            return out;
        });
    }

    /**
     * {@inheritDoc}
     *
     * <p>The database refuses (with an exception, not an empty result) to assign a driver to a
     * batch on route while another batch of that driver is on route: the service never asks.
     */
    @Override
    public Optional<Batch> assignDriver(String batchId, String driverId, long expectedVersion, Instant now) {
        return tx.write(h -> h.createQuery(assignDriver)
                .bind("id", batchId)
                .bind("driver_id", driverId)
                .bind("expected_version", expectedVersion)
                .bind("now", now)
                .mapTo(BatchRow.class)
                .findOne()
                .map(row -> row.with(stopsOf(h, row.id()))));
    }

    @Override
    public List<String> findInProgressBatches(String driverId) {
        return tx.read(h -> h.createQuery(findInProgress).bind("driver_id", driverId).mapTo(String.class).list());
    }

    /**
     * {@inheritDoc}
     *
     * <p>Ids compare by code point on both databases.
     */
    @Override
    public List<Batch> findBatchesInWorkspace(String workspaceId) {
        return tx.read(h -> joined(h.createQuery(findBatchesInWorkspace).bind("workspace_id", workspaceId)));
    }

    /**
     * {@inheritDoc}
     *
     * <p>Ids compare by code point on both databases.
     */
    @Override
    public List<Batch> findBatchesAssignedTo(String driverId) {
        return tx.read(h -> joined(h.createQuery(findBatchesAssignedTo).bind("driver_id", driverId)));
    }

    /**
     * {@inheritDoc}
     *
     * <p>On the {@code (driver_id, driver_status)} index (V17); ids compare by code point on both
     * databases.
     */
    @Override
    public List<Batch> findBatchesAssignedTo(String driverId, DriverStatus status) {
        Objects.requireNonNull(status, "status");
        return tx.read(h -> joined(h.createQuery(findBatchesAssignedWithStatus).bind("driver_id", driverId)
                .bind("driver_status", status.name())));
    }

    /**
     * {@inheritDoc}
     *
     * <p>One statement per {@value Chunks#SIZE} drivers, in one transaction: per driver an index
     * lookup of the batch on route, else of the latest updated ({@code find_current_batches.sql}).
     */
    @Override
    public Map<String, Batch> findCurrentBatches(String workspaceId, Collection<String> driverIds) {
        List<String> ids = List.copyOf(new LinkedHashSet<>(driverIds));
        if (ids.isEmpty()) {
            return new HashMap<>();
        }
        return tx.read(h -> {
            Map<String, Batch> out = new HashMap<>();
            for (List<String> chunk : Chunks.of(ids)) {
                for (Batch b : joined(h.createQuery(findCurrentBatches).bind("workspace_id", workspaceId)
                        .bindList("ids", chunk))) {
                    out.put(b.driverId(), b);
                }
            }
            return out;
        });
    }

    private List<Stop> stopsOf(Handle h, String batchId) {
        return h.createQuery(findStops).bind("batch_id", batchId).mapTo(Stop.class).list();
    }

    /** {@return a batch read: {@code batch_rows.sql} followed by the named WHERE and ORDER BY} */
    private static String batchRows(SqlDialect d, String name) {
        return SqlFiles.statement(d, "execution/batch_rows") + "\n" + SqlFiles.statement(d, name);
    }

    /**
     * The batches of a query that returns one row per stop (the batch's columns and the stop's, a
     * batch's rows together and in sequence; a batch without stops as one row with NULL stop
     * columns), in the query's order. Each batch is mapped once, at its first row, the only one
     * that carries its wide columns (stop 0's: a batch's stops are numbered from 0).
     */
    private static List<Batch> joined(Query query) {
        return query.scanResultSet((results, ctx) -> joined(results.get(), ctx));
    }

    /**
     * {@return the batches of rows that start as {@code batch_rows.sql}'s, one row per stop, by batch}
     *
     * @param rs  the rows, read to the end
     * @param ctx the statement's context (its row mappers)
     * @throws SQLException if reading fails
     */
    static List<Batch> joined(ResultSet rs, StatementContext ctx) throws SQLException {
        RowMapper<BatchRow> rowMapper = ctx.findRowMapperFor(BatchRow.class).orElseThrow();
        RowMapper<Stop> stopMapper = ctx.findRowMapperFor(Stop.class).orElseThrow();
        List<Batch> out = new ArrayList<>();
        BatchRow row = null;
        List<Stop> stops = new ArrayList<>();
        while (rs.next()) {
            String id = rs.getString("id");
            if (row == null || !row.id().equals(id)) {
                if (row != null) {
                    out.add(row.with(stops));
                }
                row = rowMapper.map(rs, ctx);
                stops = new ArrayList<>();
            }
            if (rs.getObject("stop_index") != null) {
                stops.add(stopMapper.map(rs, ctx));
            }
        }
        if (row != null) {
            out.add(row.with(stops));
        }
        return out;
    }
}
