package io.fleetgate.examples.http;

import io.fleetgate.Principal;
import io.fleetgate.error.FleetgateException;
import io.fleetgate.session.DeviceSession;
import io.fleetgate.supervisor.Change;
import io.fleetgate.supervisor.ChangeFeed;
import io.fleetgate.supervisor.ChangePage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The change feed over HTTP, live: {@code GET /v1/supervisor/changes} (a page, or a long-poll that
 * waits up to {@value #MAX_WAIT_S} s for news) and {@code GET /v1/supervisor/stream} (Server-Sent
 * Events), for supervisors and members of a workspace. Both are reads: nothing a client sends here
 * writes anything.
 *
 * <p>How waiting costs no thread: a waiting long-poll is a {@link ChangeFeed#subscribe
 * subscription}, and the open streams of a workspace share one (their {@code Tail}); a wake-up
 * (from this host's commits, or on PostgreSQL from any host's through the store's one listening
 * connection) schedules one read of the feed on a request thread, at most one queued per waiter
 * or tail however many wake-ups come, and the answer or the events are written without blocking.
 * A workspace's tail reads the new changes once and keeps its newest {@value #RECENT}, rendered,
 * for all its streams: a commit costs one read however many consoles watch. A stream writes a
 * page, then takes the next only once the client has taken it: a slow reader holds one page,
 * never a backlog, and one that fell behind what the tail keeps reads the store itself.
 *
 * <p>Limits: a session holds at most {@link HttpLimits#waitersPerSession()} streams and waiting
 * long-polls at once (more: 429); every {@link HttpLimits#streamHeartbeat()} a stream sends a
 * {@code : ping} comment and checks its token still holds ({@link
 * io.fleetgate.session.SessionService#verify}, which does not count as activity); a stream whose
 * token has ended gets an {@code end} event and is closed. Thread-safe; {@link #close()} ends every
 * stream and answers every waiting long-poll.
 */
final class ChangesApi implements AutoCloseable {
    /** The longest a long-poll waits. */
    static final int MAX_WAIT_S = 30;
    /** A page's size when the client names none. */
    static final int DEFAULT_LIMIT = 100;
    /** The reconnection delay a stream asks browsers for. */
    static final int RETRY_MS = 2000;
    /** How many of its newest changes a workspace's tail keeps ready for its streams. */
    static final int RECENT = 512;

    private static final Logger LOG = LoggerFactory.getLogger("io.fleetgate.examples.http");

    private final Services services;
    private final ExecutorService workers;
    private final HttpLimits limits;
    private final ScheduledExecutorService timer;
    private final Map<String, AtomicInteger> perSession = new ConcurrentHashMap<>();
    private final Set<Waiter> waiters = ConcurrentHashMap.newKeySet();
    /** The workspaces' tails, one per workspace with a stream open; changed only by compute, per workspace. */
    private final Map<String, Tail> tails = new ConcurrentHashMap<>();
    private final ScheduledFuture<?> heartbeat;
    private volatile boolean closed;

    /**
     * @param services the services
     * @param workers  the request threads, which run the reads a wake-up asks for
     * @param limits   the heartbeat and the cap per session
     */
    ChangesApi(Services services, ExecutorService workers, HttpLimits limits) {
        this.services = services;
        this.workers = workers;
        this.limits = limits;
        this.timer = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread t = new Thread(task, "fleetgate-http-push");
            t.setDaemon(true);
            return t;
        });
        long every = limits.streamHeartbeat().toNanos();
        this.heartbeat = timer.scheduleAtFixedRate(this::beat, every, every, TimeUnit.NANOSECONDS);
    }

    /**
     * @param router where the two routes go
     */
    void register(Router router) {
        router.add("GET", "/v1/supervisor/changes", this::changes)
                .add("GET", "/v1/supervisor/stream", this::stream);
    }

    /** {@return the streams and waiting long-polls open now} */
    int open() {
        return waiters.size();
    }

    // --- GET /v1/supervisor/changes ---------------------------------------------------------------

    private Response changes(Call call) {
        Principal who = reader(call);
        String after = call.query("after");
        int limit = limit(call.query("limit"));
        Duration wait = waitOf(call.query("wait"));
        ChangeFeed feed = services.fleetgate().changes();
        if (wait.isZero()) {
            return Response.ok(page(feed, feed.changes(who, after, limit)));
        }
        Poll poll = new Poll(call.caller().session().id(), who, limit);
        admit(poll);
        try {
            // subscribed before the first read: a change committed in between wakes it
            poll.subscription = feed.subscribe(who, null, poll::wake);
            ChangePage first = feed.changes(who, after, limit);
            if (!first.changes().isEmpty() || closed) {
                poll.finish();
                return Response.ok(page(feed, first));
            }
            poll.cursor = first.cursor();
            poll.timeout = timer.schedule(poll::timedOut, wait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RuntimeException e) {
            poll.finish();
            throw e;
        }
        return new Response(200, new Response.Later(poll.answer), Map.of("Cache-Control", "no-store"));
    }

    // --- GET /v1/supervisor/stream ----------------------------------------------------------------

    private Response stream(Call call) {
        Principal who = reader(call);
        String resume = call.query("after");
        String lastEventId = call.header("Last-Event-ID");
        if (lastEventId != null && !lastEventId.isEmpty()) {
            resume = lastEventId;
        }
        ChangeFeed feed = services.fleetgate().changes();
        DeviceSession session = call.caller().session();
        String cursor;
        if (resume == null || resume.isEmpty()) {
            cursor = feed.head(who, null);
        } else {
            // checked now, so that a bad or foreign cursor is a 400 or 404, not a broken stream
            feed.changes(who, resume, 1);
            cursor = resume;
        }
        Live live = new Live(session.id(), who, call.bearerToken(), cursor);
        admit(live);
        try {
            attach(live);
        } catch (RuntimeException e) {
            live.finish();
            throw e;
        }
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Cache-Control", "no-store");
        headers.put("X-Accel-Buffering", "no");
        return new Response(200, new Response.Stream("text/event-stream; charset=utf-8", live::opened), headers);
    }

    // --- the parts --------------------------------------------------------------------------------

    /** Supervisors and members read their workspace's feed here; drivers have none of theirs here. */
    private static Principal reader(Call call) {
        Principal who = call.principal();
        if (!(who instanceof Principal.Supervisor) && !(who instanceof Principal.Member)) {
            throw FleetgateException.forbidden("only a workspace's supervisors and members read its changes");
        }
        return who;
    }

    private static int limit(String text) {
        if (text == null) {
            return DEFAULT_LIMIT;
        }
        try {
            int n = Integer.parseInt(text);
            if (n >= 1 && n <= ChangeFeed.MAX_LIMIT) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw FleetgateException.invalid("limit", "must be a whole number from 1 to " + ChangeFeed.MAX_LIMIT);
    }

    private static Duration waitOf(String text) {
        if (text == null) {
            return Duration.ZERO;
        }
        try {
            int s = Integer.parseInt(text);
            if (s >= 0 && s <= MAX_WAIT_S) {
                return Duration.ofSeconds(s);
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw FleetgateException.invalid("wait", "must be a whole number of seconds from 0 to " + MAX_WAIT_S);
    }

    private void admit(Waiter w) {
        if (closed) {
            throw new HttpError(503, "UNAVAILABLE", "the host is stopping");
        }
        AtomicInteger held = perSession.computeIfAbsent(w.sessionId, k -> new AtomicInteger());
        if (held.incrementAndGet() > limits.waitersPerSession()) {
            release(w.sessionId);
            throw new HttpError(429, "RATE_LIMITED", "this session already holds " + limits.waitersPerSession()
                    + " streams and waiting long-polls");
        }
        waiters.add(w);
    }

    private void release(String sessionId) {
        perSession.computeIfPresent(sessionId, (k, n) -> n.decrementAndGet() <= 0 ? null : n);
    }

    static Map<String, Object> page(ChangeFeed feed, ChangePage page) {
        Map<String, Object> out = new LinkedHashMap<>();
        List<Object> changes = new ArrayList<>();
        for (Change c : page.changes()) {
            changes.add(change(feed, c));
        }
        out.put("changes", changes);
        out.put("next", page.cursor());
        return out;
    }

    static Map<String, Object> change(ChangeFeed feed, Change c) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("cursor", feed.cursorAfter(c));
        out.put("kind", c.kind().name());
        out.put("workspace_id", c.workspaceId());
        out.put("entity_id", c.entityId());
        out.put("driver_id", c.driverId());
        out.put("batch_id", c.batchId());
        out.put("at", Views.time(c.at()));
        out.put("summary", c.summary());
        return out;
    }

    /** Runs {@code task} on a request thread; {@code false} when the host is stopping. */
    private boolean run(Runnable task) {
        try {
            workers.execute(task);
            return true;
        } catch (RejectedExecutionException stopping) {
            return false;
        }
    }

    private void beat() {
        for (Waiter w : waiters) {
            // one heartbeat queued per stream at most, however slow the store
            if (w instanceof Live live && live.beating.compareAndSet(false, true) && !run(live::beat)) {
                live.beating.set(false);
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        heartbeat.cancel(false);
        for (Waiter w : waiters) {
            w.stop();
        }
        timer.shutdownNow();
    }

    /** A waiting long-poll or an open stream: one session's hold on the feed. */
    private abstract class Waiter {
        final String sessionId;
        final Principal who;
        final AtomicBoolean queued = new AtomicBoolean();
        final AtomicBoolean finished = new AtomicBoolean();
        volatile ChangeFeed.Subscription subscription;

        Waiter(String sessionId, Principal who) {
            this.sessionId = sessionId;
            this.who = who;
        }

        /** A wake-up, on the store's thread: queue one read unless one is queued already. */
        final void wake() {
            if (queued.compareAndSet(false, true) && !run(this::readNow)) {
                stop();
            }
        }

        private void readNow() {
            queued.set(false);
            if (!finished.get()) {
                read();
            }
        }

        abstract void read();

        /** Answers or ends it (the host stopping). */
        abstract void stop();

        /** Lets go of the subscription and the session's slot, once. */
        final boolean finish() {
            if (!finished.compareAndSet(false, true)) {
                return false;
            }
            ChangeFeed.Subscription s = subscription;
            if (s != null) {
                s.close();
            }
            finished();
            waiters.remove(this);
            release(sessionId);
            return true;
        }

        /** What else lets go when it finishes. */
        void finished() {
        }
    }

    /**
     * Joins a stream to its workspace's tail, made (subscribed, at the head) by the first stream.
     * Atomic per workspace: the first stream of one workspace reading its head holds up no other.
     */
    private void attach(Live live) {
        tails.compute(live.workspaceId, (workspace, tail) -> {
            Tail joined = tail != null ? tail : new Tail(workspace, live.who);
            joined.streams.add(live);
            live.tail = joined;
            return joined;
        });
    }

    /** Lets a stream go from its tail; the last one out closes the tail's subscription. */
    private void detach(Live live) {
        Tail left = live.tail;
        if (left == null) {
            return;
        }
        tails.computeIfPresent(left.workspaceId, (workspace, tail) -> {
            if (tail != left || !tail.streams.remove(live) || !tail.streams.isEmpty()) {
                return tail;
            }
            tail.subscription.close();
            return null;
        });
    }

    /** A change as a stream sends it, and the cursor after it. */
    private record Sent(String cursor, String text) {
    }

    static String event(ChangeFeed feed, Change c) {
        return "id: " + feed.cursorAfter(c) + "\nevent: change\ndata: "
                + new String(JsonIo.write(change(feed, c)), StandardCharsets.UTF_8) + "\n\n";
    }

    /**
     * One workspace's newest changes, read once per wake-up for every stream of the workspace and
     * kept (the last {@value #RECENT}) ready to send: a commit costs one read of the feed however
     * many consoles watch, and each stream takes what lies after its cursor from here. Every stream
     * of a workspace is a supervisor's or member's, who see the same changes. A stream whose cursor
     * is not here (it fell further behind, or read past the tail itself) reads the store.
     */
    private final class Tail {
        final String workspaceId;
        final Principal reader;
        final Set<Live> streams = ConcurrentHashMap.newKeySet();
        final AtomicBoolean queued = new AtomicBoolean();
        final ChangeFeed.Subscription subscription;
        private final Object refreshing = new Object();
        /** Guarded by this: the newest changes, the cursor before the first of them, and after the last. */
        private final ArrayDeque<Sent> recent = new ArrayDeque<>();
        private String start;
        private String last;

        Tail(String workspaceId, Principal reader) {
            this.workspaceId = workspaceId;
            this.reader = reader;
            ChangeFeed feed = services.fleetgate().changes();
            synchronized (this) {
                this.start = feed.head(reader, workspaceId);
                this.last = start;
            }
            this.subscription = feed.subscribe(reader, workspaceId, this::wake);
            // what was committed between the head and the subscription woke nobody: read once
            wake();
        }

        void wake() {
            if (queued.compareAndSet(false, true) && !run(this::refresh)) {
                queued.set(false);
            }
        }

        /** Reads what is new (one reader at a time), keeps it, then lets each stream send it. */
        private void refresh() {
            queued.set(false);
            ChangeFeed feed = services.fleetgate().changes();
            boolean grew = false;
            synchronized (refreshing) {
                try {
                    while (true) {
                        String from;
                        synchronized (this) {
                            from = last;
                        }
                        if (from == null) {
                            restart(feed);
                            break;
                        }
                        ChangePage page = feed.changes(reader, workspaceId, from, ChangeFeed.MAX_LIMIT);
                        if (page.changes().isEmpty()) {
                            break;
                        }
                        grew = true;
                        synchronized (this) {
                            for (Change c : page.changes()) {
                                recent.addLast(new Sent(feed.cursorAfter(c), event(feed, c)));
                                if (recent.size() > RECENT) {
                                    start = recent.removeFirst().cursor();
                                }
                            }
                            last = page.cursor();
                        }
                        if (page.changes().size() < ChangeFeed.MAX_LIMIT) {
                            break;
                        }
                    }
                } catch (FleetgateException e) {
                    // the store failed (or the tail's own cursor expired): start again from the
                    // head; until then the streams read the store themselves
                    LOG.atWarn().setMessage("change_tail_read_failed").addKeyValue("error", e.code().name()).log();
                    restart(feed);
                    grew = true;
                }
            }
            if (grew) {
                streams.forEach(Live::wake);
            }
        }

        /** Forgets what is kept and starts at the head; with no head (the store failed), nowhere. */
        private void restart(ChangeFeed feed) {
            String head;
            try {
                head = feed.head(reader, workspaceId);
            } catch (FleetgateException e) {
                LOG.atWarn().setMessage("change_tail_read_failed").addKeyValue("error", e.code().name()).log();
                head = null;
            }
            synchronized (this) {
                recent.clear();
                start = head;
                last = head;
            }
        }

        /**
         * {@return what lies after {@code cursor} here, at most {@code limit}, or {@code null} when
         * the cursor is not within what is kept}
         */
        synchronized List<Sent> after(String cursor, int limit) {
            if (cursor == null || start == null) {
                return null;
            }
            int skip;
            if (cursor.equals(start)) {
                skip = 0;
            } else {
                skip = -1;
                int i = 0;
                for (Sent sent : recent) {
                    i++;
                    if (sent.cursor().equals(cursor)) {
                        skip = i;
                        break;
                    }
                }
                if (skip < 0) {
                    return null;
                }
            }
            return recent.stream().skip(skip).limit(limit).toList();
        }
    }

    /** A long-poll waiting for news. */
    private final class Poll extends Waiter {
        final int limit;
        final CompletableFuture<Response> answer = new CompletableFuture<>();
        volatile String cursor;
        volatile ScheduledFuture<?> timeout;

        Poll(String sessionId, Principal who, int limit) {
            super(sessionId, who);
            this.limit = limit;
        }

        @Override
        void read() {
            String from = cursor;
            if (from == null) {
                return; // woken before the first read ended: that read answers
            }
            ChangeFeed feed = services.fleetgate().changes();
            try {
                ChangePage page = feed.changes(who, from, limit);
                if (!page.changes().isEmpty()) {
                    answer(Response.ok(page(feed, page)));
                }
            } catch (RuntimeException e) {
                if (finish()) {
                    answer.completeExceptionally(e);
                }
            }
        }

        void timedOut() {
            ChangeFeed feed = services.fleetgate().changes();
            answer(Response.ok(page(feed, new ChangePage(List.of(), cursor))));
        }

        private void answer(Response r) {
            if (finish()) {
                ScheduledFuture<?> t = timeout;
                if (t != null) {
                    t.cancel(false);
                }
                answer.complete(r);
            }
        }

        @Override
        void stop() {
            timedOut();
        }
    }

    /** An open event stream. */
    private final class Live extends Waiter {
        final String token;
        final AtomicBoolean beating = new AtomicBoolean();
        /** Guarded by this: the sink once opened, a write in flight, a read wanted meanwhile. */
        private Response.Sink sink;
        private boolean writing;
        private boolean again;
        private String cursor;
        private String endReason;

        final String workspaceId;
        volatile Tail tail;

        Live(String sessionId, Principal who, String token, String cursor) {
            super(sessionId, who);
            this.token = token;
            this.cursor = cursor;
            this.workspaceId = who instanceof Principal.Supervisor sup ? sup.workspaceId()
                    : ((Principal.Member) who).workspaceId();
        }

        @Override
        void finished() {
            detach(this);
        }

        /** The head is sent: ask for a reconnection delay, then read what is already there. */
        void opened(Response.Sink opened) {
            synchronized (this) {
                sink = opened;
                writing = true;
                // what was committed between the head and the subscription woke nobody: read once
                again = true;
            }
            if (finished.get()) {
                opened.end();
                return;
            }
            opened.write("retry: " + RETRY_MS + "\n\n", this::written);
        }

        @Override
        void read() {
            String from;
            synchronized (this) {
                if (sink == null || writing) {
                    again = true;
                    return;
                }
                from = cursor;
                writing = true;
            }
            StringBuilder text = new StringBuilder();
            String next;
            Tail t = tail;
            List<Sent> kept = t == null ? null : t.after(from, DEFAULT_LIMIT);
            if (kept != null) {
                kept.forEach(sent -> text.append(sent.text()));
                next = kept.isEmpty() ? from : kept.get(kept.size() - 1).cursor();
            } else {
                ChangeFeed feed = services.fleetgate().changes();
                ChangePage page;
                try {
                    page = feed.changes(who, from, DEFAULT_LIMIT);
                } catch (FleetgateException e) {
                    // the cursor expired under a reader that fell far behind, or the store failed
                    end(e.code().name());
                    return;
                }
                page.changes().forEach(c -> text.append(event(feed, c)));
                next = page.cursor();
            }
            if (text.length() == 0) {
                synchronized (this) {
                    writing = false;
                }
                written(true);
                return;
            }
            synchronized (this) {
                cursor = next;
            }
            sink.write(text.toString(), ok -> {
                synchronized (this) {
                    again = true; // a full page may have more behind it
                }
                written(ok);
            });
        }

        /** After a write: the client gone ends it; an end asked for meanwhile is sent; a read wanted runs now. */
        private void written(boolean ok) {
            if (!ok) {
                finish();
                return;
            }
            boolean more;
            String ending;
            synchronized (this) {
                writing = false;
                more = again;
                again = false;
                ending = endReason;
                endReason = null;
                if (ending != null) {
                    writing = true;
                }
            }
            if (ending != null) {
                sendEnd(ending);
            } else if (more) {
                wake();
            }
        }

        /** The heartbeat: the token re-checked, then a comment line (skipped while a page is being written). */
        void beat() {
            beating.set(false);
            if (finished.get()) {
                return;
            }
            try {
                services.sessions().verify(token);
            } catch (FleetgateException ended) {
                end("SESSION_ENDED");
                return;
            }
            Response.Sink s;
            synchronized (this) {
                if (sink == null || writing) {
                    return;
                }
                writing = true;
                s = sink;
            }
            s.write(": ping\n\n", this::written);
        }

        /** Ends the stream with an {@code end} event naming why (after the write in flight, if any). */
        private void end(String reason) {
            if (!finish()) {
                return;
            }
            LOG.atInfo().setMessage("change_stream_ended").addKeyValue("reason", reason).log();
            synchronized (this) {
                if (sink == null) {
                    return; // opened() sees it finished and ends the answer
                }
                if (writing) {
                    endReason = reason;
                    return;
                }
                writing = true;
            }
            sendEnd(reason);
        }

        private void sendEnd(String reason) {
            Response.Sink s;
            synchronized (this) {
                s = sink;
            }
            s.write("event: end\ndata: {\"reason\":\"" + reason + "\"}\n\n", ok -> s.end());
        }

        @Override
        void stop() {
            end("HOST_STOPPING");
        }
    }
}
