package io.fleetgate.store.jdbc.internal;

import io.fleetgate.internal.Json;
import io.fleetgate.spi.ChangeLog;
import io.fleetgate.supervisor.Change;
import io.fleetgate.supervisor.ChangeKind;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.Query;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * {@link ChangeLog} on a JDBC database: the {@code changes} table (V14), which database triggers on
 * the source tables write (deferred constraint triggers under a per-workspace advisory lock on
 * PostgreSQL, plain AFTER triggers on SQLite: see V14), and {@code change_floors}, the purge's
 * floor per workspace. This class only reads, and purges. On PostgreSQL every unit runs bound to
 * the acting principal ({@link Tx}), so row-level security applies: a driver reads the changes
 * about them, a supervisor or member their workspace's, and only the system purges. Thread-safe.
 */
public final class JdbcChangeLog implements ChangeLog {
    private final Tx tx;
    private final SqlDialect dialect;
    private final String find;
    private final String findDriver;
    private final String head;
    private final String headDriver;
    private final String floor;
    private final String raiseFloors;
    private final String purge;
    private final RowMapper<Change> mapper;
    private final ChangeWatch watch;

    /**
     * Creates the log on the store's runner.
     *
     * @param tx    the database
     * @param watch the store's wake-ups ({@link ChangeWatch#of}), closed by the store
     */
    public JdbcChangeLog(Tx tx, ChangeWatch watch) {
        this.tx = tx;
        this.watch = watch;
        this.dialect = tx.dialect();
        this.find = SqlFiles.statement(dialect, "changes/find");
        this.findDriver = SqlFiles.statement(dialect, "changes/find_driver");
        this.head = SqlFiles.statement(dialect, "changes/head");
        this.headDriver = SqlFiles.statement(dialect, "changes/head_driver");
        this.floor = SqlFiles.statement(dialect, "changes/floor");
        this.raiseFloors = SqlFiles.statement(dialect, "changes/raise_floors");
        this.purge = SqlFiles.statement(dialect, "changes/purge");
        this.mapper = (rs, ctx) -> new Change(rs.getLong(1), rs.getString(2), ChangeKind.valueOf(rs.getString(3)),
                rs.getString(4), rs.getString(5), rs.getString(6), dialect.instant(rs, 7), summary(rs.getString(8)));
    }

    @Override
    public List<Change> findChanges(String workspaceId, String driverId, long afterSeq, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be 1 or more, got " + limit);
        }
        HandleCallback<List<Change>, RuntimeException> page = h -> {
            Query q = driverId == null ? h.createQuery(find) : h.createQuery(findDriver).bind("driver_id", driverId);
            return dialect.plannedPerCall(q).bind("workspace_id", workspaceId).bind("after", afterSeq)
                    .bind("limit", limit).map(mapper).list();
        };
        if (tx.readsFromReplica()) {
            // A replica replays the primary's commits in order, and a workspace's changes are numbered
            // in commit order (V14), so what it holds after the cursor is a gap-free run: a full page
            // from it skips nothing. A page that is not full is the replica's tail, which may lag the
            // primary's (a cursor ahead of it, or a reader woken for a change not replayed yet):
            // that page is read from the primary, so a reader at the tail never waits on the replica.
            List<Change> fromReplica = tx.read(page);
            if (fromReplica.size() == limit) {
                return fromReplica;
            }
        }
        return tx.readPrimary(page);
    }

    @Override
    public long head(String workspaceId, String driverId) {
        return tx.read(h -> {
            Query q = driverId == null ? h.createQuery(head) : h.createQuery(headDriver).bind("driver_id", driverId);
            Long max = dialect.plannedPerCall(q).bind("workspace_id", workspaceId).mapTo(Long.class).findOne().orElse(null);
            return Math.max(max == null ? 0 : max, floorOf(h, workspaceId));
        });
    }

    @Override
    public long floor(String workspaceId) {
        return tx.read(h -> floorOf(h, workspaceId));
    }

    @Override
    public long purge(Instant before) {
        return tx.write(h -> {
            h.createUpdate(raiseFloors).bind("before", before).execute();
            return (long) h.createUpdate(purge).execute();
        });
    }

    @Override
    public Watch watch(Consumer<String> changed) {
        return watch.add(Objects.requireNonNull(changed, "changed"));
    }

    private long floorOf(Handle h, String workspaceId) {
        return h.createQuery(floor).bind("workspace_id", workspaceId).mapTo(Long.class).findOne().orElse(0L);
    }

    /** The summary's text values; JSON nulls (an absent optional field) are left out. */
    private static Map<String, String> summary(String json) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : Json.parseObject(json).entrySet()) {
            if (e.getValue() != null) {
                out.put(e.getKey(), e.getValue().toString());
            }
        }
        return out;
    }
}
