package io.fleetgate.store.jdbc.internal;

import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * The SQLite change watch, in-process: each write this store commits pokes the thread
 * ({@link Tx#afterCommit}), which then reads which workspaces have changes above the last seq it
 * saw (one range scan of the newest rows, however many commits poked it meanwhile) and tells
 * them. SQLite's writers are one at a time, so the seqs grow in commit order. Only this
 * process's commits wake readers: SQLite is a one-host store.
 */
final class SqliteChangeDispatcher extends ChangeWatch {
    private final Tx tx;
    private final String since;
    private final String lastSeq;
    private volatile boolean poked;
    private volatile Thread sleeper;
    private long seen;

    SqliteChangeDispatcher(Tx tx) {
        super("fleetgate-changes-dispatch");
        this.tx = tx;
        this.since = SqlFiles.statement(tx.dialect(), "changes/workspaces_since");
        this.lastSeq = SqlFiles.statement(tx.dialect(), "changes/last_seq");
    }

    @Override
    void starting() {
        // from the newest change now: what was committed before the first watch woke nobody
        seen = tx.read(h -> h.createQuery(lastSeq).mapTo(Long.class).one());
        tx.afterCommit(this::poke);
    }

    private void poke() {
        poked = true;
        LockSupport.unpark(sleeper);
    }

    @Override
    void run() {
        sleeper = Thread.currentThread();
        long pause = 100;
        while (!closed()) {
            if (!poked) {
                LockSupport.park(this);
                continue;
            }
            poked = false;
            try {
                List<Map.Entry<String, Long>> grown = tx.read(h -> h.createQuery(since).bind("after", seen)
                        .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getLong(2))).list());
                for (Map.Entry<String, Long> g : grown) {
                    seen = Math.max(seen, g.getValue());
                    tell(g.getKey());
                }
                pause = 100;
            } catch (RuntimeException e) {
                LOG.atWarn().setMessage("change_dispatch_failed").addKeyValue("exception", e.getClass().getName())
                        .addKeyValue("retry_ms", pause).log();
                poked = true;
                pause(pause);
                pause = Math.min(MAX_PAUSE_MS, pause * 2);
            }
        }
    }

    @Override
    void wakeForClose() {
        tx.afterCommit(null);
        LockSupport.unpark(sleeper);
    }
}
